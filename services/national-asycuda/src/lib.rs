//! # national-asycuda — ASYCUDA World style XML ↔ standardized messages
//!
//! The format is a documented stand-in (the real ASYCUDA World interface is not public): the
//! root `<ASYCUDA>` and the segments of the public sample — `Identification`, `Traders`,
//! `Declarant`, `General_information`, `Transport`, `Financial`, `Transit`, `Valuation`,
//! repeated `Item` — plus a `Message` segment carrying type, reference, date, MRN, sender and
//! recipient. `<Field/>` and `<Field><null/></Field>` mean absent. See
//! `schemas/national/asycuda/README.md` for the format, its XSD and one example per type.
//!
//! - [`charset`]: the document's character encoding (UTF-8, or the one its declaration names).
//! - `position`: the line and column of a byte, as parsing and decoding errors name it.
//! - [`tree`]: XML ↔ element tree, with exact errors (truncated, encoding, duplicate…), written
//!   in the encoding the country's mapping names.
//! - `read` / `write`: tree ↔ standardized message, per message type.
//! - `train`: rail — the confirmation for a whole train (`ASYCUDA_TRAIN`), both ways.
//! - [`FIELDS`]: which ASYCUDA field fills which standardized element.
//!
//! Pure: no I/O, no clock.

pub mod charset;
mod fields;
mod position;
mod read;
mod train;
pub mod tree;
mod types;
mod write;

use transit_model::StandardMessage;
use transit_national::{
    Acceptance, Family, FieldMapping, Mapping, Refusal, TranslateError, Translated, Translator,
};

pub use fields::FIELDS;
use tree::Node;

/// The ASYCUDA translator of one country.
#[derive(Clone, Debug)]
pub struct Asycuda {
    mapping: Mapping,
}

impl Asycuda {
    /// A translator using `mapping`'s code tables.
    pub fn new(mapping: Mapping) -> Self {
        Self { mapping }
    }
}

impl Translator for Asycuda {
    fn family(&self) -> Family {
        Family::Asycuda
    }

    fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    fn media_type(&self) -> &'static str {
        "application/xml"
    }

    fn exchanged(&self) -> Vec<transit_model::MessageType> {
        types::TYPES.iter().map(|(_, t)| *t).collect()
    }

    fn translate(&self, national: &[u8]) -> Result<Translated, TranslateError> {
        let root = tree::parse(national, "ASYCUDA")?;
        read::message(&root, &self.mapping)
    }

    fn to_national(&self, message: &StandardMessage) -> Result<Vec<u8>, TranslateError> {
        write::message(message, &self.mapping)
            .map(|node| tree::write(&node, self.mapping.encoding()))
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
        train::acceptance(reference, id, &self.mapping)
    }

    fn reference_of(&self, national: &[u8]) -> Option<String> {
        if let Ok(root) = tree::parse(national, "ASYCUDA_TRAIN") {
            let (reference, _) = root.value("Reference").ok()??;
            return Some(reference.trim().to_owned());
        }
        let root = tree::parse(national, "ASYCUDA").ok()?;
        let (reference, _) = root.child("Message").ok()??.value("Reference").ok()??;
        Some(reference.trim().to_owned())
    }

    fn acceptance(&self, a: &Acceptance) -> Vec<u8> {
        tree::write(
            &Node::group(
                "ASYCUDA_RESPONSE",
                vec![
                    Node::leaf("Status", "ACCEPTED"),
                    Node::leaf("Reference", a.reference.clone()),
                    Node::leaf("Message_id", a.message_id.as_uuid().to_string()),
                    Node::leaf("Message_type", a.message_type.code()),
                    Node::leaf("MRN", a.mrn.to_string()),
                ],
            ),
            self.mapping.encoding(),
        )
    }

    fn refusal(&self, r: &Refusal) -> Vec<u8> {
        let mut error = vec![
            Node::leaf("Class", r.class.clone()),
            Node::leaf("Place", r.place.clone()),
            Node::leaf("Reason", r.reason.clone()),
            Node::leaf("Action", r.hint.clone()),
        ];
        if let Some(code) = r.ncts_code {
            error.insert(0, Node::leaf("Code", code.to_string()));
        }
        tree::write(
            &Node::group(
                "ASYCUDA_RESPONSE",
                vec![
                    Node::leaf("Status", "REJECTED"),
                    Node::optional("Reference", r.reference.clone()),
                    Node::group("Error", error),
                ],
            ),
            self.mapping.encoding(),
        )
    }

    fn field_map(&self) -> &'static [FieldMapping] {
        FIELDS
    }

    fn sender_place(&self) -> &'static str {
        "ASYCUDA/Message/Sender"
    }
}
