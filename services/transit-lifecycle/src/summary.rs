//! One movement in a list: what the API's searches, overdue list and live updates show, and
//! what the store reads for them. One type for both, so the row and the view cannot drift
//! apart, with the identifiers and the state typed (a stored value that does not parse is
//! refused where it is read, not passed on as text).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_model::{Mrn, OfficeRef};

use crate::MovementState;

/// One movement in a list (JSON: camelCase, identifiers and state as text).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MovementSummary {
    /// MRN.
    pub mrn: Mrn,
    /// State.
    pub state: MovementState,
    /// Office of departure.
    pub departure_office: OfficeRef,
    /// Office of destination (after any diversion).
    pub destination_office: OfficeRef,
    /// The last office reached (departure, a passed office of transit, the destination).
    pub last_office: OfficeRef,
    /// Vehicle registration.
    pub vehicle: Option<String>,
    /// Time limit.
    pub arrival_time_limit: DateTime<Utc>,
    /// Guarantee amount, as the decimal text it was declared with.
    pub guarantee_amount: Option<String>,
    /// Guarantee currency.
    pub guarantee_currency: Option<String>,
    /// First seen by the hub.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_json_is_the_published_shape() {
        let at: DateTime<Utc> = "2026-11-26T08:00:00Z".parse().unwrap();
        let summary = MovementSummary {
            mrn: Mrn::from_parts(
                2026,
                transit_model::CountryCode::parse("CI").unwrap(),
                "000000000042",
                transit_model::ProcedureLetter::J,
            )
            .unwrap(),
            state: MovementState::UnderEnquiry,
            departure_office: OfficeRef::parse("CIABJ001").unwrap(),
            destination_office: OfficeRef::parse("BFOUA001").unwrap(),
            last_office: OfficeRef::parse("CIABJ001").unwrap(),
            vehicle: Some("AB-123-CD".into()),
            arrival_time_limit: at,
            guarantee_amount: Some("1500000.00".into()),
            guarantee_currency: Some("XOF".into()),
            created_at: at,
            updated_at: at,
        };
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["state"], "UnderEnquiry");
        assert_eq!(json["departureOffice"], "CIABJ001");
        assert_eq!(json["mrn"], summary.mrn.as_str());
        let back: MovementSummary = serde_json::from_value(json).unwrap();
        assert_eq!(back, summary);
    }
}
