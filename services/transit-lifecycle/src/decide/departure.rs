//! What the office of departure says: release, invalidation, enquiry, recovery, and answers to
//! record requests.

use chrono::{DateTime, Utc};
use transit_model::{
    Body, FunctionalErrorCode as Code, Header, MessageType, OfficeRef, Participant, ReceivingRole,
    RecordOutcome, RecordResponse, RecoveryNotice, StandardMessage, TransitDeclaration,
};

use super::{
    agreements, forward, out_of_sequence, require_departure, require_sender, with_state, Transition,
};
use crate::{Movement, MovementState, Passage, Rejection, Rules};

/// The most offices of transit NCTS allows on one declaration.
const MAX_TRANSIT_OFFICES: usize = 9;

/// IE029: a new movement; a transit record to each declared office of transit and an arrival
/// record to the destination, each under the data-sharing agreement in force between the two
/// countries (none in force: no copy, and the departure is told why).
pub(super) fn release(
    rules: &Rules,
    message: &StandardMessage,
    declaration: &TransitDeclaration,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    let departure = &declaration.declaration_office_id;
    if departure.country() != message.mrn().country() {
        return Err(Rejection::new(
            Code::RuleViolation,
            "/body/declarationOfficeId",
            format!(
                "the office of departure {departure} is not in {}, the country the MRN was issued in",
                message.mrn().country()
            ),
        ));
    }
    require_sender(message, departure, "/body/declarationOfficeId")?;
    if declaration.transit_office_ids.len() > MAX_TRANSIT_OFFICES {
        return Err(Rejection::new(
            Code::RuleViolation,
            "/body/transitOfficeIds",
            format!("at most {MAX_TRANSIT_OFFICES} offices of transit may be declared"),
        ));
    }
    if let Some(pointer) = declaration.incomplete_release() {
        return Err(Rejection::new(
            Code::MissingConditional,
            pointer,
            if pointer == "/body/withheld" {
                "a release carries the whole declaration: only the hub leaves data out, of the copies it makes under an agreement".to_owned()
            } else {
                format!("every release carries {pointer}: only the hub leaves data out, of the copies it makes under an agreement")
            },
        ));
    }
    check_wagons(declaration)?;
    let mut movement = Movement {
        mrn: message.mrn().clone(),
        state: MovementState::Released,
        departure_office: departure.clone(),
        route: declaration
            .transit_office_ids
            .iter()
            .map(|office| Passage {
                office: office.clone(),
                crossed_at: None,
                declared: true,
            })
            .collect(),
        destination_office: declaration.destination_office_id.clone(),
        diverted_from: None,
        arrival_time_limit: declaration.arrival_time_limit,
        arrived_at: None,
        control_result: None,
        incidents: Vec::new(),
        guarantee_released: false,
        last_event_at: Some(declaration.release_date_time),
        discharged_off_route: None,
        copies_not_sent: Vec::new(),
        declaration: declaration.clone(),
    };
    let recipients = declaration
        .transit_office_ids
        .iter()
        .map(|office| (office, ReceivingRole::Transit))
        .chain([(
            &declaration.destination_office_id,
            ReceivingRole::Destination,
        )]);
    let mut outgoing = Vec::new();
    for (office, role) in recipients {
        let copy = agreements::copy_for(
            rules,
            declaration,
            departure,
            office,
            role,
            now.date_naive(),
        );
        match copy {
            Ok(copy) => {
                let (message_type, body) = match role {
                    ReceivingRole::Transit => (
                        MessageType::AnticipatedTransitRecord,
                        Body::AnticipatedTransitRecord(copy),
                    ),
                    _ => (
                        MessageType::AnticipatedArrivalRecord,
                        Body::AnticipatedArrivalRecord(copy),
                    ),
                };
                outgoing.push(copy_of_release(message, message_type, body, office, now));
            }
            Err(not_sent) => movement.copies_not_sent.push(not_sent),
        }
    }
    outgoing.extend(agreements::tell_departure(message, &movement, now));
    Ok(Transition { movement, outgoing })
}

