//! The decision function: (movement, message, now) → transition or rejection.
//!
//! One file per party that speaks: [`departure`] (release, invalidation, enquiry, recovery,
//! answers to record requests), [`route`] (offices of transit: passages, requests from an
//! undeclared office), [`destination`] (arrival, control results, enquiry answers, requests
//! from an undeclared destination), [`incident`] (offices en route); [`cover`] refuses a record
//! to an office in a country where the guarantee is not honoured.

mod agreements;
mod cover;
mod departure;
mod destination;
mod incident;
mod route;

use chrono::{DateTime, Utc};
use transit_model::{
    Body, FunctionalErrorCode as Code, Header, MessageType, OfficeRef, Participant, RecordOutcome,
    RecordResponse, StandardMessage, StatusResponse, Text,
};

use crate::{Movement, MovementState, RecordRequests, Rejection, Rules};

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
    decide_with(&Rules::default(), current, message, now)
}

/// [`decide`] under `rules` (who answers record requests…).
pub fn decide_with(
    rules: &Rules,
    current: Option<&Movement>,
    message: &StandardMessage,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    // Copies, answers and refusals are the hub's to write (the catalogue says which).
    if message.message_type().sender() == transit_model::Sender::Hub {
        return Err(Rejection::new(
            Code::RuleViolation,
            "/header/messageType",
            format!(
                "{} is sent by the hub to the offices, never to the hub",
                message.message_type().code()
            ),
        ));
    }
    crate::codes::check(&rules.reference.0, message, now.date_naive())?;
    let Some(movement) = current else {
        return match message.body() {
            Body::ReleaseForTransit(declaration) => {
                departure::release(rules, message, declaration, now)
            }
            _ => Err(Rejection::new(
                Code::UnknownMrn,
                "/header/mrn",
                format!(
                    "the hub has no movement {}: check the MRN on the transit document, or ask the office of departure whether it was released",
                    message.mrn()
                ),
            )),
        };
    };
    if let Body::TransitRecordRequest(request) | Body::ArrivalRecordRequest(request) =
        message.body()
    {
        if let Some(refused) = cover::refuse_uncovered(rules, movement, message, request, now) {
            return refused;
        }
    }
    let mut transition = match message.body() {
        Body::ReleaseForTransit(_) => Err(Rejection::new(
            Code::OutOfSequence,
            "/header/mrn",
            format!(
                "movement {} was already released and is {}; a second release needs a new MRN",
                movement.mrn,
                movement.state.as_str()
            ),
        )),
        Body::InvalidationNotification(_) => departure::invalidate(movement, message, now),
        Body::EnquiryRequest(_) => departure::enquiry(movement, message),
        Body::RecoveryRequest(notice) => departure::recovery(movement, message, notice),
        Body::RecoveryDispatch(notice) => departure::recovery_dispatch(movement, message, notice),
        Body::ArrivalRecordResponse(r) | Body::TransitRecordResponse(r) => {
            departure::record_response(movement, message, r)
        }
        Body::NotificationCrossingFrontier(crossing) => route::passage(movement, message, crossing),
        Body::TransitRecordRequest(request) | Body::ArrivalRecordRequest(request)
            if !hub_may_grant(rules, movement, request) =>
        {
            pass_record_request(movement, message, request)
        }
        Body::TransitRecordRequest(request) => {
            route::record_request(rules, movement, message, request, now)
        }
        Body::ArrivalAdvice(advice) => destination::arrival(movement, message, advice, now),
        Body::DestinationControlResults(results) => {
            destination::control(movement, message, results, now)
        }
        Body::ArrivalRecordRequest(request) => {
            destination::record_request(rules, movement, message, request, now)
        }
        Body::EnquiryResponse(answer) | Body::EnquiryInformation(answer) => {
            destination::enquiry_answer(movement, message, answer, now)
        }
        Body::EnquiryInformationRequest(request) => {
            destination::information_request(movement, message, request)
        }
        Body::RecoveryAcceptance(notice) => {
            destination::recovery_acceptance(movement, message, notice)
        }
        Body::IncidentNotification(incident) => {
            incident::record(rules, movement, message, incident, now)
        }
        Body::StatusRequest(_) => status(movement, message, now),
        Body::AnticipatedArrivalRecord(_)
        | Body::AnticipatedTransitRecord(_)
        | Body::FunctionalNack(_)
        | Body::SyntaxNack(_)
        | Body::WriteOffNotification(_)
        | Body::StatusResponse(_)
        | Body::IncidentForwarded(_) => unreachable_hub_message(message),
    }?;
    if transition.movement.state != movement.state || !transition.outgoing.is_empty() {
        transition.movement.last_event_at = Some(message.event_time());
    }
    Ok(transition)
}

