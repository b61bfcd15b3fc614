//! An officer's action → the standardized message an adapter would have sent.

use chrono::{DateTime, Utc};
use transit_http::api_views::{OfficerAction, VehicleInput};
use transit_http::ApiError;
use transit_model::{
    ArrivalAdvice, Body, BorderCrossing, ControlResultCode, ControlResults, CountryCode,
    Discrepancy, EnquiryAnswer, Header, Incident, IncidentCode, MessageId, MessageType, Mrn,
    OfficeRef, OfficeRequest, Participant, StandardMessage, Text, TransportMeans, SCHEMA_VERSION,
};

fn text<const N: usize>(value: &str, pointer: &str) -> Result<Text<N>, ApiError> {
    Text::parse(value.trim()).map_err(|e| ApiError::invalid(pointer, e.to_string()))
}

/// The message id of an action: derived from the user and the idempotency key, so a retry
/// produces the same message (which every hop then drops as a duplicate); random without a key.
pub fn message_id(username: &str, key: Option<&str>) -> MessageId {
    match key {
        Some(key) => MessageId::from_uuid(uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("sigmat-api:{username}:{key}").as_bytes(),
        )),
        None => MessageId::from_uuid(uuid::Uuid::new_v4()),
    }
}

/// How far ahead of the hub's clock an officer's time may be (a phone's clock is off by
/// a little), and how far back (a phone offline for a long while, then synced).
const FUTURE_TOLERANCE_MINUTES: i64 = 10;
const OLDEST_DAYS: i64 = 30;

/// The time an officer gives for what they saw (now when none): not in the future beyond a
/// phone clock's error, not older than a month.
pub(crate) fn event_time(
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ApiError> {
    let at = at.unwrap_or(now);
    if at > now + chrono::Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
        return Err(ApiError::invalid(
            "/at",
            format!("{at} is in the future (the hub's clock says {now}); check the phone's clock"),
        ));
    }
    if at < now - chrono::Duration::days(OLDEST_DAYS) {
        return Err(ApiError::invalid(
            "/at",
            format!("{at} is more than {OLDEST_DAYS} days ago; record it with the national system instead"),
        ));
    }
    Ok(at)
}

/// The replacement vehicle an officer entered.
fn vehicle(v: &VehicleInput) -> Result<TransportMeans, ApiError> {
    Ok(TransportMeans {
        id: text(&v.id, "/replacementVehicle/id")?,
        registration_nationality_code: CountryCode::parse(v.nationality.trim())
            .map_err(|e| ApiError::invalid("/replacementVehicle/nationality", e.to_string()))?,
        mode_code: v.mode,
    })
}

/// A record request from `office` (IE002, IE114).
fn request(
    office: &OfficeRef,
    why: &Option<String>,
    at: DateTime<Utc>,
) -> Result<OfficeRequest, ApiError> {
    Ok(OfficeRequest {
        requesting_office: office.clone(),
        request_date_time: at,
        text: why.as_deref().map(|t| text(t, "/text")).transpose()?,
    })
}

