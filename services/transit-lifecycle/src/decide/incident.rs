//! Incidents en route (IE180): recorded, passed to the departure (IE180) and to the offices
//! still ahead on the route (IE181). An incident changes the declaration's current state: a
//! replacement vehicle (transhipment) becomes the vehicle, new seals on a one-container
//! consignment become its seals; the incident keeps what they replaced. Only an office in a
//! country of the movement's itinerary ([`Movement::countries`]) may record one. An incident whose code
//! the rules list (`recovery_on_incidents`) puts the movement under recovery.

use chrono::{DateTime, Utc};
use transit_model::{
    Body, FunctionalErrorCode as Code, Incident, MessageType, Seal, StandardMessage, Text35,
};

use super::{forward, hub_message, out_of_sequence, require_sender, Transition};
use crate::{IncidentRecord, Movement, MovementState, Rejection, Rules};

pub(super) fn record(
    rules: &Rules,
    movement: &Movement,
    message: &StandardMessage,
    incident: &Incident,
    now: DateTime<Utc>,
) -> Result<Transition, Rejection> {
    require_sender(message, &incident.reporting_office, "/body/reportingOffice")?;
    let country = incident.reporting_office.country();
    if !movement.countries().contains(&country) {
        return Err(Rejection::new(
            Code::RuleViolation,
            "/body/reportingOffice",
            format!(
                "{} is in {}, a country {} does not go through (its itinerary: {}); an office off the itinerary asks the office of departure for the record first (IE114 or IE002)",
                incident.reporting_office,
                country.as_str(),
                movement.mrn,
                movement
                    .countries()
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if !movement.state.is_en_route() {
        return Err(out_of_sequence(movement, message, "on the road"));
    }
    let mut next = movement.clone();
    let previous_transport_means =
        incident
            .replacement_transport_means
            .as_ref()
            .and_then(|means| {
                next.declaration
                    .border_transport_means
                    .replace(means.clone())
            });
    let replaced_seal_ids = replace_seals(&mut next, &incident.new_seal_ids);
    next.incidents.push(IncidentRecord {
        office: incident.reporting_office.clone(),
        code: incident.incident_code,
        at: incident.incident_date_time,
        new_seal_ids: incident.new_seal_ids.clone(),
        replaced_seal_ids,
        previous_transport_means,
    });
    if rules
        .recovery_on_incidents
        .contains(&u8::from(incident.incident_code))
    {
        next.state = MovementState::UnderRecovery;
    }
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

/// New seals on a consignment of one container replace its seals; the seals replaced are
/// returned. With several containers (or none) the incident does not say which one the seals
/// close: the declaration is left as it is and the seals stay on the incident record.
fn replace_seals(movement: &mut Movement, new_seal_ids: &[Text35]) -> Vec<Text35> {
    let equipment = &mut movement
        .declaration
        .goods_shipment
        .consignment
        .transport_equipment;
    match equipment.as_mut_slice() {
        [container] if !new_seal_ids.is_empty() => {
            let seals = new_seal_ids
                .iter()
                .enumerate()
                .map(|(i, id)| Seal {
                    sequence_numeric: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    id: id.clone(),
                })
                .collect();
            std::mem::replace(&mut container.seal, seals)
                .into_iter()
                .map(|s| s.id)
                .collect()
        }
        _ => Vec::new(),
    }
}