/// Rail: a declaration by rail (mode 2) lists its wagons, each once, and every container
/// loaded on a wagon names one of them; a declaration by road lists no wagons.
fn check_wagons(declaration: &TransitDeclaration) -> Result<(), Rejection> {
    let consignment = &declaration.goods_shipment.consignment;
    let wagons = &consignment.departure_transport_means;
    let by_rail = declaration
        .border_transport_means
        .as_ref()
        .is_some_and(|means| means.mode_code == RAIL);
    if by_rail && wagons.is_empty() {
        return Err(Rejection::new(
            Code::MissingConditional,
            "/body/goodsShipment/consignment/departureTransportMeans",
            "a declaration by rail (borderTransportMeans.modeCode 2) lists the wagons the goods are on",
        ));
    }
    if !by_rail && !wagons.is_empty() {
        return Err(Rejection::new(
            Code::NotAllowed,
            "/body/goodsShipment/consignment/departureTransportMeans",
            "wagons are declared only by rail (borderTransportMeans.modeCode 2)",
        ));
    }
    for (i, wagon) in wagons.iter().enumerate() {
        if wagons[..i].iter().any(|w| w.id == wagon.id) {
            return Err(Rejection::new(
                Code::RuleViolation,
                &format!("/body/goodsShipment/consignment/departureTransportMeans/{i}/id"),
                format!("wagon {} is listed twice", wagon.id),
            ));
        }
    }
    for (i, container) in consignment.transport_equipment.iter().enumerate() {
        if let Some(wagon) = &container.wagon_id {
            if !wagons.iter().any(|w| &w.id == wagon) {
                return Err(Rejection::new(
                    Code::RuleViolation,
                    &format!("/body/goodsShipment/consignment/transportEquipment/{i}/wagonId"),
                    format!(
                        "container {} is loaded on wagon {wagon}, which the declaration does not list",
                        container.id
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// UN/ECE Rec 19 transport mode: rail.
const RAIL: u8 = 2;

/// A copy of the released declaration for one office, sent on behalf of the departure. Its id
/// is derived from the release's id and the office.
pub(super) fn copy_of_release(
    release: &StandardMessage,
    message_type: MessageType,
    body: Body,
    office: &OfficeRef,
    now: DateTime<Utc>,
) -> StandardMessage {
    let source = release.header();
    let header = Header {
        message_id: source
            .message_id
            .derive(&format!("{}/{office}", message_type.code())),
        message_type,
        prepared_at: now,
        sender: source.sender.clone(),
        recipient: Participant::Office(office.clone()),
        mrn: source.mrn.clone(),
        correlation_id: Some(source.message_id),
        schema_version: source.schema_version.clone(),
    };
    StandardMessage::new(header, body).unwrap_or_else(|_| unreachable!("types agree"))
}

/// IE010: customs invalidated the movement; every office holding a copy is told.
pub(super) fn invalidate(
    movement: &Movement,
    message: &StandardMessage,
    _now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    require_departure(movement, message)?;
    if !movement.state.is_en_route() {
        return Err(out_of_sequence(
            movement,
            message,
            "on the road (Released, EnquiryRecommended or UnderEnquiry)",
        ));
    }
    let outgoing = movement
        .offices_holding_a_copy()
        .iter()
        .map(|office| forward(message, office, false))
        .collect();
    let mut cancelled = with_state(movement, MovementState::Cancelled);
    // Nothing is owed on a movement customs invalidated: its guarantee is released.
    cancelled.guarantee_released = true;
    Ok(Transition {
        movement: cancelled,
        outgoing,
    })
}

/// IE142: no arrival; the departure asks the destination.
pub(super) fn enquiry(
    movement: &Movement,
    message: &StandardMessage,
) -> Result<Transition, Rejection> {
    require_departure(movement, message)?;
    if !matches!(
        movement.state,
        MovementState::Released | MovementState::EnquiryRecommended
    ) {
        return Err(out_of_sequence(
            movement,
            message,
            "Released or EnquiryRecommended",
        ));
    }
    Ok(Transition {
        movement: with_state(movement, MovementState::UnderEnquiry),
        outgoing: vec![forward(message, &movement.destination_office, true)],
    })
}

/// IE150: duties must be recovered; the recovering office is told.
pub(super) fn recovery(
    movement: &Movement,
    message: &StandardMessage,
    notice: &RecoveryNotice,
) -> Result<Transition, Rejection> {
    require_departure(movement, message)?;
    if !matches!(
        movement.state,
        MovementState::Released
            | MovementState::EnquiryRecommended
            | MovementState::UnderEnquiry
            | MovementState::UnderDiscrepancy
    ) {
        return Err(out_of_sequence(
            movement,
            message,
            "still open without proof of arrival, or under discrepancy",
        ));
    }
    Ok(Transition {
        movement: with_state(movement, MovementState::UnderRecovery),
        outgoing: vec![forward(message, &notice.recovering_office, true)],
    })
}

/// IE152: recovery has started; the recovering office is told.
pub(super) fn recovery_dispatch(
    movement: &Movement,
    message: &StandardMessage,
    notice: &RecoveryNotice,
) -> Result<Transition, Rejection> {
    require_departure(movement, message)?;
    if movement.state != MovementState::UnderRecovery {
        return Err(out_of_sequence(movement, message, "UnderRecovery"));
    }
    Ok(Transition {
        movement: movement.clone(),
        outgoing: vec![forward(message, &notice.recovering_office, true)],
    })
}

/// IE003 / IE115 from the departure itself (when the rules leave record requests to it, or
/// it answers anyway): passed on to the office that asked; a granted record diverts the
/// movement there (nothing changes if the hub already did).
pub(super) fn record_response(
    movement: &Movement,
    message: &StandardMessage,
    response: &RecordResponse,
) -> Result<Transition, Rejection> {
    require_departure(movement, message)?;
    let mut next = movement.clone();
    if response.outcome == RecordOutcome::Granted {
        let office = &response.requesting_office;
        match message.message_type() {
            MessageType::ArrivalRecordResponse if movement.state.is_en_route() => {
                super::destination::divert_to(&mut next, office)
            }
            MessageType::TransitRecordResponse if movement.state != MovementState::Cancelled => {
                super::route::add_to_route(&mut next, office)
            }
            _ => {}
        }
    }
    Ok(Transition {
        movement: next,
        outgoing: vec![forward(message, &response.requesting_office, true)],
    })
}
