//! What the office of destination says: arrival, control results, record requests from an
//! undeclared destination, answers to an enquiry, and acceptance of a recovery.

use chrono::{DateTime, Utc};
use transit_model::{
    ArrivalAdvice, Body, ControlResultCode, ControlResults, EnquiryAnswer,
    FunctionalErrorCode as Code, MessageType, OfficeRequest, RecoveryNotice, StandardMessage,
    StatusResponse, Text, WriteOff,
};

use super::{
    answer_record_request, forward, hub_message, out_of_sequence, require_sender, with_state,
    Transition,
};
use crate::{Movement, MovementState, OffRouteDischarge, Rejection, Rules};

/// The sender must be the movement's (possibly diverted) office of destination.
fn require_destination(
    movement: &Movement,
    message: &StandardMessage,
    office: &transit_model::OfficeRef,
    pointer: &str,
) -> Result<(), Rejection> {
    require_sender(message, office, pointer)?;
    if *office != movement.destination_office {
        return Err(Rejection::new(
            Code::RuleViolation,
            pointer,
            format!(
                "{office} is not the office of destination of {} ({}); an undeclared destination asks for the record first (IE002)",
                movement.mrn, movement.destination_office
            ),
        ));
    }
    Ok(())
}

/// IE006: the goods were presented. The departure is told; when they were presented at an
/// office they were diverted to, the declared destination, which was expecting them, gets a
/// copy too — NCTS's forwarded arrival advice (IE024), sent here as the IE006 itself. When the
/// goods turn up after the time limit (an enquiry recommended or under way), the departure is
/// also sent the movement's new status (IE095 `Arrived`): the enquiry is closed.
pub(super) fn arrival(
    movement: &Movement,
    message: &StandardMessage,
    advice: &ArrivalAdvice,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    require_destination(
        movement,
        message,
        &advice.destination_office,
        "/body/destinationOffice",
    )?;
    if !movement.state.is_en_route() {
        return Err(out_of_sequence(movement, message, "on the road"));
    }
    let mut next = with_state(movement, MovementState::Arrived);
    next.arrived_at = Some(advice.arrival_date_time);
    let mut outgoing = vec![forward(message, &movement.departure_office, true)];
    if let Some(declared) = movement
        .diverted_from
        .as_ref()
        .filter(|declared| **declared != advice.destination_office)
    {
        outgoing.push(forward(message, declared, false));
    }
    if matches!(
        movement.state,
        MovementState::EnquiryRecommended | MovementState::UnderEnquiry
    ) {
        let closed = Body::StatusResponse(StatusResponse {
            state: Text::normalized(next.state.as_str()),
            last_event_date_time: advice.arrival_date_time,
            remarks: None,
        });
        outgoing.push(hub_message(
            message,
            MessageType::StatusResponse,
            closed,
            &movement.departure_office,
            now,
        ));
    }
    Ok(Transition {
        movement: next,
        outgoing,
    })
}

