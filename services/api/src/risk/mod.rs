//! Risk rules in the API: reading the rules in force as the caller may (other countries'
//! private rules hidden), importing changed rules — a country's operator changes only its own
//! rules, a hub operator any — as the next reference data version, checked, compared, kept with
//! its outbox record and audited; a rule silenced at a country's offices; a movement's lane set
//! by an operator over the one scored (audited, shown to the officers; `lanes`, with the
//! movement's risk as its reader sees it); the network's anomalies (`anomalies`); and each
//! rule's figures (hit rates).

use chrono::Utc;
use transit_http::api_views::Principal;
use transit_http::reference::ImportOutcome;
use transit_http::risk::{
    AnomaliesView, AnomalyQuery, HiddenRules, LaneOverride, RuleFigures, RulesImport, RulesView,
    SilenceRequest,
};
use transit_http::views::RiskView;
use transit_http::{ApiError, RiskPort};
use transit_model::reference::document::OPTIONAL_FILES;
use transit_model::reference::ReferenceVersion;
use transit_model::CountryCode;
use transit_risk::{diff, Owner, RuleBook, RuleSet};
use transit_store::reference::Imported;

use crate::answers::unavailable;
use crate::auth::operator_scope;
use crate::service::ApiService;

mod anomalies;
mod lanes;

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
pub(super) fn country_of_request(
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

impl ApiService {
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
        let viewer = operator_scope(&who)?;
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
        let viewer = operator_scope(&who)?;
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
            &crate::answers::note(&request.note)?,
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
        let viewer = operator_scope(&who)?;
        let country = country_of_request(&who, viewer, request.country.as_deref())?;
        let reason = crate::answers::one_line(
            "/reason",
            &request.reason,
            300,
            "say why (the history and the audit log keep it)",
        )?;
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
                reason: reason.clone(),
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
            reason
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
        self.anomalies_for(who, query).await
    }

    async fn override_lane(
        &self,
        who: Principal,
        mrn: String,
        request: LaneOverride,
        remote: String,
    ) -> Result<RiskView, ApiError> {
        self.set_lane(who, mrn, request, remote).await
    }

    async fn risk_figures(&self, who: Principal) -> Result<Vec<RuleFigures>, ApiError> {
        let viewer = operator_scope(&who)?;
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
