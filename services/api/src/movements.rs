//! Movements as their readers see them: one movement (rights checked, audited), its
//! timeline, and search.

use chrono::Utc;
use transit_http::api_views::{MovementSummary, Page, Principal, SearchQuery};
use transit_http::views::{
    CopyNotSentView, MovementView, OffRouteDischargeView, PassageView, TimelineEntry,
};
use transit_http::ApiError;
use transit_http::MovementPort;
use transit_lifecycle::MovementState;
use transit_model::{OfficeRef, Role};
use transit_store::api::SearchFilter;

use crate::answers::{not_found, parse_mrn, unavailable};
use crate::auth;
use crate::service::ApiService;

/// The last page a search may ask for: deeper offsets make the database read and drop rows.
const MAX_PAGE: i64 = 1_000;

impl ApiService {
    /// A movement, if `who` may read it.
    pub(crate) async fn read_movement(
        &self,
        who: &Principal,
        mrn: &str,
    ) -> Result<MovementView, ApiError> {
        let mrn = parse_mrn(mrn)?;
        let record = self.stored_movement(&mrn).await?;
        let allowed = auth::may_see(who, &record.movement);
        if !allowed {
            // As if there were none: whether the MRN exists is not the caller's to learn.
            return Err(not_found(&mrn));
        }
        let risk = match auth::risk_view_of(who) {
            Some(country) => self.risk_at(&record, country).await?,
            None => None,
        };
        let agreements = self.rules_in_force().agreements;
        let (declaration, read) =
            crate::disclosures::as_read_by(&agreements, who, &record.movement, Utc::now());
        self.record_read(read).await?;
        let m = record.movement;
        Ok(MovementView {
            risk,
            mrn: m.mrn.clone(),
            state: m.state,
            departure_office: m.departure_office.to_string(),
            route: m
                .route
                .iter()
                .map(|p| PassageView {
                    office: p.office.to_string(),
                    crossed_at: p.crossed_at,
                })
                .collect(),
            destination_office: m.destination_office.to_string(),
            arrival_time_limit: m.arrival_time_limit,
            arrived_at: m.arrived_at,
            version: record.version,
            updated_at: record.updated_at,
            declaration: serde_json::to_value(&declaration).unwrap_or_default(),
            copies_not_sent: m
                .copies_not_sent
                .iter()
                .map(|c| CopyNotSentView {
                    office: c.office.to_string(),
                    role: c.role.as_str().to_owned(),
                    reason: c.reason.clone(),
                })
                .collect(),
            discharged_off_route: m.discharged_off_route.map(|d| OffRouteDischargeView {
                office: d.office.to_string(),
                message_id: d.message_id.as_uuid(),
                at: d.at,
            }),
        })
    }

    pub(crate) fn corridor_of(&self, departure: &str, destination: &str) -> String {
        self.reference_data()
            .corridors()
            .iter()
            .find(|c| {
                c.offices.first().map(OfficeRef::as_str) == Some(departure)
                    && c.offices.last().map(OfficeRef::as_str) == Some(destination)
            })
            .map_or_else(|| "other".to_owned(), |c| c.id.clone())
    }
}

impl MovementPort for ApiService {
    async fn movement(
        &self,
        who: Principal,
        mrn: String,
        remote: String,
    ) -> Result<MovementView, ApiError> {
        let read = self.read_movement(&who, &mrn).await;
        let outcome = if read.is_ok() { "ok" } else { "refused" };
        self.audit(
            Some(&who.username),
            "read movement",
            Some(&mrn),
            outcome,
            &remote,
            None,
        )
        .await?;
        read
    }

    async fn timeline(
        &self,
        who: Principal,
        mrn: String,
        remote: String,
    ) -> Result<Vec<TimelineEntry>, ApiError> {
        // Same rights as the movement itself, and audited as a read of it.
        self.movement(who, mrn.clone(), remote).await?;
        let events = self.queries.timeline(&mrn).await.map_err(unavailable)?;
        Ok(events
            .into_iter()
            .map(|e| TimelineEntry {
                message_id: e.message_id,
                message_type: e.message_type,
                sender: e.sender,
                event_time: e.event_time,
                received_at: e.received_at,
                outcome: e.outcome,
                state_after: e.state_after,
                error_code: e.error_code,
                reason: e.reason,
            })
            .collect())
    }