/// The write-off: state, guarantee released, and the IE045 to the departure; a discharge at an
/// office in a country the declaration does not name is flagged on the movement.
fn write_off(
    movement: &Movement,
    cause: &StandardMessage,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (Movement, StandardMessage) {
    let mut next = with_state(movement, MovementState::WrittenOff);
    next.guarantee_released = true;
    if let Some(office) = cause.header().sender.office() {
        if !movement.declaration.names_country(office.country()) {
            next.discharged_off_route = Some(OffRouteDischarge {
                office: office.clone(),
                message_id: cause.id(),
                at,
            });
        }
    }
    let notice = hub_message(
        cause,
        MessageType::WriteOffNotification,
        Body::WriteOffNotification(WriteOff {
            write_off_date_time: at,
            guarantee_reference_id: Text::normalized(movement.declaration.guarantee_reference()),
            guarantee_released: true,
        }),
        &movement.departure_office,
        now,
    );
    (next, notice)
}

/// IE018: satisfactory → written off and the guarantee released; major discrepancies → under
/// discrepancy, until a later satisfactory result solves them.
pub(super) fn control(
    movement: &Movement,
    message: &StandardMessage,
    results: &ControlResults,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    require_destination(
        movement,
        message,
        &results.destination_office,
        "/body/destinationOffice",
    )?;
    if !matches!(
        movement.state,
        MovementState::Arrived | MovementState::UnderDiscrepancy
    ) {
        return Err(out_of_sequence(
            movement,
            message,
            "Arrived or UnderDiscrepancy",
        ));
    }
    let satisfactory = results.control_result_code != ControlResultCode::B1
        && !results.discrepancies.iter().any(|d| d.major);
    let mut outgoing = vec![forward(message, &movement.departure_office, true)];
    let mut next = if satisfactory {
        let (next, notice) = write_off(movement, message, results.control_date_time, now);
        outgoing.push(notice);
        next
    } else {
        with_state(movement, MovementState::UnderDiscrepancy)
    };
    next.control_result = Some(results.control_result_code);
    Ok(Transition {
        movement: next,
        outgoing,
    })
}

/// IE002: the goods turned up at an office of destination that was not declared. The hub
/// answers with the record (IE003), makes that office the destination, and tells the departure.
pub(super) fn record_request(
    rules: &Rules,
    movement: &Movement,
    message: &StandardMessage,
    request: &OfficeRequest,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    answer_record_request(
        rules,
        movement,
        message,
        request,
        now,
        transit_model::ReceivingRole::DivertedDestination,
        false,
        divert_to,
    )
}

/// Makes `office` the movement's destination, remembering the declared one.
pub(super) fn divert_to(next: &mut Movement, office: &transit_model::OfficeRef) {
    if *office != next.destination_office {
        next.diverted_from = Some(
            next.diverted_from
                .clone()
                .unwrap_or_else(|| next.destination_office.clone()),
        );
        next.destination_office = office.clone();
    }
}

/// IE143 / IE144: the destination answers an enquiry; proof of arrival writes the movement off.
pub(super) fn enquiry_answer(
    movement: &Movement,
    message: &StandardMessage,
    answer: &EnquiryAnswer,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    require_destination(
        movement,
        message,
        &answer.responding_office,
        "/body/respondingOffice",
    )?;
    if movement.state != MovementState::UnderEnquiry {
        return Err(out_of_sequence(movement, message, "UnderEnquiry"));
    }
    let mut outgoing = vec![forward(message, &movement.departure_office, true)];
    let next = if answer.goods_arrived {
        let (mut next, notice) = write_off(movement, message, answer.response_date_time, now);
        next.arrived_at = answer.arrival_date_time.or(Some(answer.response_date_time));
        outgoing.push(notice);
        next
    } else {
        movement.clone()
    };
    Ok(Transition {
        movement: next,
        outgoing,
    })
}

/// IE145: the destination needs more information to answer the enquiry.
pub(super) fn information_request(
    movement: &Movement,
    message: &StandardMessage,
    request: &OfficeRequest,
) -> Result<Transition, Rejection> {
    require_destination(
        movement,
        message,
        &request.requesting_office,
        "/body/requestingOffice",
    )?;
    if movement.state != MovementState::UnderEnquiry {
        return Err(out_of_sequence(movement, message, "UnderEnquiry"));
    }
    Ok(Transition {
        movement: movement.clone(),
        outgoing: vec![forward(message, &movement.departure_office, true)],
    })
}

/// IE151: the recovering office accepts (or not) to recover the duties.
pub(super) fn recovery_acceptance(
    movement: &Movement,
    message: &StandardMessage,
    notice: &RecoveryNotice,
) -> Result<Transition, Rejection> {
    require_sender(message, &notice.office, "/body/office")?;
    if movement.state != MovementState::UnderRecovery {
        return Err(out_of_sequence(movement, message, "UnderRecovery"));
    }
    Ok(Transition {
        movement: movement.clone(),
        outgoing: vec![forward(message, &movement.departure_office, true)],
    })
}
