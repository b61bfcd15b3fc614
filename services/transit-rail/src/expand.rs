//! One train confirmation → each declaration's own message: what the officer confirmed once,
//! said per declaration, as if the office had sent each. The tracker decides them like any
//! office's message (the state machine still checks route and state, declaration by
//! declaration).

use chrono::{DateTime, Utc};
use transit_lifecycle::Movement;
use transit_model::{
    ArrivalAdvice, Body, BorderCrossing, Header, Incident, IncidentCode, MessageType, Mrn,
    Participant, StandardMessage, Text, SCHEMA_VERSION,
};

use crate::{Stage, Train, TrainConfirmation};

/// Why a confirmation cannot be taken as it is: it is refused whole, nothing is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Where in the confirmation (a JSON pointer).
    pub pointer: String,
    /// What is wrong, and what to do.
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.reason)
    }
}

fn refused(pointer: &str, reason: String) -> Refusal {
    Refusal {
        pointer: pointer.to_owned(),
        reason,
    }
}

/// A wagon the departure takes off the train, with the declaration it carried goods of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAside {
    /// The declaration.
    pub mrn: Mrn,
    /// The wagon.
    pub wagon: String,
}

/// What one confirmation comes to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expansion {
    /// Each declaration's message: IE118 or IE006 for a declaration with a wagon found, IE180
    /// for a declaration with a wagon missing; from the confirming office.
    pub messages: Vec<StandardMessage>,
    /// The declarations that passed (or arrived): a wagon of theirs was found.
    pub passed: Vec<Mrn>,
    /// The declarations with a wagon missing: each gets an incident.
    pub incidents: Vec<Mrn>,
    /// At departure: the wagons set aside.
    pub set_aside: Vec<SetAside>,
}

/// Turns `confirmation` of `train` (built from `movements`) into each declaration's
/// messages, prepared at `now` — for each declaration, its incident before its passage or
/// arrival. Refused whole when a wagon listed is not on the train, when a wagon of the train
/// is neither found nor missing, or when the office has nothing to confirm (no declaration on
/// the train goes through it at that stage, or every one's passage there is recorded).
pub fn expand(
    train: &Train,
    movements: &[Movement],
    confirmation: &TrainConfirmation,
    now: DateTime<Utc>,
) -> Result<Expansion, Refusal> {
    confirmation
        .check()
        .map_err(|(pointer, reason)| refused(&pointer, reason))?;
    if train.wagons.is_empty() {
        return Err(refused(
            "/train",
            format!(
                "no declaration on the road is on train {}: check the number (the declarations' border transport means, mode 2)",
                confirmation.train
            ),
        ));
    }
    for (list, pointer) in [
        (&confirmation.wagons_present, "/wagonsPresent"),
        (&confirmation.wagons_missing, "/wagonsMissing"),
    ] {
        if let Some(unknown) = list.iter().find(|w| train.wagon(w).is_none()) {
            return Err(refused(
                pointer,
                format!(
                    "wagon {unknown} is not on train {} (its wagons: {})",
                    train.number,
                    numbers(train)
                ),
            ));
        }
    }
    if let Some(unlisted) = train.wagons.iter().find(|w| {
        !confirmation.wagons_present.contains(&w.id) && !confirmation.wagons_missing.contains(&w.id)
    }) {
        return Err(refused(
            "/wagonsMissing",
            format!(
                "wagon {} is on train {} but neither found nor missing: list every wagon once",
                unlisted.id, train.number
            ),
        ));
    }
    let office = &confirmation.office;
    // The declarations this office confirms, in wagon order.
    let concerned: Vec<&Movement> = train
        .declarations()
        .into_iter()
        .filter_map(|mrn| movements.iter().find(|m| &m.mrn == mrn))
        .filter(|m| match confirmation.stage {
            Stage::Departure => &m.departure_office == office,
            Stage::Passage => m.route.iter().any(|p| &p.office == office),
            Stage::Arrival => &m.destination_office == office,
        })
        .collect();
    // A declaration whose passage here is already recorded is not confirmed again (a second
    // confirmation of the train — another officer, the national system as well — or a wagon
    // late: then only its declarations pass).
    let concerned: Vec<&Movement> = if confirmation.stage == Stage::Passage {
        let waiting: Vec<&Movement> = concerned
            .iter()
            .copied()
            .filter(|m| {
                !m.route
                    .iter()
                    .any(|p| &p.office == office && p.crossed_at.is_some())
            })
            .collect();
        if waiting.is_empty() && !concerned.is_empty() {
            return Err(refused(
                "/office",
                format!(
                    "train {} has already been confirmed at {office}: every declaration on it has its passage there",
                    train.number
                ),
            ));
        }
        waiting
    } else {
        concerned
    };
    if concerned.is_empty() {
        return Err(refused(
            "/office",
            format!(
                "no declaration on train {} has {office} as its {}: confirm the train where its declarations {}",
                train.number,
                match confirmation.stage {
                    Stage::Departure => "office of departure",
                    Stage::Passage => "office of transit",
                    Stage::Arrival => "office of destination",
                },
                match confirmation.stage {
                    Stage::Departure => "were released",
                    Stage::Passage => "cross a border",
                    Stage::Arrival => "end",
                }
            ),
        ));
    }
    let mut expansion = Expansion::default();
    for movement in concerned {
        let on = |list: &Vec<String>| -> Vec<String> {
            train
                .wagons
                .iter()
                .filter(|w| w.declarations.contains(&movement.mrn) && list.contains(&w.id))
                .map(|w| w.id.clone())
                .collect()
        };
        let (found, missing) = (
            on(&confirmation.wagons_present),
            on(&confirmation.wagons_missing),
        );
        match confirmation.stage {
            Stage::Departure => {
                expansion
                    .set_aside
                    .extend(missing.into_iter().map(|wagon| SetAside {
                        mrn: movement.mrn.clone(),
                        wagon,
                    }))
            }
            Stage::Passage | Stage::Arrival => {
                // The incident first: once arrived, a declaration takes no incident.
                if !missing.is_empty() {
                    expansion
                        .messages
                        .push(incident(movement, confirmation, &missing, now));
                    expansion.incidents.push(movement.mrn.clone());
                }
                if !found.is_empty() {
                    expansion
                        .messages
                        .push(confirmed(movement, confirmation, now));
                    expansion.passed.push(movement.mrn.clone());
                }
            }
        }
    }
    Ok(expansion)
}

