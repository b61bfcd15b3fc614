//! # national-sydam — SYDAM World style JSON ↔ standardized messages
//!
//! The format is a documented stand-in (SYDAM World's real REST interface is not public): a
//! JSON document with a header (`entete`) and one section per message type, French field
//! names (`bureauDepart`, `delaiAcheminement`, `garantie`…) and local code values (office
//! `CIAB1`, package `SAC`, mode `ROUTE`, currency `FCFA`) mapped by the country's tables.
//! See `schemas/national/sydam/README.md`, its JSON Schema and one example per type.
//!
//! - [`document`]: the JSON document, field for field.
//! - `parse`: bytes → document, each malformed-input class told apart, JSON pointers.
//! - `read` / `write`: document → standardized message, and back; `types`: the type names;
//! - `declaration`: the declaration section both ways, shared by releases and granted records.
//! - `office`: the office-to-office sections (record requests and answers, status, enquiry,
//!   recovery), both ways.
//! - `train`: rail — the confirmation for a whole train, its own document, both ways.
//! - [`FIELDS`]: which SYDAM field fills which standardized element.
//!
//! Pure: no I/O, no clock.

mod declaration;
pub mod document;
mod fields;
mod office;
mod parse;
mod read;
mod train;
mod types;
mod write;

use transit_model::StandardMessage;
use transit_national::{
    Acceptance, Family, FieldMapping, Mapping, Refusal, TranslateError, Translated, Translator,
};

pub use fields::FIELDS;
pub use parse::parse;
pub use types::TYPES;

/// The SYDAM translator of one country.
#[derive(Clone, Debug)]
pub struct Sydam {
    mapping: Mapping,
}

impl Sydam {
    /// A translator using `mapping`'s code tables.
    pub fn new(mapping: Mapping) -> Self {
        Self { mapping }
    }
}

fn pretty(value: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

impl Translator for Sydam {
    fn family(&self) -> Family {
        Family::Sydam
    }

    fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    fn media_type(&self) -> &'static str {
        "application/json"
    }

    fn exchanged(&self) -> Vec<transit_model::MessageType> {
        TYPES.iter().map(|(_, t)| *t).collect()
    }

    fn translate(&self, national: &[u8]) -> Result<Translated, TranslateError> {
        read::to_standard(parse(national)?, &self.mapping)
    }

    fn to_national(&self, message: &StandardMessage) -> Result<Vec<u8>, TranslateError> {
        let doc = write::to_document(message, &self.mapping)?;
        let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
        out.push(b'\n');
        Ok(out)
    }

    fn train_to_standard(
        &self,
        national: &[u8],
    ) -> Option<Result<transit_national::TranslatedTrain, TranslateError>> {
        train::to_standard(national, &self.mapping)
    }

    fn train_to_national(
        &self,
        confirmation: &transit_rail::TrainConfirmation,
    ) -> Result<Vec<u8>, TranslateError> {
        Ok(train::to_national(confirmation, &self.mapping))
    }

    fn train_acceptance(&self, reference: &str, id: transit_model::MessageId) -> Vec<u8> {
        pretty(&train::acceptance(reference, id))
    }

    fn reference_of(&self, national: &[u8]) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(national).ok()?;
        value
            .pointer("/entete/numeroMessage")
            .or_else(|| value.pointer("/confirmationTrain/numeroMessage"))?
            .as_str()
            .map(str::to_owned)
    }

    fn acceptance(&self, a: &Acceptance) -> Vec<u8> {
        pretty(&serde_json::json!({
            "statut": "ACCEPTE",
            "numeroMessage": a.reference,
            "identifiantHub": a.message_id.as_uuid().to_string(),
            "typeMessage": a.message_type.code(),
            "numeroMRN": a.mrn,
        }))
    }

    fn refusal(&self, r: &Refusal) -> Vec<u8> {
        pretty(&serde_json::json!({
            "statut": "REJETE",
            "numeroMessage": r.reference,
            "erreur": {
                "classe": r.class,
                "codeNCTS": r.ncts_code,
                "emplacement": r.place,
                "motif": r.reason,
                "action": r.hint,
            }
        }))
    }

    fn field_map(&self) -> &'static [FieldMapping] {
        FIELDS
    }

    fn sender_place(&self) -> &'static str {
        "/entete/emetteur"
    }
}
