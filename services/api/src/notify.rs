//! Which movement events a subscription hears of, and what it is told: pure. An accepted event
//! of the hub's log becomes one notification per matching subscription, with the kinds of
//! event it stands for (`schemas/events/v1/notification.schema.json`).

use transit_lifecycle::MovementState;
use transit_model::{EventType, MessageId, MessageType, Role};
use transit_store::api::subscriptions::{EventToMatch, NewNotification, SubscriptionRow};
use uuid::Uuid;

/// Every kind of event a subscription may ask for.
pub const KINDS: &[&str] = &[
    "release",
    "passage",
    "arrival",
    "control",
    "incident",
    "enquiry",
    "recovery",
    "writeOff",
    "cancelled",
    "guaranteeReleased",
];

/// The kinds of event an accepted entry of type `event_type` stands for, the movement going
/// from `before` to `after`.
pub fn kinds(
    event_type: EventType,
    before: Option<MovementState>,
    after: Option<MovementState>,
) -> Vec<&'static str> {
    let mut out = Vec::new();
    match event_type.message() {
        Some(MessageType::ReleaseForTransit) => out.push("release"),
        Some(MessageType::NotificationCrossingFrontier) => out.push("passage"),
        Some(MessageType::ArrivalAdvice) => out.push("arrival"),
        Some(MessageType::DestinationControlResults) => out.push("control"),
        Some(MessageType::IncidentNotification) => out.push("incident"),
        _ => {}
    }
    if after != before {
        match after {
            Some(MovementState::WrittenOff) => out.extend(["writeOff", "guaranteeReleased"]),
            Some(MovementState::Cancelled) => out.extend(["cancelled", "guaranteeReleased"]),
            Some(MovementState::EnquiryRecommended | MovementState::UnderEnquiry) => {
                out.push("enquiry")
            }
            Some(MovementState::UnderRecovery) => out.push("recovery"),
            _ => {}
        }
    }
    out
}

/// Whether `subscription` follows the movement of `event`: a trader its own declarations, a
/// guarantor its guarantee on a movement leaving its country; and only events after it was
/// made.
fn follows(subscription: &SubscriptionRow, event: &EventToMatch) -> bool {
    if event.event.received_at < subscription.created_at {
        return false;
    }
    match subscription.party_kind {
        Role::Trader => event.holder.as_deref() == Some(subscription.party.as_str()),
        Role::Guarantor => {
            let reference = event
                .guarantee
                .as_ref()
                .and_then(|g| g.get("referenceId"))
                .and_then(|r| r.as_str());
            reference == Some(subscription.party.as_str())
                && subscription
                    .country
                    .as_deref()
                    .is_some_and(|cc| event.departure_office.starts_with(cc))
        }
        Role::Officer | Role::Operator | Role::Adapter => false,
    }
}

/// The notifications `events` make for `subscriptions`; each id derives from the subscription
/// and the event, so matching twice makes the same notification.
pub fn notifications(
    events: &[EventToMatch],
    subscriptions: &[SubscriptionRow],
) -> Vec<NewNotification> {
    let mut out = Vec::new();
    for event in events {
        let all = kinds(
            event.event.message_type,
            event.state_before,
            event.state_after,
        );
        if all.is_empty() {
            continue;
        }
        for subscription in subscriptions.iter().filter(|s| follows(s, event)) {
            let wanted: Vec<&str> = match &subscription.events {
                Some(filter) => all
                    .iter()
                    .copied()
                    .filter(|k| filter.iter().any(|f| f == k))
                    .collect(),
                None => all.clone(),
            };
            if wanted.is_empty() {
                continue;
            }
            let id = MessageId::from_uuid(subscription.id)
                .derive(&format!("notification/{}", event.event.seq))
                .as_uuid();
            out.push(NewNotification {
                id,
                subscription_id: subscription.id,
                event_seq: event.event.seq,
                mrn: event.event.mrn.clone(),
                payload: payload(id, subscription.id, event, &wanted),
            });
        }
    }
    out
}

