//! What the hub tells an office on its own account, driven by time rather than by a message:
//! when a movement's arrival time limit (plus the configured delay) has passed with no arrival,
//! its departure is sent the movement's status — `EnquiryRecommended` — as an IE095, so that
//! the departure (and the holder of the procedure through it) starts the NCTS enquiry (IE142 to
//! the destination). The caller gives the message id (deterministic, so a replayed timer round
//! sends the same notice) and the time.

use chrono::{DateTime, Utc};
use transit_model::{
    Body, Header, MessageId, MessageType, Participant, StandardMessage, StatusResponse, Text,
};

use crate::Movement;

/// The status notice to `movement`'s departure (IE095 from the hub), as the movement now is.
pub fn status_notice(movement: &Movement, id: MessageId, now: DateTime<Utc>) -> StandardMessage {
    let header = Header {
        message_id: id,
        message_type: MessageType::StatusResponse,
        prepared_at: now,
        sender: Participant::Hub,
        recipient: Participant::Office(movement.departure_office.clone()),
        mrn: movement.mrn.clone(),
        correlation_id: None,
        schema_version: transit_model::SCHEMA_VERSION.to_owned(),
    };
    let body = Body::StatusResponse(StatusResponse {
        state: Text::normalized(movement.state.as_str()),
        last_event_date_time: movement
            .last_event_at
            .unwrap_or(movement.declaration.release_date_time),
        remarks: None,
    });
    StandardMessage::new(header, body).unwrap_or_else(|_| unreachable!("types agree"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_overdue_movement_tells_its_departure_that_an_enquiry_is_recommended() {
        let release = transit_codec::json::decode(include_bytes!(
            "../../../schemas/transit/v1/examples/IE029.json"
        ))
        .unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 10, 0, 0, 0).unwrap();
        let released = crate::decide(None, &release, now).unwrap().movement;
        let overdue = released.expire(now).expect("the limit has passed");
        let id = release.id().derive("notice");
        let notice = status_notice(&overdue, id, now);
        assert_eq!(notice.message_type(), MessageType::StatusResponse);
        assert_eq!(notice.header().recipient.as_str(), "CIABJ001");
        assert_eq!(notice.id(), id);
        match notice.body() {
            Body::StatusResponse(s) => assert_eq!(s.state.as_str(), "EnquiryRecommended"),
            other => panic!("{other:?}"),
        }
    }
}
