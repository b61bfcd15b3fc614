//! What a movement's guarantor (and the trader who holds the guarantee) must hear: each change
//! to what the guarantee covers, as data. [`guarantee_event`] compares the movement before and
//! after an accepted message; the tracker stores the event in the same transaction as the
//! transition, for the guarantors' feed (`schemas/events/v1/guarantee-event.schema.json`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::{CountryCode, Guarantee, MessageId, MessageType, Mrn, Party, StandardMessage};

use crate::{Movement, MovementState};

/// What changed for the guarantee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GuaranteeChange {
    /// Released for transit: the guarantee now covers the movement in every country of its
    /// route.
    Engaged,
    /// The goods did not arrive in time and the departure asked the destination (enquiry): a
    /// claim on the guarantee may follow.
    UnderEnquiry,
    /// Duties are to be recovered: the guarantee may be called.
    UnderRecovery,
    /// Written off or cancelled: the guarantee no longer covers the movement.
    Released,
}

/// One change to a movement's guarantee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GuaranteeEvent {
    /// Derived from the message that caused it: the same input gives the same id, so a
    /// receiver drops a replayed event as a duplicate.
    pub event_id: MessageId,
    /// The movement.
    pub mrn: Mrn,
    /// What changed.
    pub change: GuaranteeChange,
    /// The movement's state after the change (`Released`, `WrittenOff`, `Cancelled`…).
    pub state: MovementState,
    /// The guarantee: reference, amount and currency, as declared.
    pub guarantee: Guarantee,
    /// Who holds the guarantee: the declarant (the principal), by identification number.
    pub holder: Party,
    /// Every country whose duties the guarantee covers, in route order.
    pub countries: Vec<CountryCode>,
    /// The message that caused the change (its NCTS type and id).
    pub caused_by_type: MessageType,
    /// The id of that message.
    pub caused_by_id: MessageId,
    /// When the hub decided it (UTC).
    pub occurred_at: DateTime<Utc>,
}

/// The change `cause` made to the guarantee of a movement that was `before` (`None`: not yet
/// released) and is now `after`; `None` when the guarantee's cover did not change.
pub fn guarantee_event(
    before: Option<&Movement>,
    after: &Movement,
    cause: &StandardMessage,
    now: DateTime<Utc>,
) -> Option<GuaranteeEvent> {
    // A movement's declaration is its release's, which carries both (the hub refuses a release
    // without them); only copies made under an agreement leave them out.
    let (Some(guarantee), Some(holder)) = (
        after.declaration.obligation_guarantee.clone(),
        after.declaration.declarant.clone(),
    ) else {
        return None;
    };
    let entered =
        |state: MovementState| after.state == state && before.is_some_and(|b| b.state != state);
    let change = if before.is_none() {
        GuaranteeChange::Engaged
    } else if after.guarantee_released && before.is_some_and(|b| !b.guarantee_released) {
        GuaranteeChange::Released
    } else if entered(MovementState::UnderEnquiry) {
        GuaranteeChange::UnderEnquiry
    } else if entered(MovementState::UnderRecovery) {
        GuaranteeChange::UnderRecovery
    } else {
        return None;
    };
    Some(GuaranteeEvent {
        event_id: cause.id().derive("guarantee"),
        mrn: after.mrn.clone(),
        change,
        state: after.state,
        guarantee,
        holder,
        countries: after.countries(),
        caused_by_type: cause.message_type(),
        caused_by_id: cause.id(),
        occurred_at: now,
    })
}
