//! Rail: GAINDE's confirmation for a whole train, a CUSDEC with document code `TRN` and no
//! MRN (it concerns every declaration on the train):
//!
//! ```text
//! BGM+TRN+GD2026TR000017+9'  DTM+137:20261127064100:204'  NAD+MS+10P'  NAD+MR+HUB'
//! LOC+ZTS+10P'  RFF+ZTR:T412'  GIS+PASSAGE'  DTM+178:20261127064000:204'
//! RFF+ZWF:CI-SR-31801'  RFF+ZWM:BF-SR-20455'
//! ```
//!
//! `LOC+ZTS` the confirming office, `RFF+ZTR` the train, `GIS` the stage (DEPART, PASSAGE,
//! ARRIVEE), `DTM+178` when the train was there, `RFF+ZWF` each wagon found and `RFF+ZWM`
//! each wagon missing.

use transit_model::MessageId;
use transit_national::train::{stage, stage_word, TrainFields, FRENCH_STAGES};
use transit_national::{national_reference, Mapping, TranslateError, TranslatedTrain};
use transit_rail::TrainConfirmation;

use crate::segments::{c, date, dtm, e, loc, office, seg, DATE_FORMAT};
use crate::syntax::{self, Interchange};
use crate::view::View;

/// The document code of a train confirmation.
const CODE: &str = "TRN";

/// The train confirmation in `national`, or `None` when it is not one.
pub(crate) fn to_standard(
    national: &[u8],
    mapping: &Mapping,
) -> Option<Result<TranslatedTrain, TranslateError>> {
    let mark = b"BGM+TRN+";
    if !national.windows(mark.len()).any(|w| w == mark) {
        return None;
    }
    Some(read(national, mapping))
}

fn read(national: &[u8], mapping: &Mapping) -> Result<TranslatedTrain, TranslateError> {
    let interchange = syntax::parse(national)?;
    let view = View {
        segments: &interchange.segments,
    };
    let bgm = view.need("BGM", Some(CODE), "document and reference")?;
    let (reference, _) = bgm.need(1, 0)?;
    let (train, _) = view.need("RFF", Some("ZTR"), "the train")?.need(0, 1)?;
    let gis = view.need("GIS", None, "the stage")?;
    let (word, word_at) = gis.need(0, 0)?;
    let wagons = |qualifier: &'static str| -> Result<Vec<String>, TranslateError> {
        view.all("RFF", Some(qualifier))
            .map(|s| s.need(0, 1).map(|(w, _)| w.to_owned()))
            .collect()
    };
    TrainFields {
        reference,
        office: office(
            view.need("LOC", Some("ZTS"), "the confirming office")?,
            mapping,
        )?,
        train,
        stage: stage(word, FRENCH_STAGES, word_at)?,
        at: date(view, "178", "when the train was there")?,
        present: wagons("ZWF")?,
        missing: wagons("ZWM")?,
    }
    .translate(mapping, "segment BGM+TRN")
}

/// `confirmation` as GAINDE writes it.
pub(crate) fn to_national(confirmation: &TrainConfirmation, mapping: &Mapping) -> Vec<u8> {
    let reference = national_reference(confirmation.confirmation_id);
    let office = mapping.national_office(&confirmation.office);
    let mut segments = vec![
        seg("BGM", vec![e(CODE), e(&reference), e("9")]),
        dtm("137", confirmation.at),
        seg("NAD", vec![e("MS"), e(&office)]),
        seg("NAD", vec![e("MR"), e("HUB")]),
        loc("ZTS", &office),
        seg("RFF", vec![c(&["ZTR", &confirmation.train])]),
        seg(
            "GIS",
            vec![e(stage_word(confirmation.stage, FRENCH_STAGES))],
        ),
        dtm("178", confirmation.at),
    ];
    for (qualifier, list) in [
        ("ZWF", &confirmation.wagons_present),
        ("ZWM", &confirmation.wagons_missing),
    ] {
        segments.extend(list.iter().map(|w| seg("RFF", vec![c(&[qualifier, w])])));
    }
    let prepared = confirmation.at.format(DATE_FORMAT).to_string();
    syntax::write(
        &Interchange {
            syntax: "UNOW".into(),
            sender: office,
            recipient: "HUB".into(),
            control: reference.chars().take(14).collect(),
            message_type: "CUSDEC".into(),
            segments,
        },
        &prepared,
    )
}

/// The acknowledgement's segments for an accepted train confirmation.
pub(crate) fn acceptance(reference: &str, id: MessageId) -> Vec<syntax::Segment<'static>> {
    vec![
        seg("BGM", vec![e("313"), e(reference), e("29")]),
        seg("RFF", vec![c(&["ACW", &id.as_uuid().to_string()])]),
        seg("DOC", vec![e(CODE)]),
    ]
}
