//! A movement's risk as its reader sees it — the lane at the reader's offices, with the reasons
//! read from the rules of the version that scored it — and the lane an operator sets there
//! over the one scored (audited).

use chrono::Utc;
use transit_http::api_views::Principal;
use transit_http::risk::LaneOverride;
use transit_http::views::{LaneOverrideView, RiskView};
use transit_http::ApiError;
use transit_model::CountryCode;
use transit_risk::RuleSet;

use super::{country_of_request, rules_of};
use crate::answers::unavailable;
use crate::auth::operator_scope;
use crate::service::ApiService;

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

    /// Sets `mrn`'s lane at a country's offices over the one scored, audited.
    pub(super) async fn set_lane(
        &self,
        who: Principal,
        mrn: String,
        request: LaneOverride,
        remote: String,
    ) -> Result<RiskView, ApiError> {
        self.requested(&who, "override lane", Some(&mrn), &remote)
            .await?;
        let viewer = operator_scope(&who)?;
        let country = country_of_request(&who, viewer, request.country.as_deref())?;
        let mrn = crate::answers::parse_mrn(&mrn)?;
        let record = self.stored_movement(&mrn).await?;
        if !crate::auth::may_see(&who, &record.movement) {
            return Err(crate::answers::not_found(&mrn));
        }
        let reason = crate::answers::one_line(
            "/reason",
            &request.reason,
            300,
            "say why (the officers read it; the audit log keeps it)",
        )?;
        let scored = record
            .risk
            .as_ref()
            .map_or(transit_risk::Lane::Green, |r| r.verdict(Some(country)).lane);
        let row = transit_store::api::risk::LaneOverrideRow {
            mrn: mrn.clone(),
            country: country.to_string(),
            lane: request.lane.as_str().to_owned(),
            scored_lane: scored.as_str().to_owned(),
            reason,
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
}