    async fn search(
        &self,
        who: Principal,
        q: SearchQuery,
    ) -> Result<Page<MovementSummary>, ApiError> {
        let page = q.page.unwrap_or(1);
        let page_size = q.page_size.unwrap_or(50);
        if !(1..=MAX_PAGE).contains(&page) || !(1..=200).contains(&page_size) {
            return Err(ApiError::bad_request(
                "/query/page",
                format!("page is 1 to {MAX_PAGE}; pageSize is 1 to 200 (narrow the search to go further)"),
            ));
        }
        for (name, value) in [
            ("state", &q.state),
            ("corridor", &q.corridor),
            ("office", &q.office),
            ("country", &q.country),
            ("vehicle", &q.vehicle),
            ("container", &q.container),
            ("seal", &q.seal),
        ] {
            check_search_word(name, value.as_deref())?;
        }
        let endpoints = match &q.corridor {
            Some(id) => {
                let data = self.reference_data();
                let corridor = data.corridor(id).ok_or_else(|| {
                    ApiError::bad_request(
                        "/query/corridor",
                        format!("no corridor {id:?}; see GET /api/v1/reference"),
                    )
                })?;
                match (corridor.offices.first(), corridor.offices.last()) {
                    (Some(a), Some(b)) => Some((a.to_string(), b.to_string())),
                    _ => None,
                }
            }
            None => None,
        };
        let state = match q.state.as_deref() {
            None => None,
            Some(name) => Some(name.parse::<MovementState>().map_err(|e| {
                ApiError::bad_request("/query/state", format!("{name:?} is {}", e.reason))
            })?),
        };
        let mut filter = SearchFilter {
            state,
            endpoints,
            office: q.office.clone(),
            country: q.country.clone(),
            vehicle: q.vehicle.clone(),
            container: q.container.clone(),
            seal: q.seal.clone(),
            from: q.from,
            to: q.to,
        };
        match who.role {
            // An officer searches the movements of their office.
            Role::Officer => filter.office = who.office.clone(),
            Role::Adapter | Role::Operator if who.country.is_some() => {
                if filter.country.is_some() && filter.country != who.country {
                    return Err(ApiError::denied(
                        format!(
                            "{}'s scope is {}",
                            who.username,
                            who.country.clone().unwrap_or_default()
                        ),
                        "search within your scope",
                    ));
                }
                filter.country = who.country.clone();
            }
            Role::Adapter | Role::Operator => {}
            // Search lists movements of every declarant and guarantee; a trader or guarantor
            // reads its own movements one by one and hears of them through its subscriptions.
            Role::Trader | Role::Guarantor => {
                return Err(ApiError::denied(
                    format!(
                        "{} is a {}; searching the network's movements is for officers and operators",
                        who.username, who.role
                    ),
                    "read one of your movements with GET /api/v1/movements/{mrn}, or subscribe to its events",
                ))
            }
        }
        let mut rows = self
            .store
            .search(&filter, (page - 1) * page_size, page_size)
            .await
            .map_err(unavailable)?;
        let has_more = rows.len() as i64 > page_size;
        rows.truncate(usize::try_from(page_size).unwrap_or(50));
        let agreements = self.rules_in_force().agreements;
        let now = Utc::now();
        for row in &mut rows {
            crate::disclosures::summary_as_read_by(&agreements, &who, row, now);
        }
        Ok(Page {
            items: rows,
            page,
            page_size,
            has_more,
        })
    }
}

/// The most characters a search word may have (a plate is 35, a name 70).
const MAX_SEARCH_WORD: usize = 70;

/// A search word is 1 to 70 characters without control characters: anything else cannot match
/// a movement, and a NUL would be refused by the database as an error rather than a no-match.
fn check_search_word(name: &str, value: Option<&str>) -> Result<(), ApiError> {
    let Some(value) = value else { return Ok(()) };
    let chars = value.chars().count();
    let problem = if chars == 0 {
        Some("is empty; leave it out to search without it".to_owned())
    } else if chars > MAX_SEARCH_WORD {
        Some(format!("is {chars} characters; at most {MAX_SEARCH_WORD}"))
    } else {
        value
            .chars()
            .find(|c| c.is_control())
            .map(|c| format!("contains the control character U+{:04X}", u32::from(c)))
    };
    match problem {
        Some(problem) => Err(ApiError::bad_request(
            &format!("/query/{name}"),
            format!("{name} {problem}"),
        )),
        None => Ok(()),
    }
}
