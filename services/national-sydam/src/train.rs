//! Rail: SYDAM's confirmation for a whole train, its own document (no `entete`: it concerns no
//! single MRN):
//!
//! ```json
//! { "confirmationTrain": { "numeroMessage": "SYD-CIOU1-2026-TR-000017",
//!     "dateMessage": "2026-11-27T06:41:00Z", "bureau": "CIOU1", "numeroTrain": "T412",
//!     "etape": "PASSAGE", "dateConstat": "2026-11-27T06:40:00Z",
//!     "wagonsPresents": ["CI-SR-31801"], "wagonsManquants": ["BF-SR-20455"] } }
//! ```

use serde::{Deserialize, Serialize};
use transit_model::MessageId;
use transit_national::train::{stage, stage_word, TrainFields, FRENCH_STAGES};
use transit_national::values::{date_time, format_date_time};
use transit_national::{national_reference, ErrorClass, Mapping, TranslateError, TranslatedTrain};
use transit_rail::TrainConfirmation;

/// What marks a document as a train confirmation.
const MARK: &[u8] = b"\"confirmationTrain\"";

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Document {
    confirmation_train: Confirmation,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Confirmation {
    numero_message: String,
    date_message: String,
    bureau: String,
    numero_train: String,
    etape: String,
    date_constat: String,
    #[serde(default)]
    wagons_presents: Vec<String>,
    #[serde(default)]
    wagons_manquants: Vec<String>,
}

/// The train confirmation in `national`, or `None` when it is not one.
pub(crate) fn to_standard(
    national: &[u8],
    mapping: &Mapping,
) -> Option<Result<TranslatedTrain, TranslateError>> {
    if !national.windows(MARK.len()).any(|w| w == MARK) {
        return None;
    }
    Some(read(national, mapping))
}

fn read(national: &[u8], mapping: &Mapping) -> Result<TranslatedTrain, TranslateError> {
    let doc: Document = serde_json::from_slice(national).map_err(|e| {
        TranslateError::new(
            ErrorClass::Syntax,
            format!("line {}, column {}", e.line(), e.column()),
            format!("not a SYDAM train confirmation: {e}"),
        )
    })?;
    let c = &doc.confirmation_train;
    let at = "/confirmationTrain";
    TrainFields {
        reference: &c.numero_message,
        office: mapping.office(c.bureau.trim(), format!("{at}/bureau"))?,
        train: &c.numero_train,
        stage: stage(&c.etape, FRENCH_STAGES, format!("{at}/etape"))?,
        at: date_time(&c.date_constat, format!("{at}/dateConstat"))?,
        present: c.wagons_presents.clone(),
        missing: c.wagons_manquants.clone(),
    }
    .translate(mapping, at)
}

/// `confirmation` as SYDAM writes it.
pub(crate) fn to_national(confirmation: &TrainConfirmation, mapping: &Mapping) -> Vec<u8> {
    let doc = Document {
        confirmation_train: Confirmation {
            numero_message: national_reference(confirmation.confirmation_id),
            date_message: format_date_time(confirmation.at),
            bureau: mapping.national_office(&confirmation.office),
            numero_train: confirmation.train.clone(),
            etape: stage_word(confirmation.stage, FRENCH_STAGES).to_owned(),
            date_constat: format_date_time(confirmation.at),
            wagons_presents: confirmation.wagons_present.clone(),
            wagons_manquants: confirmation.wagons_missing.clone(),
        },
    };
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The acknowledgement of an accepted train confirmation.
pub(crate) fn acceptance(reference: &str, id: MessageId) -> serde_json::Value {
    serde_json::json!({
        "statut": "ACCEPTE",
        "numeroMessage": reference,
        "identifiantHub": id.as_uuid().to_string(),
        "typeMessage": "CONFIRMATION_TRAIN",
    })
}
