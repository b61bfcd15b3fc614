//! Fallback periods behind `/api/v1/fallbacks…`: an operator declares an office or a country's
//! national system unavailable (audited); every account sees the periods on (the officer app
//! shows a banner, the dashboard a panel); ending one gives its reconciliation — [`reconcile`],
//! pure — over the events of the offices in scope, each already decided by the state machine.

use chrono::{Duration, Utc};
use transit_http::api_views::Principal;
use transit_http::fallbacks::{
    FallbackEventView, FallbackRequest, FallbackView, ReconciliationView,
};
use transit_http::{ApiError, FallbackPort};
use transit_model::{CountryCode, OfficeRef};
use transit_store::api::fallbacks::{FallbackEvent, FallbackRow};
use uuid::Uuid;

use crate::answers::unavailable;
use crate::auth::require_operator;
use crate::service::ApiService;

/// An event received this long after it happened reached the hub late.
const LATE_AFTER_MINUTES: i64 = 15;

fn view(row: &FallbackRow) -> FallbackView {
    FallbackView {
        id: row.id.to_string(),
        scope_kind: row.scope_kind.clone(),
        scope: row.scope.clone(),
        reason: row.reason.clone(),
        started_at: row.started_at,
        started_by: row.started_by.clone(),
        ended_at: row.ended_at,
        ended_by: row.ended_by.clone(),
    }
}

fn event_view(e: &FallbackEvent) -> FallbackEventView {
    let logged = &e.event;
    FallbackEventView {
        mrn: logged.mrn.clone(),
        message_type: logged.message_type,
        office: logged.sender.to_string(),
        event_time: logged.event_time,
        received_at: logged.received_at,
        state_after: e.state_after.clone(),
        reason: e.reason.clone(),
        dead_letter: (e.outcome == "rejected").then(|| format!("refused-{}", logged.seq)),
    }
}

/// What happened during `fallback`: the events accepted (those received after the period
/// ended, or more than a quarter of an hour after they happened, also as late) and those
/// refused.
pub fn reconcile(fallback: &FallbackRow, events: &[FallbackEvent]) -> ReconciliationView {
    let recorded: Vec<&FallbackEvent> = events.iter().filter(|e| e.outcome == "accepted").collect();
    let late: Vec<&FallbackEvent> = recorded
        .iter()
        .copied()
        .filter(|e| {
            let received = e.event.received_at;
            fallback.ended_at.is_some_and(|end| received > end)
                || received - e.event.event_time > Duration::minutes(LATE_AFTER_MINUTES)
        })
        .collect();
    let conflicts: Vec<&FallbackEvent> =
        events.iter().filter(|e| e.outcome == "rejected").collect();
    let summary = format!(
        "{} at {}: {} events recorded ({} reached the hub late), {} refused{}",
        if fallback.ended_at.is_some() {
            "fallback ended"
        } else {
            "fallback on"
        },
        fallback.scope,
        recorded.len(),
        late.len(),
        conflicts.len(),
        if conflicts.is_empty() {
            String::new()
        } else {
            " — each with its reason; replay one from the dead letters after a fix".into()
        }
    );
    ReconciliationView {
        fallback: view(fallback),
        recorded: recorded.into_iter().map(event_view).collect(),
        late: late.into_iter().map(event_view).collect(),
        conflicts: conflicts.into_iter().map(event_view).collect(),
        summary,
    }
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id)
        .map_err(|_| ApiError::invalid("/id", format!("{id:?} is not a fallback id (a UUID)")))
}

/// Whether a fallback over `scope` (an office or a country) is in `who`'s country: an operator
/// of one country declares, ends and reconciles that country's fallbacks only.
fn in_scope(who: &Principal, scope: &str) -> bool {
    who.country
        .as_deref()
        .is_none_or(|cc| scope.get(..2) == Some(cc))
}

fn no_fallback(id: Uuid) -> ApiError {
    ApiError::not_found(
        format!("there is no fallback {id} in your scope"),
        "GET /api/v1/fallbacks lists them",
    )
}

impl ApiService {
    /// The fallback `id`, if it is in `who`'s scope (404 otherwise, as for none).
    async fn fallback_in_scope(&self, who: &Principal, id: Uuid) -> Result<FallbackRow, ApiError> {
        self.store
            .fallback(id)
            .await
            .map_err(unavailable)?
            .filter(|row| in_scope(who, &row.scope))
            .ok_or_else(|| no_fallback(id))
    }

    async fn reconciled(&self, who: &Principal, id: Uuid) -> Result<ReconciliationView, ApiError> {
        let row = self.fallback_in_scope(who, id).await?;
        let events = self
            .store
            .fallback_events(&row, Utc::now())
            .await
            .map_err(unavailable)?;
        Ok(reconcile(&row, &events))
    }
}

