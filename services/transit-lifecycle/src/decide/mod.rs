//! The decision function: (movement, message, now) → transition or rejection.

use chrono::{DateTime, Utc};
use transit_model::{
    ArrivalAdvice, Body, BorderCrossing, FunctionalErrorCode as Code, Header, MessageType,
    OfficeRef, Participant, StandardMessage, TransitDeclaration,
};

use crate::{Movement, MovementState, Passage, Rejection};

/// The most offices of transit NCTS allows on one declaration.
const MAX_TRANSIT_OFFICES: usize = 9;

/// What accepting a message does: the movement's next value and the messages to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    /// The movement after the message.
    pub movement: Movement,
    /// Messages to publish, each addressed (header `recipient`) to one office. The hub routes
    /// them by the recipient's country.
    pub outgoing: Vec<StandardMessage>,
}

/// Decides what `message` does to the movement `current` (`None`: the hub has not seen this
/// MRN). `now` stamps the messages the hub prepares.
pub fn decide(
    current: Option<&Movement>,
    message: &StandardMessage,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    use MessageType as T;
    match message.message_type() {
        T::AnticipatedArrivalRecord
        | T::AnticipatedTransitRecord
        | T::FunctionalNack
        | T::SyntaxNack
        | T::WriteOffNotification
        | T::StatusResponse
        | T::IncidentForwarded => {
            return Err(Rejection::new(
                Code::RuleViolation,
                "/header/messageType",
                format!(
                    "{} is sent by the hub to the offices, never to the hub",
                    message.message_type().code()
                ),
            ))
        }
        T::ReleaseForTransit | T::NotificationCrossingFrontier | T::ArrivalAdvice => {}
        T::ArrivalRecordRequest
        | T::ArrivalRecordResponse
        | T::InvalidationNotification
        | T::DestinationControlResults
        | T::StatusRequest
        | T::TransitRecordRequest
        | T::TransitRecordResponse
        | T::EnquiryRequest
        | T::EnquiryResponse
        | T::EnquiryInformation
        | T::EnquiryInformationRequest
        | T::RecoveryRequest
        | T::RecoveryAcceptance
        | T::RecoveryDispatch
        | T::IncidentNotification => {
            // Part of the catalogue, not yet of the hub's state machine: refused openly, and
            // kept in the event log and the dead-letter topic, never dropped.
            return Err(Rejection::new(
                Code::RuleViolation,
                "/header/messageType",
                format!(
                    "the hub does not process {} ({}) yet; until it does, settle it with the office of departure directly",
                    message.message_type().code(),
                    message.message_type().name()
                ),
            ));
        }
    }
    match (current, message.body()) {
        (None, Body::ReleaseForTransit(declaration)) => release(message, declaration, now),
        (Some(movement), Body::ReleaseForTransit(_)) => Err(Rejection::new(
            Code::OutOfSequence,
            "/header/mrn",
            format!(
                "movement {} was already released and is {}; a second release needs a new MRN",
                movement.mrn,
                movement.state.as_str()
            ),
        )),
        (None, _) => Err(Rejection::new(
            Code::UnknownMrn,
            "/header/mrn",
            format!(
                "the hub has no movement {}: check the MRN on the transit document, or ask the office of departure whether it was released",
                message.mrn()
            ),
        )),
        (Some(movement), Body::NotificationCrossingFrontier(crossing)) => {
            passage(movement, message, crossing)
        }
        (Some(movement), Body::ArrivalAdvice(advice)) => arrival(movement, message, advice),
        (Some(_), _) => Err(Rejection::new(
            Code::RuleViolation,
            "/header/messageType",
            format!("the hub does not process {} yet", message.message_type().code()),
        )),
    }
}

