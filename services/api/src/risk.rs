//! Risk rules in the API: reading the rules in force as the caller may (other countries'
//! private rules hidden), importing changed rules — a country's operator changes only its own
//! rules, a hub operator any — as the next reference data version, checked, compared, kept with
//! its outbox record and audited; a rule silenced at a country's offices; a movement's lane set
//! by an operator over the one scored (audited, shown to the officers); the network's
//! anomalies; and each rule's figures (hit rates).

use chrono::Utc;
use transit_http::api_views::Principal;
use transit_http::reference_routes::ImportOutcome;
use transit_http::risk_routes::{
    AnomaliesView, AnomalyQuery, BurstView, DiversionRateView, HiddenRules, LaneOverride,
    LegOverdueView, RedView, RuleFigures, RulesImport, RulesView, SilenceRequest,
};
use transit_http::views::{LaneOverrideView, RiskView};
use transit_http::{ApiError, RiskPort};
use transit_model::reference::document::OPTIONAL_FILES;
use transit_model::reference::ReferenceVersion;
use transit_model::CountryCode;
use transit_risk::{diff, Owner, RuleBook, RuleSet};
use transit_store::reference::Imported;

use crate::service::{unavailable, ApiService};

/// How many movements an anomaly list looks at (the stalest on the road, the latest red).
const ANOMALY_SCAN: i64 = 2_000;
/// Trips a leg's 90th percentile must be taken over before a truck is said overdue on it.
const MIN_LEG_TRIPS: i64 = 20;
/// Diversions to an office before its rate is said unusual.
const MIN_DIVERSIONS: i64 = 3;

/// The rules of `version` (an empty set if it has none).
pub(crate) fn rules_of(version: &ReferenceVersion) -> Result<RuleSet, ApiError> {
    match version.document.risk_rules() {
        None => Ok(RuleSet::empty()),
        Some(json) => RuleSet::from_json(json).map_err(|e| {
            ApiError::unavailable(format!(
                "the risk rules of reference data version {} cannot be read: {e}",
                version.version
            ))
        }),
    }
}

/// Checks `set` as the tracker will compile it; the refusal names the rule and what to do.
pub(crate) fn check_rules(set: &RuleSet, version: i64) -> Result<(), ApiError> {
    RuleBook::compile(set.clone(), version)
        .map(|_| ())
        .map_err(|e| ApiError::invalid("/rules", e.to_string()).with_hint(e.fix))
}

/// The country whose offices a silence or a lane is for: a country's operator's own (named or
/// not), or the one a hub operator names.
fn country_of_request(
    who: &Principal,
    viewer: Option<CountryCode>,
    asked: Option<&str>,
) -> Result<CountryCode, ApiError> {
    match (viewer, asked) {
        (Some(own), None) => Ok(own),
        (Some(own), Some(asked)) if asked == own.as_str() => Ok(own),
        (Some(own), Some(asked)) => Err(ApiError::denied(
            format!("{} operates {own}, not {asked}", who.username),
            "act for your own country's offices",
        )),
        (None, Some(asked)) => {
            CountryCode::parse(asked).map_err(|e| ApiError::invalid("/country", e.to_string()))
        }
        (None, None) => Err(ApiError::invalid(
            "/country",
            "a hub operator names the country whose offices this is for",
        )),
    }
}

/// An operator's country (`None`: a hub operator).
fn scope(who: &Principal) -> Result<Option<CountryCode>, ApiError> {
    crate::auth::require_operator(who)?;
    who.country
        .as_deref()
        .map(CountryCode::parse)
        .transpose()
        .map_err(|e| {
            ApiError::unavailable(format!("{}'s country does not parse: {e}", who.username))
        })
}

impl ApiService {
    /// The rules of reference data `version`, for the reasons of what they scored: the version
    /// in force from memory, an older one from the database.
    async fn rules_of_version(&self, version: i64) -> Result<RuleSet, ApiError> {
        let in_force = self.reference.borrow().version.clone();
        if in_force.version == version {
            return rules_of(&in_force);
        }
        match self
            .store
            .reference()
            .version(version)
            .await
            .map_err(unavailable)?
        {
            Some(kept) => rules_of(&kept),
            None => Ok(RuleSet::empty()),
        }
    }

