//! Incidents en route (IE180): recorded, passed to the departure (IE180) and to the offices
//! still ahead on the route (IE181).

use chrono::{DateTime, Utc};
use transit_model::{Body, Incident, MessageType, StandardMessage};

use super::{forward, hub_message, out_of_sequence, require_sender, Transition};
use crate::{IncidentRecord, Movement, Rejection};

pub(super) fn record(
    movement: &Movement,
    message: &StandardMessage,
    incident: &Incident,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    require_sender(message, &incident.reporting_office, "/body/reportingOffice")?;
    if !movement.state.is_en_route() {
        return Err(out_of_sequence(movement, message, "on the road"));
    }
    let mut next = movement.clone();
    next.incidents.push(IncidentRecord {
        office: incident.reporting_office.clone(),
        code: incident.incident_code,
        at: incident.incident_date_time,
    });
    let mut outgoing = vec![forward(message, &movement.departure_office, true)];
    let ahead = movement
        .route
        .iter()
        .filter(|p| p.crossed_at.is_none())
        .map(|p| &p.office)
        .chain(std::iter::once(&movement.destination_office))
        .filter(|office| **office != incident.reporting_office);
    for office in ahead {
        outgoing.push(hub_message(
            message,
            MessageType::IncidentForwarded,
            Body::IncidentForwarded(incident.clone()),
            office,
            now,
        ));
    }
    Ok(Transition {
        movement: next,
        outgoing,
    })
}
