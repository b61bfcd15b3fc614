//! Copies under the agreements in force: each copy of a declaration the hub makes for an office
//! in another country carries only what the agreement between the two countries shares with an
//! office of that role on the day (with a marker naming the agreement and what was left out);
//! with no agreement in force the copy is not made, the movement keeps why, and the departure is
//! told.

use chrono::{DateTime, NaiveDate, Utc};
use transit_model::reference::agreements::{share, Basis};
use transit_model::{
    Body, MessageType, OfficeRef, ReceivingRole, StandardMessage, StatusResponse, Text,
    TransitDeclaration,
};

use super::hub_message;
use crate::{CopyNotSent, Movement, Rules};

/// The copy of `declaration` for `office` (an office of `role`) from a movement that left
/// `departure`, under the agreements in force on `day`; `Err` says why none may be made.
pub(crate) fn copy_for(
    rules: &Rules,
    declaration: &TransitDeclaration,
    departure: &OfficeRef,
    office: &OfficeRef,
    role: ReceivingRole,
    day: NaiveDate,
) -> Result<TransitDeclaration, CopyNotSent> {
    let (from, to) = (departure.country(), office.country());
    match rules.agreements.basis(from, to, day) {
        Basis::SameCountry => Ok(declaration.clone()),
        Basis::Agreement(agreement) => Ok(share(declaration, agreement, role)),
        Basis::None => Err(CopyNotSent {
            office: office.clone(),
            role,
            reason: format!(
                "no data-sharing agreement between {from} and {to} is in force on {day} (reference data: agreements.json); the copy for {office} was not sent — once an agreement is imported, the office asks for the record ({})",
                match role {
                    ReceivingRole::Transit => "IE114",
                    ReceivingRole::Destination | ReceivingRole::DivertedDestination => "IE002",
                }
            ),
        }),
    }
}

/// The departure's notice of the copies not sent (IE095 from the hub, the state and, in its
/// remarks, each office and why), if any were not.
pub(crate) fn tell_departure(
    release: &StandardMessage,
    movement: &Movement,
    now: DateTime<Utc>,
) -> Option<StandardMessage> {
    if movement.copies_not_sent.is_empty() {
        return None;
    }
    let offices: Vec<String> = movement
        .copies_not_sent
        .iter()
        .map(|c| format!("{} ({})", c.office, c.role.as_str()))
        .collect();
    let first = &movement.copies_not_sent[0];
    let remarks = format!("no copy sent to {}: {}", offices.join(", "), first.reason);
    let body = Body::StatusResponse(StatusResponse {
        state: Text::normalized(movement.state.as_str()),
        last_event_date_time: movement
            .last_event_at
            .unwrap_or(movement.declaration.release_date_time),
        remarks: Some(Text::normalized(&remarks)),
    });
    Some(hub_message(
        release,
        MessageType::StatusResponse,
        body,
        &movement.departure_office,
        now,
    ))
}
