//! The reference data in the API: the version in force (for the maps, forms and searches it
//! serves), followed from the reference topic while the API runs; and the operators' routes to
//! read the latest version and import the next one — checked, compared with the latest, kept
//! with its outbox record in one transaction (the tracker's relay publishes it to every
//! service), and audited.

use std::sync::Arc;

use chrono::Utc;
use transit_http::api_views::Principal;
use transit_http::reference::{ImportOutcome, ImportRequest};
use transit_http::{ApiError, ReferencePort};
use transit_model::reference::{
    diff, mappings, Loaded, ReferenceData, ReferenceDocument, ReferenceVersion,
};
use transit_model::ModelError;
use transit_store::api::ApiStore;
use transit_store::reference::Imported;

use crate::answers::unavailable;
use crate::service::ApiService;

/// The most change lines an audit entry names (an ISO list replaced whole has hundreds).
const AUDITED_CHANGES: usize = 40;

/// The network's latest version, or until the first tracker has seeded it, the data published
/// with this version of sigmat (version 0).
pub(crate) async fn in_force_at_start(store: &ApiStore) -> Loaded {
    match store.reference().latest().await {
        Ok(Some(latest)) => {
            let version = latest.version;
            latest.load().unwrap_or_else(|err| {
                tracing::error!(version, error = %err, "the latest reference data cannot be used; serving the built-in data until a corrected version is imported");
                Loaded::builtin(Utc::now())
            })
        }
        Ok(None) => Loaded::builtin(Utc::now()),
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the reference data; serving the built-in data until the reference topic brings the network's");
            Loaded::builtin(Utc::now())
        }
    }
}

/// Offices (with coordinates) and corridors, as `GET /api/v1/reference` serves them.
pub(crate) fn public_json(document: &ReferenceDocument) -> serde_json::Value {
    let list = |path: &str, key: &str| {
        document
            .0
            .get(path)
            .and_then(|file| file.get(key))
            .cloned()
            .unwrap_or_default()
    };
    serde_json::json!({
        "offices": list("reference/offices.json", "offices"),
        "corridors": list("reference/corridors.json", "corridors"),
    })
}

/// Where in an import request a refused document is wrong: the file the error is about.
fn pointer(err: &ModelError) -> String {
    let file = match err.what {
        "office" => "reference/offices.json",
        "corridor" => "reference/corridors.json",
        "guarantee cover" => "reference/guarantee-cover.json",
        _ => err.value.as_str(),
    };
    format!("/document/{}", file.replace('~', "~0").replace('/', "~1"))
}

fn hub_operator(who: &Principal) -> Result<(), ApiError> {
    crate::auth::require_operator(who)?;
    match &who.country {
        None => Ok(()),
        Some(country) => Err(ApiError::denied(
            format!(
                "{} operates {country} only; the reference data is the whole network's",
                who.username
            ),
            "ask a hub operator (an operator of every country) to import it",
        )),
    }
}

impl ApiService {
    /// Offices, corridors and code lists of the version in force.
    pub(crate) fn reference_data(&self) -> Arc<ReferenceData> {
        self.reference.borrow().data.clone()
    }

    /// The rules an officer's action is checked under before it is published: the tracker's
    /// default rules with the reference data in force, so that an action at an office imported
    /// at runtime is not refused here while the hub would take it.
    pub(crate) fn rules_in_force(&self) -> transit_lifecycle::Rules {
        let loaded = self.reference.borrow().clone();
        transit_lifecycle::Rules {
            reference: transit_lifecycle::SharedReference(loaded.data.clone()),
            guarantee_cover: loaded.cover.clone(),
            agreements: loaded.agreements.clone(),
            ..transit_lifecycle::Rules::default()
        }
    }

    async fn audit_import(
        &self,
        who: &Principal,
        outcome: &str,
        remote: &str,
        detail: String,
    ) -> Result<(), ApiError> {
        self.audit(
            Some(&who.username),
            "reference import",
            Some("reference data"),
            outcome,
            remote,
            Some(detail),
        )
        .await
    }

    pub(crate) async fn latest_reference(&self) -> Result<ReferenceVersion, ApiError> {
        self.store
            .reference()
            .latest()
            .await
            .map_err(unavailable)?
            .ok_or_else(|| {
                ApiError::unavailable(
                    "the network has no reference data yet: the first tracker seeds it when it starts",
                )
            })
    }
}

impl ReferencePort for ApiService {
    async fn reference_document(&self, who: Principal) -> Result<ReferenceVersion, ApiError> {
        hub_operator(&who)?;
        self.latest_reference().await
    }

