//! Recovery: CD150C-CD152C.

use crate::parts::{office, operation, read_office};
use chrono::{DateTime, Utc};
use transit_model::{Mrn, RecoveryNotice};
use transit_national::{values, Mapping, TranslateError};

use crate::events::Context;
use crate::values::{date, fits, flag, on_date, read_date, read_flag};
use crate::xml::Element;
/// The recovery messages' two offices, by message.
fn recovery_offices(name: &str) -> (&'static str, &'static str) {
    match name {
        "CD150C" | "CD151C" => (
            "CustomsOfficeOfRecoveryRequesting",
            "CustomsOfficeOfRecoveryRequested",
        ),
        _ => (
            "CustomsOfficeOfRecoveryAtDeparture",
            "CustomsOfficeOfRecovery",
        ),
    }
}

/// CD150C (request), CD151C (acceptance), CD152C (dispatch). In CD151C the office answering
/// is the requested one; the requesting one is the office of departure.
pub(crate) fn write_recovery(
    r: &RecoveryNotice,
    name: &str,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Result<Vec<Element>, TranslateError> {
    let (first, second) = recovery_offices(name);
    let (first_office, second_office) = if name == "CD151C" {
        (ctx.departure.clone(), mapping.national_office(&r.office))
    } else {
        (
            mapping.national_office(&r.office),
            mapping.national_office(&r.recovering_office),
        )
    };
    let day = date(r.notice_date_time);
    let text = Element::leaf("text", fits(r.text.as_str(), 512, "Recovery/text")?);
    let recovery = match name {
        "CD150C" => vec![Element::leaf("recoveryCommunicationDate", day), text],
        "CD151C" => vec![
            Element::leaf("recoveryAcceptance", flag(r.accepted.unwrap_or(false))),
            Element::leaf("recoveryCommunicationDate", day),
            text,
        ],
        _ => vec![Element::leaf("collectionDate", day), text],
    };
    Ok(vec![
        operation(mrn, vec![]),
        office(first, first_office),
        office(second, second_office),
        Element::group("Recovery", recovery),
    ])
}

pub(crate) fn read_recovery(
    root: &Element,
    name: &str,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<RecoveryNotice, TranslateError> {
    let (first, second) = recovery_offices(name);
    let recovery = root.need("Recovery")?;
    let date_name = if name == "CD152C" {
        "collectionDate"
    } else {
        "recoveryCommunicationDate"
    };
    let (day, day_at) = recovery.text_of(date_name)?;
    let (text, text_at) = recovery.text_of("text")?;
    let second_office = read_office(root, second, mapping)?;
    let (office_ref, recovering_office) = if name == "CD151C" {
        (second_office.clone(), second_office)
    } else {
        (read_office(root, first, mapping)?, second_office)
    };
    Ok(RecoveryNotice {
        office: office_ref,
        recovering_office,
        notice_date_time: on_date(read_date(day, day_at)?, prepared),
        accepted: match recovery.value("recoveryAcceptance")? {
            Some((value, place)) => Some(read_flag(value, place)?),
            None => None,
        },
        text: values::text(text, text_at)?,
    })
}