    /// `record`'s risk at the offices of `country` (`None`: the hub's view), with the lane an
    /// operator set there, if any.
    pub(crate) async fn risk_at(
        &self,
        record: &transit_store::queries::MovementRecord,
        country: Option<CountryCode>,
    ) -> Result<Option<RiskView>, ApiError> {
        let Some(assessment) = &record.risk else {
            return Ok(None);
        };
        let rules = self.rules_of_version(assessment.rules_version).await?;
        let mut view = RiskView::of(assessment, country, &rules);
        if let Some(country) = country {
            let set = self
                .store
                .lane_override(record.movement.mrn.as_str(), country.as_str())
                .await
                .map_err(unavailable)?;
            if let Some(set) = set {
                let lane = |name: &str| serde_json::from_value(serde_json::Value::from(name)).ok();
                if let (Some(lane), Some(scored_lane)) = (lane(&set.lane), lane(&set.scored_lane)) {
                    view.lane = lane;
                    view.overridden = Some(LaneOverrideView {
                        scored_lane,
                        reason: set.reason,
                        by: set.by_user,
                        at: set.at,
                    });
                }
            }
        }
        Ok(Some(view))
    }

    /// Checks `new`, compares it with `old` (the rules of `latest`) and, if anything changed,
    /// keeps it as the next reference data version, audited as `action`.
    #[allow(clippy::too_many_arguments)]
    async fn import_set(
        &self,
        who: &Principal,
        latest: &ReferenceVersion,
        old: &RuleSet,
        new: RuleSet,
        note: &str,
        remote: &str,
        action: &str,
    ) -> Result<ImportOutcome, ApiError> {
        let audit = |outcome: &'static str, detail: String| {
            self.audit(
                Some(&who.username),
                action,
                Some("risk rules"),
                outcome,
                remote,
                Some(detail),
            )
        };
        if let Err(err) = check_rules(&new, latest.version + 1) {
            audit("refused", err.reason.clone()).await?;
            return Err(err);
        }
        let changes = diff::changes(old, &new);
        if changes.is_empty() {
            return Ok(ImportOutcome {
                version: latest.version,
                imported: false,
                changes,
            });
        }
        let mut document = latest.document.clone();
        let json = serde_json::to_value(&new)
            .map_err(|e| ApiError::unavailable(format!("the rules cannot be written: {e}")))?;
        document.0.insert(OPTIONAL_FILES[0].to_owned(), json);
        let imported = self
            .store
            .reference()
            .import(
                latest.version,
                &document,
                &who.username,
                note,
                &self.topics.reference(),
                Utc::now(),
            )
            .await
            .map_err(unavailable)?;
        let version = match imported {
            Imported::Version(version) => version,
            Imported::Stale { latest } => {
                return Err(ApiError::conflict(
                    "/basedOn",
                    format!("version {latest} was imported while this change was checked"),
                    "read the rules again and retry",
                ))
            }
        };
        audit(
            "imported",
            format!("version {version}: {}", changes.join("; ")),
        )
        .await?;
        Ok(ImportOutcome {
            version,
            imported: true,
            changes,
        })
    }

    async fn audit_rules(
        &self,
        who: &Principal,
        outcome: &str,
        remote: &str,
        detail: String,
    ) -> Result<(), ApiError> {
        self.audit(
            Some(&who.username),
            "risk rules import",
            Some("risk rules"),
            outcome,
            remote,
            Some(detail),
        )
        .await
    }
}

impl RiskPort for ApiService {
    async fn risk_rules(&self, who: Principal) -> Result<RulesView, ApiError> {
        let viewer = scope(&who)?;
        let latest = self.latest_reference().await?;
        let (rules, hidden) = rules_of(&latest)?.readable_by(viewer);
        Ok(RulesView {
            version: latest.version,
            rules,
            hidden: hidden
                .into_iter()
                .map(|(owner, count)| HiddenRules {
                    owner: owner.to_string(),
                    count,
                })
                .collect(),
        })
    }

