//! The link report's published schema (`schemas/events/v1/link-status.schema.json`) and
//! `LinkReport` agree: reports with and without the optional figures validate; one the schema
//! must refuse is refused; what validates reads back.

use chrono::{TimeZone, Utc};
use transit_model::link::LinkReport;
use transit_model::CountryCode;

fn validator() -> jsonschema::Validator {
    let text = include_str!("../../../schemas/events/v1/link-status.schema.json");
    let schema: serde_json::Value = serde_json::from_str(text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn quiet(country: &str) -> LinkReport {
    LinkReport {
        country: CountryCode::parse(country).unwrap(),
        reported_at: Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap(),
        pending: 0,
        oldest_pending_at: None,
        parked: 0,
        push_failures_in_a_row: 0,
        last_push_error: None,
        last_push_at: None,
        last_pull_at: None,
        last_ack_at: None,
        lag: 0,
        unavailable: None,
    }
}

#[test]
fn reports_validate_and_read_back() {
    let quiet = quiet("BF");
    let at = quiet.reported_at;
    let troubled = LinkReport {
        pending: 12,
        oldest_pending_at: Some(at),
        parked: 1,
        push_failures_in_a_row: 7,
        last_push_error: Some("connection refused".into()),
        last_push_at: Some(at),
        last_pull_at: Some(at),
        last_ack_at: Some(at),
        lag: 3,
        unavailable: Some(transit_model::link::DeclaredUnavailability {
            reason: "maintenance".into(),
            office: Some(transit_model::OfficeRef::parse("BFNGK001").unwrap()),
            since: at,
        }),
        ..quiet.clone()
    };
    let v = validator();
    for report in [quiet, troubled] {
        let json = serde_json::to_value(&report).unwrap();
        let errors: Vec<String> = v.iter_errors(&json).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{json}");
        assert_eq!(serde_json::from_value::<LinkReport>(json).unwrap(), report);
    }
}

#[test]
fn what_the_schema_refuses_is_refused() {
    let v = validator();
    let mut wrong = serde_json::to_value(quiet("CI")).unwrap();
    wrong["pending"] = serde_json::json!(-1);
    assert!(!v.is_valid(&wrong));
    wrong["pending"] = serde_json::json!(0);
    assert!(v.is_valid(&wrong));
    wrong["extra"] = serde_json::json!(1);
    assert!(!v.is_valid(&wrong));
    assert!(serde_json::from_value::<LinkReport>(wrong).is_err());
}
