//! Before a record goes to an office that was not declared (IE002 at destination, IE114 at a
//! border), the guarantee must be honoured in that office's country on the day
//! ([`transit_model::reference::GuaranteeCover`]); if it is not, the hub refuses the record
//! (IE003/IE115 refused, with the reason) and the movement keeps its declared route. A record
//! asked for after arrival is not checked: the goods are no longer under the guarantee's risk
//! there, and what happened is recorded.

use chrono::{DateTime, Utc};
use transit_model::{OfficeRequest, StandardMessage};

use super::{require_sender, Transition};
use crate::{Movement, Rejection, Rules};

/// The refusal, when `request` asks for the record in a country where the guarantee is not
/// honoured on `now`'s day; `None` when it is (or the goods have already arrived).
pub(super) fn refuse_uncovered(
    rules: &Rules,
    movement: &Movement,
    message: &StandardMessage,
    request: &OfficeRequest,
    now: DateTime<Utc>,
) -> Option<Result<Transition, Rejection>> {
    let office = &request.requesting_office;
    let country = office.country();
    let day = now.date_naive();
    if !movement.state.is_en_route() || rules.guarantee_cover.covers(country, day) {
        return None;
    }
    if let Err(rejection) = require_sender(message, office, "/body/requestingOffice") {
        return Some(Err(rejection));
    }
    let reason = format!(
        "guarantee {} is not honoured in {} on {day}: no national guarantor there takes part in the regional guarantee (reference data: guarantee-cover.json); the goods keep their declared route to {}, or the office of departure {} asks for a guarantee valid in {}",
        movement.declaration.guarantee_reference(),
        country.as_str(),
        movement.destination_office,
        movement.departure_office,
        country.as_str(),
    );
    Some(Ok(super::refused_record(
        movement, message, office, &reason, now,
    )))
}