    async fn import_risk_rules(
        &self,
        who: Principal,
        request: RulesImport,
        remote: String,
    ) -> Result<ImportOutcome, ApiError> {
        self.requested(&who, "risk rules import", Some("risk rules"), &remote)
            .await?;
        let viewer = scope(&who)?;
        let latest = self.latest_reference().await?;
        if latest.version != request.based_on {
            self.audit_rules(
                &who,
                "stale",
                &remote,
                format!(
                    "based on version {}, latest {}",
                    request.based_on, latest.version
                ),
            )
            .await?;
            return Err(ApiError::conflict(
                "/basedOn",
                format!("the rules were read from version {} but version {} was imported since", request.based_on, latest.version),
                "run sigmat rules diff again to see the latest rules, merge your change, and import again",
            ));
        }
        let old = rules_of(&latest)?;
        let new = old.with_unreadable_of(request.rules, viewer);
        if let Some(country) = viewer {
            if let Some(foreign) = diff::foreign_change(&old, &new, country) {
                self.audit_rules(&who, "refused", &remote, foreign.clone())
                    .await?;
                return Err(ApiError::denied(
                    format!("{} operates {country}: {foreign}", who.username),
                    format!("change only rules owned by {country}; ask the region's operators (a hub operator) for the others"),
                ));
            }
        }
        self.import_set(
            &who,
            &latest,
            &old,
            new,
            &request.note,
            &remote,
            "risk rules import",
        )
        .await
    }

    async fn silence_rule(
        &self,
        who: Principal,
        request: SilenceRequest,
        remote: String,
    ) -> Result<ImportOutcome, ApiError> {
        self.requested(&who, "risk rule silence", Some(&request.rule), &remote)
            .await?;
        let viewer = scope(&who)?;
        let country = country_of_request(&who, viewer, request.country.as_deref())?;
        if request.reason.trim().is_empty() {
            return Err(ApiError::invalid(
                "/reason",
                "say why (the history and the audit log keep it)",
            ));
        }
        let latest = self.latest_reference().await?;
        let old = rules_of(&latest)?;
        let (readable, _) = old.readable_by(viewer);
        if !readable.rules.iter().any(|r| r.id == request.rule) {
            return Err(ApiError::invalid(
                "/rule",
                format!("there is no rule {:?} you may read", request.rule),
            )
            .with_hint("see the rules with GET /api/v1/risk/rules (sigmat rules show)"));
        }
        let mut new = old.clone();
        new.silences
            .retain(|s| !(s.rule == request.rule && s.country == country));
        if !request.lift {
            new.silences.push(transit_risk::Silence {
                rule: request.rule.clone(),
                country,
                reason: request.reason.trim().to_owned(),
                by: who.username.clone(),
                at: Utc::now(),
            });
        }
        let note = format!(
            "{} {} at {country}'s offices: {}",
            if request.lift {
                "lifted the silence of"
            } else {
                "silenced"
            },
            request.rule,
            request.reason.trim()
        );
        self.import_set(
            &who,
            &latest,
            &old,
            new,
            &note,
            &remote,
            "risk rule silence",
        )
        .await
    }

    async fn anomalies(
        &self,
        who: Principal,
        query: AnomalyQuery,
    ) -> Result<AnomaliesView, ApiError> {
        let viewer = scope(&who)?;
        let mine = |office: &str| viewer.is_none_or(|c| office.starts_with(c.as_str()));
        let bounded = |value: Option<i64>, default: i64, pointer: &str, max: i64| match value {
            None => Ok(default),
            Some(v) if (0..=max).contains(&v) => Ok(v),
            Some(v) => Err(ApiError::bad_request(
                pointer,
                format!("{v} is not between 0 and {max}"),
            )),
        };
        let silence = bounded(query.silence_minutes, 360, "/query/silenceMinutes", 10_080)?;
        let burst = bounded(query.burst, 10, "/query/burst", 100_000)?.max(1);
        let within = bounded(query.within_minutes, 10, "/query/withinMinutes", 1_440)?.max(1);
        let now = Utc::now();

        let legs = self.store.leg_times().await.map_err(unavailable)?;
        let overdue_on_leg = self
            .store
            .stalest_en_route(ANOMALY_SCAN)
            .await
            .map_err(unavailable)?
            .iter()
            .filter(|m| m.countries().iter().any(|c| viewer.is_none_or(|v| v == *c)))
            .filter_map(|m| {
                transit_risk::facts::overdue_on_leg(m, &legs, MIN_LEG_TRIPS, now).map(
                    |(from, to, hours, p90_hours)| LegOverdueView {
                        mrn: m.mrn.to_string(),
                        from,
                        to,
                        hours,
                        p90_hours,
                    },
                )
            })
            .collect();

        let red = self
            .store
            .red_movements(ANOMALY_SCAN)
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|r| mine(&r.departure_office) || mine(&r.destination_office))
            .filter_map(|r| {
                let verdict = r.risk.0.verdict(viewer);
                (verdict.lane == transit_risk::Lane::Red).then(|| RedView {
                    rules: verdict.reasons.iter().map(|f| f.rule.clone()).collect(),
                    raised_by: verdict.raised_by.iter().map(ToString::to_string).collect(),
                    mrn: r.mrn,
                    departure_office: r.departure_office,
                    destination_office: r.destination_office,
                    state: r.state,
                    updated_at: r.updated_at,
                })
            })
            .take(100)
            .collect();