fn unreachable_hub_message(message: &StandardMessage) -> Result<Transition, Rejection> {
    Err(Rejection::new(
        Code::RuleViolation,
        "/header/messageType",
        format!(
            "{} is sent by the hub, never to it",
            message.message_type().code()
        ),
    ))
}

/// IE094 → IE095, answered by the hub itself. Changes nothing.
fn status(
    movement: &Movement,
    message: &StandardMessage,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    let Some(office) = message.header().sender.office() else {
        return Err(sender_is_not_an_office(message));
    };
    let body = Body::StatusResponse(StatusResponse {
        state: Text::normalized(movement.state.as_str()),
        last_event_date_time: movement
            .last_event_at
            .unwrap_or(movement.declaration.release_date_time),
        remarks: None,
    });
    let answer = hub_message(message, MessageType::StatusResponse, body, office, now);
    Ok(Transition {
        movement: movement.clone(),
        outgoing: vec![answer],
    })
}

// ---- helpers shared by the parties --------------------------------------------------------------

/// A message the hub writes about `cause`, for `office`. Its id derives from the cause, the
/// type and the office, so processing the cause twice yields the same message.
pub(crate) fn hub_message(
    cause: &StandardMessage,
    message_type: MessageType,
    body: Body,
    office: &OfficeRef,
    now: DateTime<Utc>,
) -> StandardMessage {
    let header = Header {
        message_id: cause
            .id()
            .derive(&format!("{}/{office}", message_type.code())),
        message_type,
        prepared_at: now,
        sender: Participant::Hub,
        recipient: Participant::Office(office.clone()),
        mrn: cause.mrn().clone(),
        correlation_id: Some(cause.id()),
        schema_version: cause.header().schema_version.clone(),
    };
    StandardMessage::new(header, body).unwrap_or_else(|_| unreachable!("types agree"))
}

/// A record request from an office that was not declared (IE114 at a border, IE002 at
/// destination): the office must speak for itself and the goods be on the road — or, for a
/// border office (`late_allowed`), already arrived: a border post that syncs after the goods
/// reached their destination is recorded, not refused; `divert` records the office on the
/// movement; the hub answers with the record on the departure's behalf and tells the
/// departure of the diversion.
#[allow(clippy::too_many_arguments)]
pub(crate) fn answer_record_request(
    rules: &Rules,
    movement: &Movement,
    message: &StandardMessage,
    request: &transit_model::OfficeRequest,
    now: DateTime<Utc>,
    role: transit_model::ReceivingRole,
    late_allowed: bool,
    divert: impl FnOnce(&mut Movement, &OfficeRef),
) -> Result<Transition, Rejection> {
    require_sender(
        message,
        &request.requesting_office,
        "/body/requestingOffice",
    )?;
    let late =
        late_allowed && movement.arrived_at.is_some() && movement.state != MovementState::Cancelled;
    if !movement.state.is_en_route() && !late {
        return Err(out_of_sequence(movement, message, "on the road"));
    }
    let office = &request.requesting_office;
    let copy = match agreements::copy_for(
        rules,
        &movement.declaration,
        &movement.departure_office,
        office,
        role,
        now.date_naive(),
    ) {
        Ok(copy) => copy,
        Err(not_sent) => {
            return Ok(refused_record(
                movement,
                message,
                office,
                &not_sent.reason,
                now,
            ))
        }
    };
    let mut next = movement.clone();
    divert(&mut next, office);
    Ok(Transition {
        movement: next,
        outgoing: vec![
            granted_record(message, copy, office, now),
            forward(message, &movement.departure_office, true),
        ],
    })
}

/// The hub's refusal of a record request (IE115/IE003 refused, with the reason): the movement
/// does not change.
pub(crate) fn refused_record(
    movement: &Movement,
    request: &StandardMessage,
    office: &OfficeRef,
    reason: &str,
    now: DateTime<Utc>,
) -> Transition {
    let response = RecordResponse {
        requesting_office: office.clone(),
        outcome: RecordOutcome::Refused,
        declaration: None,
        refusal_reason: Some(Text::normalized(reason)),
    };
    let (message_type, body) = response.answering(request.message_type());
    Transition {
        movement: movement.clone(),
        outgoing: vec![hub_message(request, message_type, body, office, now)],
    }
}

