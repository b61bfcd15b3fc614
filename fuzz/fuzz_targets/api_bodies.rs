//! Any bytes as the body of the API's JSON routes, read as the API reads them (serde_json, as
//! axum's `Json` does): a login (`POST /api/v1/sessions`) or an officer's action
//! (`POST /api/v1/movements/{mrn}/actions`). Either an error or a value that re-encodes to
//! itself; and every action the API turns into a message gives a message that passes the hub's
//! own conformity check at level 4 and decodes back to itself. Never a panic.
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use transit_codec::{conformity, json};
use transit_http::api_views::{LoginRequest, OfficerAction};
use transit_model::{Mrn, OfficeRef, ProcedureLetter};

fuzz_target!(|data: &[u8]| {
    if let Ok(login) = serde_json::from_slice::<LoginRequest>(data) {
        let again: LoginRequest =
            serde_json::from_slice(&serde_json::to_vec(&login).unwrap()).unwrap();
        assert_eq!(again, login);
    }
    let Ok(action) = serde_json::from_slice::<OfficerAction>(data) else {
        return;
    };
    let again: OfficerAction =
        serde_json::from_slice(&serde_json::to_vec(&action).unwrap()).unwrap();
    assert_eq!(again, action);
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let departure = OfficeRef::parse("CIABJ001").unwrap();
    let office = OfficeRef::parse("BFOUA001").unwrap();
    let mrn = Mrn::from_parts(26, departure.country(), "FUZZ00000001", ProcedureLetter::J).unwrap();
    let id = api::actions::message_id("fuzz", Some("key"));
    if let Ok(message) = api::actions::message(&action, &mrn, &departure, &office, id, now) {
        let bytes = json::encode(&message);
        let report = conformity::check(&bytes);
        assert_eq!(report.level, 4, "{:?}", report.findings);
        assert_eq!(json::decode(&bytes).expect("re-decodes"), message);
    }
});