fn release(
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

    let movement = Movement {
        mrn: message.mrn().clone(),
        state: MovementState::Released,
        departure_office: departure.clone(),
        route: declaration
            .transit_office_ids
            .iter()
            .map(|office| Passage {
                office: office.clone(),
                crossed_at: None,
            })
            .collect(),
        destination_office: declaration.destination_office_id.clone(),
        arrival_time_limit: declaration.arrival_time_limit,
        arrived_at: None,
        declaration: declaration.clone(),
    };

    let mut outgoing = Vec::with_capacity(declaration.transit_office_ids.len() + 1);
    for office in &declaration.transit_office_ids {
        outgoing.push(copy_of_release(
            message,
            MessageType::AnticipatedTransitRecord,
            Body::AnticipatedTransitRecord(declaration.clone()),
            office,
            now,
        ));
    }
    outgoing.push(copy_of_release(
        message,
        MessageType::AnticipatedArrivalRecord,
        Body::AnticipatedArrivalRecord(declaration.clone()),
        &declaration.destination_office_id,
        now,
    ));
    Ok(Transition { movement, outgoing })
}

/// A copy of the released declaration for one office. Its id is derived from the release's id
/// and the office, so processing the same release twice produces the same copies.
fn copy_of_release(
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

fn passage(
    movement: &Movement,
    message: &StandardMessage,
    crossing: &BorderCrossing,
) -> Result<Transition, Rejection> {
    require_sender(message, &crossing.transit_office, "/body/transitOffice")?;
    let Some(index) = movement
        .route
        .iter()
        .position(|p| p.office == crossing.transit_office)
    else {
        let declared: Vec<&str> = movement.route.iter().map(|p| p.office.as_str()).collect();
        return Err(Rejection::new(
            Code::RuleViolation,
            "/body/transitOffice",
            format!(
                "{} is not a declared office of transit of {} (declared: {})",
                crossing.transit_office,
                movement.mrn,
                if declared.is_empty() {
                    "none".to_owned()
                } else {
                    declared.join(", ")
                }
            ),
        ));
    };
    if let Some(at) = movement.route[index].crossed_at {
        return Err(Rejection::new(
            Code::OutOfSequence,
            "/body/transitOffice",
            format!(
                "passage at {} was already recorded (crossed at {at}); send it once",
                crossing.transit_office
            ),
        ));
    }
    // A passage is accepted after arrival too: a border post that was offline syncs late, and
    // the movement must not be wedged by an order it cannot control.
    let mut next = movement.clone();
    next.route[index].crossed_at = Some(crossing.crossing_date_time);
    Ok(Transition {
        outgoing: vec![forward_to_departure(message, movement)],
        movement: next,
    })
}

fn arrival(
    movement: &Movement,
    message: &StandardMessage,
    advice: &ArrivalAdvice,
) -> Result<Transition, Rejection> {
    require_sender(
        message,
        &advice.destination_office,
        "/body/destinationOffice",
    )?;
    if advice.destination_office != movement.destination_office {
        return Err(Rejection::new(
            Code::RuleViolation,
            "/body/destinationOffice",
            format!(
                "{} is not the declared office of destination of {} ({})",
                advice.destination_office, movement.mrn, movement.destination_office
            ),
        ));
    }
    if movement.state != MovementState::Released {
        return Err(Rejection::new(
            Code::OutOfSequence,
            "/header/messageType",
            format!(
                "movement {} is {}: arrival can only follow release",
                movement.mrn,
                movement.state.as_str()
            ),
        ));
    }
    let mut next = movement.clone();
    next.state = MovementState::Arrived;
    next.arrived_at = Some(advice.arrival_date_time);
    Ok(Transition {
        outgoing: vec![forward_to_departure(message, movement)],
        movement: next,
    })
}

/// A confirmation travels on to the office of departure unchanged but for its recipient; it
/// keeps its id, so the departure sees the same id the border or destination sent.
fn forward_to_departure(message: &StandardMessage, movement: &Movement) -> StandardMessage {
    let mut header = message.header().clone();
    header.recipient = Participant::Office(movement.departure_office.clone());
    StandardMessage::new(header, message.body().clone())
        .unwrap_or_else(|_| unreachable!("types agree"))
}

/// The header's sender must be the office the body speaks for.
fn require_sender(
    message: &StandardMessage,
    office: &OfficeRef,
    pointer: &str,
) -> Result<(), Rejection> {
    match &message.header().sender {
        Participant::Office(sender) if sender == office => Ok(()),
        other => Err(Rejection::new(
            Code::RuleViolation,
            "/header/sender",
            format!(
                "sent by {} but {pointer} is {office}: an office may only speak for itself",
                other.as_str()
            ),
        )),
    }
}

#[cfg(test)]
mod tests;
