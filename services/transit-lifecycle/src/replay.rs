//! Rebuilding a movement from its event log.

use chrono::{DateTime, Utc};
use transit_model::StandardMessage;

use crate::{decide_with, Movement, Rejection, Rules};

/// One accepted entry of a movement's event log.
#[derive(Clone, Debug, PartialEq)]
pub enum LoggedEvent {
    /// A message the hub accepted, and when it received it.
    Message(Box<StandardMessage>, DateTime<Utc>),
    /// The arrival time limit was found passed at this time (the tracker's timer).
    TimeLimitPassed(DateTime<Utc>),
}

/// Replays accepted events in log order from nothing. The result must equal the stored
/// movement: the decisions depend on the events alone, never on when they are replayed.
pub fn replay(events: &[LoggedEvent]) -> Result<Option<Movement>, Rejection> {
    replay_with(&Rules::default(), events)
}

/// [`replay`] under `rules`: the rules the log was written under.
pub fn replay_with(rules: &Rules, events: &[LoggedEvent]) -> Result<Option<Movement>, Rejection> {
    let mut movement: Option<Movement> = None;
    for event in events {
        movement = match event {
            LoggedEvent::Message(message, received_at) => {
                Some(decide_with(rules, movement.as_ref(), message, *received_at)?.movement)
            }
            LoggedEvent::TimeLimitPassed(at) => movement
                .as_ref()
                .map(|m| m.expire(*at).unwrap_or_else(|| m.clone())),
        };
    }
    Ok(movement)
}