    async fn import_reference(
        &self,
        who: Principal,
        request: ImportRequest,
        remote: String,
    ) -> Result<ImportOutcome, ApiError> {
        self.requested(&who, "reference import", Some("reference data"), &remote)
            .await?;
        hub_operator(&who)?;
        if let Err(err) = request.document.check() {
            self.audit_import(&who, "refused", &remote, err.to_string())
                .await?;
            return Err(ApiError::invalid_reference(&pointer(&err), err.to_string()));
        }
        let latest = self.latest_reference().await?;
        let stale = |latest: i64| {
            ApiError::conflict(
                "/basedOn",
                format!(
                    "the import was prepared from version {} but version {latest} was imported since",
                    request.based_on
                ),
                "run sigmat reference diff again to see the latest version's changes, merge yours, and import again",
            )
        };
        if latest.version != request.based_on {
            self.audit_import(
                &who,
                "stale",
                &remote,
                format!(
                    "based on version {}, latest {}",
                    request.based_on, latest.version
                ),
            )
            .await?;
            return Err(stale(latest.version));
        }
        // The risk rules are imported with `sigmat rules`: a document without them keeps the
        // latest's, and one with them has them checked and compared like the rest.
        let mut document = request.document;
        let rules_file = transit_model::reference::document::OPTIONAL_FILES[0];
        let mut rule_changes = Vec::new();
        match (document.risk_rules().cloned(), latest.document.risk_rules()) {
            (None, Some(kept)) => {
                document.0.insert(rules_file.to_owned(), kept.clone());
            }
            (Some(json), _) => {
                let rules = transit_risk::RuleSet::from_json(&json)
                    .map_err(|e| ApiError::invalid("/document/risk~1rules.json", e.to_string()))?;
                crate::risk::check_rules(&rules, latest.version + 1)?;
                rule_changes =
                    transit_risk::diff::changes(&crate::risk::rules_of(&latest)?, &rules);
            }
            (None, None) => {}
        }
        let telematics_changes = telematics_files(&mut document, &latest.document)?;
        let mapping_changes = match mapping_files(&mut document, &latest.document) {
            Ok(changes) => changes,
            Err(err) => {
                self.audit_import(&who, "refused", &remote, err.reason.clone())
                    .await?;
                return Err(err);
            }
        };
        // The agreements likewise: a document without them keeps the latest's (an import of
        // offices must not undo an agreement imported with `sigmat agreements import`).
        let agreements = transit_model::reference::document::AGREEMENTS_FILE;
        if document.file(agreements).is_none() {
            if let Some(kept) = latest.document.file(agreements) {
                document.0.insert(agreements.to_owned(), kept.clone());
            }
        }
        // Checked again with what was kept from the version in force (an office of a country
        // whose table was kept must have its code there).
        let new = match document.check() {
            Ok(new) => new,
            Err(err) => {
                self.audit_import(&who, "refused", &remote, err.to_string())
                    .await?;
                return Err(ApiError::invalid_reference(&pointer(&err), err.to_string()));
            }
        };
        let mut changes = match latest.document.check() {
            Ok(old) => diff::changes(&old, &new),
            Err(err) => vec![format!(
                "~ every file (version {} cannot be read any more: {err})",
                latest.version
            )],
        };
        changes.extend(rule_changes);
        changes.extend(telematics_changes);
        changes.extend(mapping_changes);
        if changes.is_empty() {
            return Ok(ImportOutcome {
                version: latest.version,
                imported: false,
                changes,
            });
        }
        let imported = self
            .store
            .reference()
            .import(
                request.based_on,
                &document,
                &who.username,
                &crate::answers::note(&request.note)?,
                &self.topics.reference(),
                Utc::now(),
            )
            .await
            .map_err(unavailable)?;
        let version = match imported {
            Imported::Version(version) => version,
            Imported::Stale { latest } => return Err(stale(latest)),
        };
        let mut detail = format!(
            "version {version} ({} changes): {}",
            changes.len(),
            changes
                .iter()
                .take(AUDITED_CHANGES)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
        if changes.len() > AUDITED_CHANGES {
            detail.push_str(&format!(
                "; … and {} more (sigmat reference diff)",
                changes.len() - AUDITED_CHANGES
            ));
        }
        self.audit_import(&who, "imported", &remote, detail).await?;
        Ok(ImportOutcome {
            version,
            imported: true,
            changes,
        })
    }
}

/// The telematics geography and rules of an import: absent, the latest's are kept; present,
/// each is checked (`transit-telematics` reads it) and a change is named.
fn telematics_files(
    document: &mut ReferenceDocument,
    latest: &ReferenceDocument,
) -> Result<Vec<String>, ApiError> {
    use transit_model::reference::document::TELEMATICS_FILES;
    let mut changes = Vec::new();
    for path in TELEMATICS_FILES {
        match (document.file(path).cloned(), latest.file(path)) {
            (None, Some(kept)) => {
                document.0.insert(path.to_owned(), kept.clone());
            }
            (Some(json), kept) => {
                let checked = if path == transit_telematics::GEOGRAPHY_FILE {
                    transit_telematics::Geography::parse(&json).map(|_| ())
                } else {
                    transit_telematics::TelematicsRules::parse(&json).map(|_| ())
                };
                checked.map_err(|e| {
                    ApiError::invalid(
                        &format!("/document/{}", path.replace('/', "~1")),
                        e.to_string(),
                    )
                })?;
                if kept != Some(&json) {
                    changes.push(format!("~ {path} (docs/telematics.md)"));
                }
            }
            (None, None) => {}
        }
    }
    Ok(changes)
}

/// The national mapping tables: a country's table left out of the import keeps the one in force
/// (the published one if the version in force has none);
/// each given one must be a table its adapter can translate with (`transit-national`), and its
/// coverage of the country's offices is checked with the rest of the document.
fn mapping_files(
    document: &mut ReferenceDocument,
    latest: &ReferenceDocument,
) -> Result<Vec<String>, ApiError> {
    *document = document.with_mappings_in_force(latest);
    for (country, table) in document.mappings() {
        transit_national::Mapping::from_value(table).map_err(|e| {
            ApiError::invalid(
                &format!(
                    "/document/{}",
                    mappings::path_of(country).replace('/', "~1")
                ),
                e.to_string(),
            )
        })?;
    }
    Ok(mappings::changes(
        &latest.with_mappings_in_force(latest),
        document,
    ))
}
