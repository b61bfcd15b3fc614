//! Rail: ASYCUDA's confirmation for a whole train, its own document (root `ASYCUDA_TRAIN`,
//! no `Message` segment: it concerns no single MRN):
//!
//! ```xml
//! <ASYCUDA_TRAIN>
//!   <Reference>BF-NGK-TR-2026-000017</Reference><Date>2026-11-27T06:41:00Z</Date>
//!   <Office>BF301</Office><Train>T412</Train><Stage>PASSAGE</Stage>
//!   <Train_date>2026-11-27T06:40:00Z</Train_date>
//!   <Wagons_found><Wagon>CI-SR-31801</Wagon></Wagons_found>
//!   <Wagons_missing><Wagon>BF-SR-20455</Wagon></Wagons_missing>
//! </ASYCUDA_TRAIN>
//! ```

use transit_model::MessageId;
use transit_national::train::{stage, stage_word, TrainFields, ENGLISH_STAGES};
use transit_national::values::{date_time, format_date_time};
use transit_national::{national_reference, Mapping, TranslateError, TranslatedTrain};
use transit_rail::TrainConfirmation;

use crate::tree::{self, Node};

/// The root of a train confirmation.
const ROOT: &str = "ASYCUDA_TRAIN";

/// The train confirmation in `national`, or `None` when it is not one.
pub(crate) fn to_standard(
    national: &[u8],
    mapping: &Mapping,
) -> Option<Result<TranslatedTrain, TranslateError>> {
    let mark = b"<ASYCUDA_TRAIN";
    if !national.windows(mark.len()).any(|w| w == mark) {
        return None;
    }
    Some(read(national, mapping))
}

fn wagons(root: &Node<'_>, list: &str) -> Result<Vec<String>, TranslateError> {
    Ok(match root.child(list)? {
        Some(group) => group
            .all("Wagon")
            .map(|w| w.text.trim().to_owned())
            .collect(),
        None => Vec::new(),
    })
}

fn read(national: &[u8], mapping: &Mapping) -> Result<TranslatedTrain, TranslateError> {
    let root = tree::parse(national, ROOT)?;
    let (reference, _) = root.text_of("Reference")?;
    let (office, office_at) = root.text_of("Office")?;
    let (train, _) = root.text_of("Train")?;
    let (word, word_at) = root.text_of("Stage")?;
    let (at, at_at) = root.text_of("Train_date")?;
    TrainFields {
        reference: reference.trim(),
        office: mapping.office(office.trim(), office_at)?,
        train,
        stage: stage(word, ENGLISH_STAGES, word_at)?,
        at: date_time(at, at_at)?,
        present: wagons(&root, "Wagons_found")?,
        missing: wagons(&root, "Wagons_missing")?,
    }
    .translate(mapping, ROOT)
}

/// `confirmation` as ASYCUDA writes it.
pub(crate) fn to_national(confirmation: &TrainConfirmation, mapping: &Mapping) -> Vec<u8> {
    let list = |name: &str, wagons: &[String]| {
        Node::group(
            name,
            wagons
                .iter()
                .map(|w| Node::leaf("Wagon", w.as_str()))
                .collect(),
        )
    };
    tree::write(
        &Node::group(
            ROOT,
            vec![
                Node::leaf(
                    "Reference",
                    national_reference(confirmation.confirmation_id),
                ),
                Node::leaf("Date", format_date_time(confirmation.at)),
                Node::leaf("Office", mapping.national_office(&confirmation.office)),
                Node::leaf("Train", confirmation.train.as_str()),
                Node::leaf("Stage", stage_word(confirmation.stage, ENGLISH_STAGES)),
                Node::leaf("Train_date", format_date_time(confirmation.at)),
                list("Wagons_found", &confirmation.wagons_present),
                list("Wagons_missing", &confirmation.wagons_missing),
            ],
        ),
        mapping.encoding(),
    )
}

/// The acknowledgement of an accepted train confirmation.
pub(crate) fn acceptance(reference: &str, id: MessageId, mapping: &Mapping) -> Vec<u8> {
    tree::write(
        &Node::group(
            "ASYCUDA_RESPONSE",
            vec![
                Node::leaf("Status", "ACCEPTED"),
                Node::leaf("Reference", reference),
                Node::leaf("Message_id", id.as_uuid().to_string()),
                Node::leaf("Message_type", "TRAIN"),
            ],
        ),
        mapping.encoding(),
    )
}
