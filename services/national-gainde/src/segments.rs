//! Single segments both ways, shared by the messages' readers and writers: dates (DTM,
//! format 204), Y/N flags, offices (LOC), means of transport (TDT), free text (FTX) and the
//! FTX qualifiers of this stand-in's own, and the element builders.

use chrono::{DateTime, Utc};
use transit_model::TransportMeans;
use transit_national::values::{compact_date_time, country, text};
use transit_national::{ErrorClass, Mapping, TranslateError};

use crate::syntax::Segment;
use crate::view::View;

/// The EDIFACT date-time format used (code 204).
pub(crate) const DATE_FORMAT: &str = "%Y%m%d%H%M%S";

/// The FTX qualifier of a copy's marker of what an agreement withheld (a code of the
/// user-defined Z range).
pub(crate) const WITHHELD: &str = "ZWH";

/// The FTX qualifier of the remarks of a hub's status notice.
pub(crate) const REMARKS: &str = "ZRM";

pub(crate) fn date(
    view: View<'_>,
    qualifier: &'static str,
    what: &str,
) -> Result<DateTime<Utc>, TranslateError> {
    let s = view.need("DTM", Some(qualifier), what)?;
    let (value, at) = s.need(0, 1)?;
    if let Some(format) = s.component(0, 2) {
        if format != "204" {
            return Err(TranslateError::new(
                ErrorClass::UnknownCode,
                s.place(0, 2),
                format!("date format {format:?}: this interface uses 204 (CCYYMMDDHHMMSS, UTC)"),
            ));
        }
    }
    compact_date_time(value, DATE_FORMAT, at)
}

pub(crate) fn flag(value: &str, at: impl std::fmt::Display) -> Result<bool, TranslateError> {
    match value {
        "Y" => Ok(true),
        "N" => Ok(false),
        other => Err(TranslateError::new(
            ErrorClass::InvalidValue,
            at.to_string(),
            format!("{other:?} is not Y or N"),
        )),
    }
}

pub(crate) fn office(
    s: &Segment<'_>,
    mapping: &Mapping,
) -> Result<transit_model::OfficeRef, TranslateError> {
    let (code, at) = s.need(1, 0)?;
    mapping.office(code, at)
}

/// The means of transport in a TDT segment.
pub(crate) fn means(s: &Segment<'_>, mapping: &Mapping) -> Result<TransportMeans, TranslateError> {
    let (mode, mode_at) = s.need(2, 0)?;
    let (id, id_at) = s.need(7, 0)?;
    let (nationality, n_at) = s.need(7, 4)?;
    Ok(TransportMeans {
        id: text(id, id_at)?,
        registration_nationality_code: country(nationality, n_at)?,
        mode_code: mapping.transport_mode(mode, mode_at)?,
    })
}

pub(crate) fn e(value: &str) -> Vec<String> {
    vec![value.to_owned()]
}

pub(crate) fn c(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

pub(crate) fn seg(tag: &str, elements: Vec<Vec<String>>) -> Segment<'static> {
    Segment::new(tag, elements)
}

/// `value` in the date-time format (code 204).
pub(crate) fn stamp(value: DateTime<Utc>) -> String {
    value.format(DATE_FORMAT).to_string()
}

pub(crate) fn dtm(qualifier: &str, value: DateTime<Utc>) -> Segment<'static> {
    seg("DTM", vec![c(&[qualifier, &stamp(value), "204"])])
}

pub(crate) fn yn(value: bool) -> &'static str {
    if value {
        "Y"
    } else {
        "N"
    }
}

pub(crate) fn loc(qualifier: &str, value: &str) -> Segment<'static> {
    seg("LOC", vec![e(qualifier), e(value)])
}

pub(crate) fn ftx(qualifier: &str, flag: &str, text: &[&str]) -> Segment<'static> {
    seg("FTX", vec![e(qualifier), vec![], e(flag), c(text)])
}

/// The TDT segment of the means of transport `m`.
pub(crate) fn tdt(
    m: &TransportMeans,
    mapping: &Mapping,
) -> Result<Segment<'static>, TranslateError> {
    let mode = mapping.national_transport_mode(m.mode_code)?;
    Ok(seg(
        "TDT",
        vec![
            e("12"),
            vec![],
            e(&mode),
            vec![],
            vec![],
            vec![],
            vec![],
            c(&[
                m.id.as_str(),
                "",
                "",
                "",
                m.registration_nationality_code.as_str(),
            ]),
        ],
    ))
}
