//! # national-gainde — GAINDE style UN/EDIFACT ↔ standardized messages
//!
//! The format is a documented stand-in (GAINDE's real EDIFACT interface is not public): one
//! CUSDEC-like message per interchange (`UNA`, `UNB … UNZ`, `UNH … UNT`), with BGM (document
//! code and reference), DTM, RFF, NAD, LOC, TDT, MEA, MOA, EQD/SEL, GIS, FTX and goods items
//! opened by CST. Service string advice, release character and segment terminators are
//! honoured exactly; UNOW (UTF-8), UNOC (Latin-1) and UNOA/UNOB (ASCII) are read. See
//! `schemas/national/gainde/README.md` for the segment table and one example per type.
//!
//! - [`syntax`]: bytes ↔ segments (delimiters, escaping, counts, character sets).
//! - `view`: finding segments by tag and qualifier, duplicates and absences named.
//! - `read` / `write`: segments ↔ standardized message, per message type; `office`: the
//!   office-to-office messages (record requests and answers, status, enquiry, recovery).
//! - `declaration`: the declaration's segments both ways, shared by releases and granted
//!   records; `segments`: single segments both ways (dates, flags, offices, means of
//!   transport, free text) and the element builders.
//! - `train`: rail — the confirmation for a whole train (document code `TRN`), both ways.
//! - [`FIELDS`]: which segment and element fills which standardized element.
//!
//! Pure: no I/O, no clock.

mod declaration;
mod fields;
mod office;
mod read;
mod segments;
pub mod syntax;
mod train;
mod types;
mod view;
mod write;

use transit_model::StandardMessage;
use transit_national::{
    Acceptance, Family, FieldMapping, Mapping, Refusal, TranslateError, Translated, Translator,
};

pub use fields::FIELDS;
pub use types::TYPES;

use syntax::{Interchange, Segment};

/// The GAINDE translator of one country.
#[derive(Clone, Debug)]
pub struct Gainde {
    mapping: Mapping,
}

impl Gainde {
    /// A translator using `mapping`'s code tables.
    pub fn new(mapping: Mapping) -> Self {
        Self { mapping }
    }

    fn answer(&self, reference: &str, segments: Vec<Segment<'static>>) -> Vec<u8> {
        let now = "20000101000000";
        syntax::write(
            &Interchange {
                syntax: "UNOW".into(),
                sender: "HUB".into(),
                recipient: "GAINDE".into(),
                control: if reference.is_empty() {
                    "ANSWER".into()
                } else {
                    reference.chars().take(14).collect()
                },
                message_type: "APERAK".into(),
                segments,
            },
            now,
        )
    }
}

fn one(value: &str) -> Vec<String> {
    vec![value.to_owned()]
}

impl Translator for Gainde {
    fn family(&self) -> Family {
        Family::Gainde
    }

    fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    fn media_type(&self) -> &'static str {
        "application/EDIFACT"
    }

    fn exchanged(&self) -> Vec<transit_model::MessageType> {
        TYPES.iter().map(|(_, t)| *t).collect()
    }

    fn translate(&self, national: &[u8]) -> Result<Translated, TranslateError> {
        let interchange = syntax::parse(national)?;
        read::message(&interchange, &self.mapping)
    }

    fn to_national(&self, message: &StandardMessage) -> Result<Vec<u8>, TranslateError> {
        let (interchange, prepared) = write::message(message, &self.mapping)?;
        Ok(syntax::write(&interchange, &prepared))
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
        self.answer(reference, train::acceptance(reference, id))
    }

    fn reference_of(&self, national: &[u8]) -> Option<String> {
        let interchange = syntax::parse(national).ok()?;
        let bgm = interchange.segments.iter().find(|s| s.tag == "BGM")?;
        bgm.component(1, 0).map(str::to_owned)
    }

    fn acceptance(&self, a: &Acceptance) -> Vec<u8> {
        self.answer(
            &a.reference,
            vec![
                Segment::new("BGM", vec![one("313"), one(&a.reference), one("29")]),
                Segment::new(
                    "RFF",
                    vec![vec!["ACW".into(), a.message_id.as_uuid().to_string()]],
                ),
                Segment::new("RFF", vec![vec!["ABT".into(), a.mrn.to_string()]]),
                Segment::new("DOC", vec![one(a.message_type.code())]),
            ],
        )
    }

    fn refusal(&self, r: &Refusal) -> Vec<u8> {
        let reference = r.reference.clone().unwrap_or_default();
        let code = r
            .ncts_code
            .map(|c| c.to_string())
            .unwrap_or_else(|| r.class.clone());
        self.answer(
            &reference,
            vec![
                Segment::new("BGM", vec![one("313"), one(&reference), one("27")]),
                Segment::new("ERC", vec![one(&code)]),
                Segment::new(
                    "FTX",
                    vec![
                        one("AAO"),
                        vec![],
                        vec![],
                        vec![r.place.clone(), r.reason.clone()],
                    ],
                ),
                Segment::new(
                    "FTX",
                    vec![one("ACB"), vec![], vec![], vec![r.hint.clone()]],
                ),
            ],
        )
    }

    fn field_map(&self) -> &'static [FieldMapping] {
        FIELDS
    }

    fn sender_place(&self) -> &'static str {
        "segment NAD+MS, element 2"
    }
}