fn payload(
    id: Uuid,
    subscription: Uuid,
    event: &EventToMatch,
    kinds: &[&str],
) -> serde_json::Value {
    let logged = &event.event;
    serde_json::json!({
        "notificationId": id.to_string(),
        "subscriptionId": subscription.to_string(),
        "mrn": logged.mrn,
        "events": kinds,
        "messageType": logged.message_type,
        "state": event.state_after,
        "office": logged.sender,
        "at": logged.event_time,
        "holder": event.holder,
        "guarantee": event.guarantee,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};
    use transit_store::api::event_log::LoggedEvent;

    fn event(seq: i64, kind: &str, before: Option<&str>, after: &str) -> EventToMatch {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        EventToMatch {
            event: LoggedEvent {
                seq,
                mrn: "26CIPUHHO2SX8RQIJ2".parse().unwrap(),
                message_type: kind.parse().unwrap(),
                sender: "BFOUA001".parse().unwrap(),
                event_time: at,
                received_at: at,
            },
            state_before: before.map(|s| s.parse().unwrap()),
            state_after: Some(after.parse().unwrap()),
            holder: Some("CI0123456X".into()),
            guarantee: Some(
                serde_json::json!({"referenceId": "GRN-CI-77881", "amountAmount": "1250000", "currencyCode": "XOF"}),
            ),
            departure_office: "CIABJ001".into(),
        }
    }

    fn subscription(kind: Role, party: &str, country: Option<&str>) -> SubscriptionRow {
        SubscriptionRow {
            id: Uuid::new_v4(),
            owner: "someone".into(),
            party_kind: kind,
            party: party.into(),
            country: country.map(str::to_owned),
            url: "https://example.org/hook".into(),
            secret: "s".into(),
            events: None,
            created_at: Utc.with_ymd_and_hms(2026, 12, 1, 7, 0, 0).unwrap(),
            cancelled_at: None,
        }
    }

    /// [`kinds`] of a type and states as they are written.
    fn kinds_of(event_type: &str, before: Option<&str>, after: Option<&str>) -> Vec<&'static str> {
        let state = |s: &str| s.parse().unwrap();
        kinds(
            event_type.parse().unwrap(),
            before.map(state),
            after.map(state),
        )
    }

    #[test]
    fn a_write_off_releases_the_guarantee_once_and_later_events_do_not_again() {
        assert_eq!(
            kinds_of("IE018", Some("Arrived"), Some("WrittenOff")),
            ["control", "writeOff", "guaranteeReleased"]
        );
        assert_eq!(
            kinds_of("IE114", Some("WrittenOff"), Some("WrittenOff")),
            Vec::<&str>::new()
        );
        assert_eq!(
            kinds_of("IE010", Some("Released"), Some("Cancelled")),
            ["cancelled", "guaranteeReleased"]
        );
        assert_eq!(kinds_of("IE029", None, Some("Released")), ["release"]);
    }

    #[test]
    fn what_is_posted_is_what_the_published_schema_describes() {
        let schema: serde_json::Value = serde_json::from_str(include_str!(
            "../../../schemas/events/v1/notification.schema.json"
        ))
        .unwrap();
        let v = jsonschema::validator_for(&schema).unwrap();
        let events = [
            event(1, "IE029", None, "Released"),
            event(2, "IE018", Some("Arrived"), "WrittenOff"),
        ];
        let made = notifications(&events, &[subscription(Role::Trader, "CI0123456X", None)]);
        assert_eq!(made.len(), 2);
        for n in &made {
            let errors: Vec<String> = v.iter_errors(&n.payload).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{errors:?}\n{}", n.payload);
        }
        let mut wrong = made[0].payload.clone();
        wrong["events"] = serde_json::json!(["teleported"]);
        assert!(!v.is_valid(&wrong));
    }

    #[test]
    fn each_party_hears_of_its_own_movements_only() {
        let events = [
            event(1, "IE029", None, "Released"),
            event(2, "IE018", Some("Arrived"), "WrittenOff"),
        ];
        let mut guarantor = subscription(Role::Guarantor, "GRN-CI-77881", Some("CI"));
        guarantor.events = Some(vec!["guaranteeReleased".into()]);
        let trader = subscription(Role::Trader, "CI0123456X", None);
        let stranger = subscription(Role::Trader, "BF0000000Z", None);
        let elsewhere = subscription(Role::Guarantor, "GRN-CI-77881", Some("BF"));
        let made = notifications(
            &events,
            &[guarantor.clone(), trader.clone(), stranger, elsewhere],
        );
        let to = |s: &SubscriptionRow| made.iter().filter(|n| n.subscription_id == s.id).count();
        assert_eq!((to(&guarantor), to(&trader)), (1, 2));
        assert_eq!(
            made.len(),
            3,
            "the stranger and the other country's guarantor hear nothing"
        );
        let release = made
            .iter()
            .find(|n| n.subscription_id == guarantor.id)
            .unwrap();
        assert_eq!(
            release.payload["events"],
            serde_json::json!(["guaranteeReleased"])
        );
        assert_eq!(
            notifications(&events, &[guarantor.clone()])[0].id,
            release.id,
            "same id when matched again"
        );
        // A subscription made after an event does not hear of it.
        let late = SubscriptionRow {
            created_at: events[1].event.received_at + Duration::seconds(1),
            ..trader
        };
        assert!(notifications(&events, &[late]).is_empty());
    }
}