/// Whether the hub answers `request` itself, on the departure's behalf: only under the rule
/// `record_requests = "hub"`, and only for an office in a country the declaration names. An
/// office anywhere else is the departure's to admit — otherwise an officer in any country could
/// take a movement onto their office, receive it and discharge it on their word alone.
fn hub_may_grant(
    rules: &Rules,
    movement: &Movement,
    request: &transit_model::OfficeRequest,
) -> bool {
    rules.record_requests == RecordRequests::Hub
        && movement
            .declaration
            .names_country(request.requesting_office.country())
}

/// A record request passed on to the departure, which answers (rule `record_requests =
/// "departure"`, or an office in a country the declaration does not name): the movement
/// changes when a granted answer comes back.
fn pass_record_request(
    movement: &Movement,
    message: &StandardMessage,
    request: &transit_model::OfficeRequest,
) -> Result<Transition, Rejection> {
    require_sender(
        message,
        &request.requesting_office,
        "/body/requestingOffice",
    )?;
    let late = message.message_type() == MessageType::TransitRecordRequest
        && movement.arrived_at.is_some()
        && movement.state != MovementState::Cancelled;
    if !movement.state.is_en_route() && !late {
        return Err(out_of_sequence(movement, message, "on the road"));
    }
    Ok(Transition {
        movement: movement.clone(),
        outgoing: vec![forward(message, &movement.departure_office, true)],
    })
}

/// The hub's answer to a record request (IE114 → IE115, IE002 → IE003): the record, granted.
fn granted_record(
    request: &StandardMessage,
    copy: transit_model::TransitDeclaration,
    office: &OfficeRef,
    now: DateTime<Utc>,
) -> StandardMessage {
    let response = RecordResponse {
        requesting_office: office.clone(),
        outcome: RecordOutcome::Granted,
        declaration: Some(copy),
        refusal_reason: None,
    };
    let (message_type, body) = response.answering(request.message_type());
    hub_message(request, message_type, body, office, now)
}

/// A copy of `message`, sent on to `office` on behalf of its sender. The first recipient keeps
/// the original id (the departure sees the id the border sent); further copies get derived ids.
pub(crate) fn forward(
    message: &StandardMessage,
    office: &OfficeRef,
    keep_id: bool,
) -> StandardMessage {
    let mut header = message.header().clone();
    if !keep_id {
        header.message_id = message.id().derive(&format!("forward/{office}"));
        header.correlation_id = Some(message.id());
    }
    header.recipient = Participant::Office(office.clone());
    StandardMessage::new(header, message.body().clone())
        .unwrap_or_else(|_| unreachable!("types agree"))
}

/// The header's sender must be `office`, the office the body speaks for.
pub(crate) fn require_sender(
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

/// Only the office of departure may send this.
pub(crate) fn require_departure(
    movement: &Movement,
    message: &StandardMessage,
) -> Result<(), Rejection> {
    match &message.header().sender {
        Participant::Office(sender) if *sender == movement.departure_office => Ok(()),
        other => Err(Rejection::new(
            Code::RuleViolation,
            "/header/sender",
            format!(
                "{} may only come from the office of departure {}, not from {}",
                message.message_type().code(),
                movement.departure_office,
                other.as_str()
            ),
        )),
    }
}

pub(crate) fn sender_is_not_an_office(message: &StandardMessage) -> Rejection {
    Rejection::new(
        Code::RuleViolation,
        "/header/sender",
        format!("{} must come from an office", message.message_type().code()),
    )
}

/// Refuses `message` because the movement is in a state that does not admit it.
pub(crate) fn out_of_sequence(
    movement: &Movement,
    message: &StandardMessage,
    expected: &str,
) -> Rejection {
    Rejection::new(
        Code::OutOfSequence,
        "/header/messageType",
        format!(
            "movement {} is {}: {} ({}) is accepted only when it is {expected}",
            movement.mrn,
            movement.state.as_str(),
            message.message_type().code(),
            message.message_type().name()
        ),
    )
}

/// The movement with a new state.
pub(crate) fn with_state(movement: &Movement, state: MovementState) -> Movement {
    let mut next = movement.clone();
    next.state = state;
    next
}

#[cfg(test)]
mod agreements_tests;
#[cfg(test)]
mod off_route_tests;
#[cfg(test)]
mod tests;
