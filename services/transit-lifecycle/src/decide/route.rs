//! What offices of transit say: border passages, and record requests from an office the truck
//! was not declared to pass.

use chrono::{DateTime, Utc};
use transit_model::{
    BorderCrossing, FunctionalErrorCode as Code, OfficeRequest, ReceivingRole, StandardMessage,
};

use super::{answer_record_request, forward, require_sender, Transition};
use crate::{Movement, Passage, Rejection, Rules};

/// IE118: a passage, recorded at its event time and passed on to the departure. Accepted in
/// any state: a border post that was offline syncs late, and the movement must not be wedged
/// by an order it cannot control. A second passage at the same office is refused.
pub(super) fn passage(
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
        let known: Vec<&str> = movement.route.iter().map(|p| p.office.as_str()).collect();
        return Err(Rejection::new(
            Code::RuleViolation,
            "/body/transitOffice",
            format!(
                "{} is not an office of transit of {} (on the route: {}); an undeclared office asks for the record first (IE114)",
                crossing.transit_office,
                movement.mrn,
                if known.is_empty() { "none".to_owned() } else { known.join(", ") }
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
    let mut next = movement.clone();
    next.route[index].crossed_at = Some(crossing.crossing_date_time);
    Ok(Transition {
        outgoing: vec![forward(message, &movement.departure_office, true)],
        movement: next,
    })
}

/// IE114: the truck turned up at an office of transit that was not declared. The hub holds the
/// record, so it answers on the departure's behalf (IE115), adds the office to the route, and
/// tells the departure of the diversion.
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
        ReceivingRole::Transit,
        true,
        add_to_route,
    )
}

/// Adds `office` to the route as an undeclared office of transit, if it is not on it.
pub(super) fn add_to_route(next: &mut Movement, office: &transit_model::OfficeRef) {
    if !next.route.iter().any(|p| &p.office == office) {
        next.route.push(Passage {
            office: office.clone(),
            crossed_at: None,
            declared: false,
        });
    }
}