        let offices = self
            .store
            .diversions(now - chrono::Duration::days(7))
            .await
            .map_err(unavailable)?;
        let (all, diverted): (i64, i64) = offices
            .iter()
            .fold((0, 0), |(a, d), o| (a + o.movements, d + o.diverted));
        let network_rate = if all > 0 {
            diverted as f64 / all as f64
        } else {
            0.0
        };
        let diversion_rates = offices
            .into_iter()
            .filter(|o| mine(&o.office))
            .filter(|o| o.diverted >= MIN_DIVERSIONS && o.movements > 0)
            .map(|o| DiversionRateView {
                rate: o.diverted as f64 / o.movements as f64,
                network_rate,
                office: o.office,
                movements: o.movements,
                diverted: o.diverted,
            })
            .filter(|o| o.rate > 2.0 * o.network_rate)
            .collect();

        let bursts = self
            .store
            .bursts(now - chrono::Duration::hours(24), silence, within, burst)
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|b| mine(&b.office))
            .map(|b| BurstView {
                office: b.office,
                at: b.at,
                silence_hours: b.silence_hours,
                messages: b.messages,
            })
            .collect();
        Ok(AnomaliesView {
            overdue_on_leg,
            red,
            diversion_rates,
            bursts,
        })
    }

    async fn override_lane(
        &self,
        who: Principal,
        mrn: String,
        request: LaneOverride,
        remote: String,
    ) -> Result<RiskView, ApiError> {
        self.requested(&who, "override lane", Some(&mrn), &remote)
            .await?;
        let viewer = scope(&who)?;
        let country = country_of_request(&who, viewer, request.country.as_deref())?;
        let mrn = crate::service::parse_mrn(&mrn)?;
        let record = self.stored_movement(&mrn).await?;
        if !crate::auth::may_see(&who, &record.movement) {
            return Err(crate::service::not_found(&mrn));
        }
        if request.reason.trim().is_empty() {
            return Err(ApiError::invalid(
                "/reason",
                "say why (the officers read it; the audit log keeps it)",
            ));
        }
        let scored = record
            .risk
            .as_ref()
            .map_or(transit_risk::Lane::Green, |r| r.verdict(Some(country)).lane);
        let row = transit_store::api::risk::LaneOverrideRow {
            mrn: mrn.to_string(),
            country: country.to_string(),
            lane: request.lane.as_str().to_owned(),
            scored_lane: scored.as_str().to_owned(),
            reason: request.reason.trim().to_owned(),
            by_user: who.username.clone(),
            at: Utc::now(),
        };
        self.store.override_lane(&row).await.map_err(unavailable)?;
        self.audit(
            Some(&who.username),
            "override lane",
            Some(mrn.as_str()),
            "ok",
            &remote,
            Some(format!(
                "{} at {country}'s offices (scored {}): {}",
                request.lane.as_str(),
                scored.as_str(),
                row.reason
            )),
        )
        .await?;
        let record = self.stored_movement(&mrn).await?;
        self.risk_at(&record, Some(country))
            .await?
            .ok_or_else(|| ApiError::unavailable("the movement has not been scored yet; try again"))
    }

    async fn risk_figures(&self, who: Principal) -> Result<Vec<RuleFigures>, ApiError> {
        let viewer = scope(&who)?;
        let latest = self.latest_reference().await?;
        let (readable, _) = rules_of(&latest)?.readable_by(viewer);
        let private_elsewhere = |rule: &str, owner: &str| {
            !readable
                .rules
                .iter()
                .any(|r| r.id == rule && r.owner.to_string() == owner)
                && owner != Owner::Region.to_string()
                && viewer.map(|v| v.as_str() != owner).unwrap_or(true)
        };
        let rows = self.store.risk_figures().await.map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .filter(|r| !private_elsewhere(&r.rule, &r.owner))
            .map(|r| RuleFigures {
                hit_rate: (r.controlled > 0).then(|| r.found as f64 / r.controlled as f64),
                rule: r.rule,
                owner: r.owner,
                fired: r.fired,
                controlled: r.controlled,
                found: r.found,
            })
            .collect())
    }
}