/// Builds the message of `action` taken at `office` on movement `mrn` departed from
/// `departure`.
pub fn message(
    action: &OfficerAction,
    mrn: &Mrn,
    departure: &OfficeRef,
    office: &OfficeRef,
    id: MessageId,
    now: DateTime<Utc>,
) -> Result<StandardMessage, ApiError> {
    let when = |at: &Option<DateTime<Utc>>| event_time(*at, now);
    let (kind, body) = match action {
        OfficerAction::Passage { at } => (
            MessageType::NotificationCrossingFrontier,
            Body::NotificationCrossingFrontier(BorderCrossing {
                transit_office: office.clone(),
                crossing_date_time: when(at)?,
                automatic: None,
            }),
        ),
        OfficerAction::Arrival { at } => (
            MessageType::ArrivalAdvice,
            Body::ArrivalAdvice(ArrivalAdvice {
                destination_office: office.clone(),
                arrival_date_time: when(at)?,
            }),
        ),
        OfficerAction::Control {
            seals_intact,
            discrepancies,
            at,
            ..
        } => {
            let major = discrepancies.iter().any(|d| d.major);
            let code = if major || !seals_intact {
                ControlResultCode::B1
            } else if discrepancies.is_empty() {
                ControlResultCode::A1
            } else {
                ControlResultCode::A2
            };
            let discrepancies = discrepancies
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    Ok(Discrepancy {
                        pointer: text(&d.element, &format!("/discrepancies/{i}/element"))?,
                        description: text(
                            &d.description,
                            &format!("/discrepancies/{i}/description"),
                        )?,
                        major: d.major,
                    })
                })
                .collect::<Result<_, ApiError>>()?;
            (
                MessageType::DestinationControlResults,
                Body::DestinationControlResults(ControlResults {
                    destination_office: office.clone(),
                    control_date_time: when(at)?,
                    control_result_code: code,
                    seals_intact: *seals_intact,
                    discrepancies,
                }),
            )
        }
        OfficerAction::Incident {
            code,
            place,
            description,
            new_seals,
            replacement_vehicle,
            at,
        } => (
            MessageType::IncidentNotification,
            Body::IncidentNotification(Incident {
                reporting_office: office.clone(),
                incident_code: IncidentCode::try_from(*code)
                    .map_err(|e| ApiError::invalid("/code", e))?,
                incident_date_time: when(at)?,
                country_code: office.country(),
                place: text(place, "/place")?,
                description: text(description, "/description")?,
                replacement_transport_means: replacement_vehicle
                    .as_ref()
                    .map(vehicle)
                    .transpose()?,
                new_seal_ids: new_seals
                    .iter()
                    .enumerate()
                    .map(|(i, s)| text(s, &format!("/newSeals/{i}")))
                    .collect::<Result<_, _>>()?,
            }),
        ),
        OfficerAction::Diversion { text: why, at } => (
            MessageType::ArrivalRecordRequest,
            Body::ArrivalRecordRequest(request(office, why, when(at)?)?),
        ),
        OfficerAction::UndeclaredPassage { text: why, at } => (
            MessageType::TransitRecordRequest,
            Body::TransitRecordRequest(request(office, why, when(at)?)?),
        ),
        OfficerAction::EnquiryAnswer {
            goods_arrived,
            arrived_at,
            text: why,
            at,
        } => (
            MessageType::EnquiryResponse,
            Body::EnquiryResponse(EnquiryAnswer {
                responding_office: office.clone(),
                response_date_time: when(at)?,
                goods_arrived: *goods_arrived,
                arrival_date_time: match (goods_arrived, arrived_at) {
                    (true, Some(arrived)) => Some(event_time(Some(*arrived), now)?),
                    (true, None) => {
                        return Err(ApiError::invalid(
                            "/arrivedAt",
                            "say when the goods were presented (arrivedAt) when they arrived",
                        ))
                    }
                    (false, _) => None,
                },
                text: why.as_deref().map(|t| text(t, "/text")).transpose()?,
            }),
        ),
    };
    let header = Header {
        message_id: id,
        message_type: kind,
        prepared_at: now,
        sender: Participant::Office(office.clone()),
        recipient: Participant::Office(departure.clone()),
        mrn: mrn.clone(),
        correlation_id: None,
        schema_version: SCHEMA_VERSION.to_owned(),
    };
    StandardMessage::new(header, body).map_err(|e| ApiError::invalid("/action", e.to_string()))
}

#[cfg(test)]
mod event_time_tests {
    use super::*;

    #[test]
    fn an_officers_time_is_bounded_around_now() {
        let now = DateTime::from_timestamp(1_764_500_000, 0).unwrap();
        assert_eq!(event_time(None, now).unwrap(), now);
        let earlier = now - chrono::Duration::days(2);
        assert_eq!(event_time(Some(earlier), now).unwrap(), earlier);
        let skew = now + chrono::Duration::minutes(5);
        assert_eq!(event_time(Some(skew), now).unwrap(), skew);
        let future = now + chrono::Duration::hours(1);
        assert_eq!(event_time(Some(future), now).unwrap_err().pointer, "/at");
        let ancient = now - chrono::Duration::days(365);
        assert_eq!(event_time(Some(ancient), now).unwrap_err().pointer, "/at");
    }
}