impl FallbackPort for ApiService {
    async fn start_fallback(
        &self,
        who: Principal,
        request: FallbackRequest,
        remote: String,
    ) -> Result<FallbackView, ApiError> {
        let scope = request.office.as_deref().or(request.country.as_deref());
        self.requested(&who, "start fallback", scope, &remote)
            .await?;
        require_operator(&who)?;
        let (scope_kind, scope) = match (request.office, request.country) {
            (Some(office), None) => {
                let office = OfficeRef::parse(&office)
                    .map_err(|e| ApiError::invalid("/office", e.to_string()))?;
                if self.reference_data().office(&office).is_none() {
                    return Err(ApiError::invalid(
                        "/office",
                        format!("{office} is not an office of the network (GET /api/v1/reference)"),
                    ));
                }
                ("office", office.as_str().to_owned())
            }
            (None, Some(country)) => {
                let cc = CountryCode::parse(&country)
                    .map_err(|e| ApiError::invalid("/country", e.to_string()))?;
                ("country", cc.as_str().to_owned())
            }
            _ => return Err(ApiError::invalid("/", "name one office or one country")),
        };
        if !in_scope(&who, &scope) {
            return Err(ApiError::denied(
                format!(
                    "{} operates {}; {scope} is another country's to declare",
                    who.username,
                    who.country.as_deref().unwrap_or_default()
                ),
                "ask that country's operators, or the hub's",
            ));
        }
        let reason = crate::answers::one_line(
            "/reason",
            &request.reason,
            300,
            "say why, as the parties will read it (\"national system down for maintenance\")",
        )?;
        let row = FallbackRow {
            id: Uuid::new_v4(),
            scope_kind: scope_kind.into(),
            scope,
            reason,
            started_at: Utc::now(),
            started_by: who.username.clone(),
            ended_at: None,
            ended_by: None,
        };
        self.store.start_fallback(&row).await.map_err(unavailable)?;
        self.audit(
            Some(&who.username),
            "start fallback",
            Some(&row.scope),
            "ok",
            &remote,
            Some(row.reason.clone()),
        )
        .await?;
        Ok(view(&row))
    }

    async fn fallbacks(&self, _who: Principal) -> Result<Vec<FallbackView>, ApiError> {
        let rows = self.store.fallbacks(50).await.map_err(unavailable)?;
        Ok(rows.iter().map(view).collect())
    }

    async fn end_fallback(
        &self,
        who: Principal,
        id: String,
        remote: String,
    ) -> Result<ReconciliationView, ApiError> {
        self.requested(&who, "end fallback", Some(&id), &remote)
            .await?;
        require_operator(&who)?;
        let id = parse_id(&id)?;
        self.fallback_in_scope(&who, id).await?;
        let row = self
            .store
            .end_fallback(id, &who.username, Utc::now())
            .await
            .map_err(unavailable)?
            .ok_or_else(|| {
                ApiError::not_found(
                    format!("there is no fallback {id}"),
                    "GET /api/v1/fallbacks lists them",
                )
            })?;
        let reconciliation = self.reconciled(&who, id).await?;
        self.audit(
            Some(&who.username),
            "end fallback",
            Some(&row.scope),
            "ok",
            &remote,
            Some(reconciliation.summary.clone()),
        )
        .await?;
        Ok(reconciliation)
    }

    async fn reconciliation(
        &self,
        who: Principal,
        id: String,
    ) -> Result<ReconciliationView, ApiError> {
        require_operator(&who)?;
        self.reconciled(&who, parse_id(&id)?).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_operator_declares_and_ends_its_countrys_fallbacks_only() {
        let mut who = Principal {
            user_id: 1,
            username: "op-bf".into(),
            display_name: "op-bf".into(),
            role: transit_model::Role::Operator,
            office: None,
            country: Some("BF".into()),
            party: None,
            language: "fr".into(),
        };
        assert!(in_scope(&who, "BF"));
        assert!(in_scope(&who, "BFNGK001"));
        assert!(!in_scope(&who, "CI"));
        assert!(!in_scope(&who, "CIABJ001"));
        who.country = None;
        assert!(in_scope(&who, "CIABJ001"), "an operator of every country");
    }
    use chrono::{DateTime, TimeZone};
    use transit_store::api::event_log::LoggedEvent;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    fn event(
        seq: i64,
        happened: DateTime<Utc>,
        received: DateTime<Utc>,
        outcome: &str,
    ) -> FallbackEvent {
        FallbackEvent {
            event: LoggedEvent {
                seq,
                mrn: mrn(seq),
                message_type: "IE118".parse().unwrap(),
                sender: "BFNGK001".parse().unwrap(),
                event_time: happened,
                received_at: received,
            },
            outcome: outcome.into(),
            state_after: (outcome == "accepted").then(|| "Released".into()),
            reason: (outcome == "rejected")
                .then(|| "passage at BFNGK001 was already recorded".into()),
        }
    }

    /// The `seq`th movement's MRN.
    fn mrn(seq: i64) -> transit_model::Mrn {
        let country = transit_model::CountryCode::parse("CI").unwrap();
        let serial = format!("{seq:012}");
        transit_model::Mrn::from_parts(26, country, &serial, transit_model::ProcedureLetter::J)
            .unwrap()
    }

    #[test]
    fn recorded_late_and_refused_are_told_apart() {
        let fallback = FallbackRow {
            id: Uuid::nil(),
            scope_kind: "office".into(),
            scope: "BFNGK001".into(),
            reason: "link down".into(),
            started_at: at(8, 0),
            started_by: "op".into(),
            ended_at: Some(at(16, 0)),
            ended_by: Some("op".into()),
        };
        let events = [
            event(1, at(9, 0), at(9, 1), "accepted"),
            event(2, at(10, 0), at(16, 30), "accepted"),
            event(3, at(11, 0), at(11, 40), "accepted"),
            event(4, at(12, 0), at(16, 31), "rejected"),
        ];
        let r = reconcile(&fallback, &events);
        let mrns = |v: &[FallbackEventView]| v.iter().map(|e| e.mrn.clone()).collect::<Vec<_>>();
        assert_eq!(mrns(&r.recorded), [mrn(1), mrn(2), mrn(3)]);
        assert_eq!(mrns(&r.late), [mrn(2), mrn(3)]);
        assert_eq!(mrns(&r.conflicts), [mrn(4)]);
        assert_eq!(r.conflicts[0].dead_letter.as_deref(), Some("refused-4"));
        assert!(
            r.summary.starts_with(
                "fallback ended at BFNGK001: 3 events recorded (2 reached the hub late), 1 refused"
            ),
            "{}",
            r.summary
        );
    }
}