fn numbers(train: &Train) -> String {
    train
        .wagons
        .iter()
        .map(|w| w.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header of a message from the confirming office to `movement`'s departure, its id
/// derived from the confirmation's.
fn header(
    movement: &Movement,
    confirmation: &TrainConfirmation,
    message_type: MessageType,
    now: DateTime<Utc>,
) -> Header {
    Header {
        message_id: confirmation.confirmation_id.derive(&format!(
            "rail/{}/{}",
            movement.mrn,
            message_type.code()
        )),
        message_type,
        prepared_at: now,
        sender: Participant::Office(confirmation.office.clone()),
        recipient: Participant::Office(movement.departure_office.clone()),
        mrn: movement.mrn.clone(),
        correlation_id: None,
        schema_version: SCHEMA_VERSION.to_owned(),
    }
}

/// IE118 (passage) or IE006 (arrival) for one declaration.
fn confirmed(
    movement: &Movement,
    confirmation: &TrainConfirmation,
    now: DateTime<Utc>,
) -> StandardMessage {
    let (message_type, body) = match confirmation.stage {
        Stage::Arrival => (
            MessageType::ArrivalAdvice,
            Body::ArrivalAdvice(ArrivalAdvice {
                destination_office: confirmation.office.clone(),
                arrival_date_time: confirmation.at,
            }),
        ),
        _ => (
            MessageType::NotificationCrossingFrontier,
            Body::NotificationCrossingFrontier(BorderCrossing {
                transit_office: confirmation.office.clone(),
                crossing_date_time: confirmation.at,
                automatic: None,
            }),
        ),
    };
    StandardMessage::new(header(movement, confirmation, message_type, now), body)
        .unwrap_or_else(|_| unreachable!("header and body types agree"))
}

/// IE180 for one declaration with wagons missing.
fn incident(
    movement: &Movement,
    confirmation: &TrainConfirmation,
    missing: &[String],
    now: DateTime<Utc>,
) -> StandardMessage {
    let office = &confirmation.office;
    let description = format!(
        "Train {}: wagon{} {} carrying goods of this declaration not found on the train at {} ({}). Find where the wagon was left and check its seals and load before it goes on.",
        confirmation.train,
        if missing.len() == 1 { "" } else { "s" },
        missing.join(", "),
        office,
        confirmation.stage.as_str(),
    );
    let body = Body::IncidentNotification(Incident {
        reporting_office: office.clone(),
        incident_code: IncidentCode::Accident,
        incident_date_time: confirmation.at,
        country_code: office.country(),
        place: bounded(&format!("{} station", office)),
        description: bounded(&description),
        replacement_transport_means: None,
        new_seal_ids: Vec::new(),
    });
    StandardMessage::new(
        header(
            movement,
            confirmation,
            MessageType::IncidentNotification,
            now,
        ),
        body,
    )
    .unwrap_or_else(|_| unreachable!("header and body types agree"))
}

/// A text cut to what its field holds.
fn bounded<const N: usize>(value: &str) -> Text<N> {
    let cut: String = value.chars().take(N).collect();
    Text::parse(cut.trim()).unwrap_or_else(|_| unreachable!("not empty, no control characters"))
}
