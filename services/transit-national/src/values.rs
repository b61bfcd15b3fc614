//! Reading national values into standardized types, with the place named on failure.

use std::fmt::Display;

use chrono::{DateTime, NaiveDateTime, Utc};
use transit_model::{ContainerNumber, CountryCode, Decimal, HsCode, Lrn, ModelError, Mrn, Text};

use crate::{ErrorClass, TranslateError};

fn invalid(place: impl Display) -> impl Fn(ModelError) -> TranslateError {
    move |e| TranslateError::new(ErrorClass::InvalidValue, place.to_string(), e.to_string())
}

/// Free text of at most `N` characters, as the standardized field it goes to allows; surrounding
/// white space is trimmed and inner runs kept (national systems pad). An oversized value is
/// refused with the national element named.
pub fn text<const N: usize>(value: &str, place: impl Display) -> Result<Text<N>, TranslateError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(TranslateError::missing(place.to_string()));
    }
    Text::parse(trimmed).map_err(invalid(place))
}

/// A decimal number.
pub fn decimal(value: &str, place: impl Display) -> Result<Decimal, TranslateError> {
    Decimal::parse(value.trim()).map_err(invalid(place))
}

/// An MRN (pattern and check digit).
pub fn mrn(value: &str, place: impl Display) -> Result<Mrn, TranslateError> {
    Mrn::parse(value.trim())
        .map_err(|e| TranslateError::new(ErrorClass::InvalidMrn, place.to_string(), e.to_string()))
}

/// A local reference number.
pub fn lrn(value: &str, place: impl Display) -> Result<Lrn, TranslateError> {
    Lrn::parse(value.trim()).map_err(invalid(place))
}

/// An ISO 6346 container number.
pub fn container(value: &str, place: impl Display) -> Result<ContainerNumber, TranslateError> {
    ContainerNumber::parse(value.trim()).map_err(invalid(place))
}

/// An HS code (6 to 10 digits).
pub fn hs_code(value: &str, place: impl Display) -> Result<HsCode, TranslateError> {
    HsCode::parse(value.trim()).map_err(invalid(place))
}

/// An ISO 3166 alpha-2 country code.
pub fn country(value: &str, place: impl Display) -> Result<CountryCode, TranslateError> {
    CountryCode::parse(value.trim())
        .map_err(|e| TranslateError::new(ErrorClass::UnknownCode, place.to_string(), e.to_string()))
}

/// A whole number.
pub fn number<T: std::str::FromStr>(value: &str, place: impl Display) -> Result<T, TranslateError> {
    value.trim().parse().map_err(|_| {
        TranslateError::new(
            ErrorClass::InvalidValue,
            place.to_string(),
            format!("{value:?} is not a whole number"),
        )
    })
}

/// An RFC 3339 date-time (`2026-11-26T08:30:00Z`).
pub fn date_time(value: &str, place: impl Display) -> Result<DateTime<Utc>, TranslateError> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| {
            TranslateError::new(
                ErrorClass::InvalidValue,
                place.to_string(),
                format!("{value:?} is not a date-time like 2026-11-26T08:30:00Z ({e})"),
            )
        })
}

/// A compact UTC date-time in `format` (chrono syntax, e.g. `%Y%m%d%H%M%S`).
pub fn compact_date_time(
    value: &str,
    format: &str,
    place: impl Display,
) -> Result<DateTime<Utc>, TranslateError> {
    NaiveDateTime::parse_from_str(value.trim(), format)
        .map(|d| d.and_utc())
        .map_err(|_| {
            TranslateError::new(
                ErrorClass::InvalidValue,
                place.to_string(),
                format!("{value:?} is not a UTC date-time in the form {format}"),
            )
        })
}

/// An RFC 3339 UTC date-time with seconds, as written into national messages.
pub fn format_date_time(value: DateTime<Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A control result code (`A1`, `A2`, `B1`).
pub fn control_result(
    value: &str,
    place: impl Display,
) -> Result<transit_model::ControlResultCode, TranslateError> {
    transit_model::ControlResultCode::parse(value.trim()).ok_or_else(|| {
        TranslateError::new(
            ErrorClass::UnknownCode,
            place.to_string(),
            format!("control result {value:?} is not A1, A2 or B1"),
        )
    })
}

/// The 1-based sequence number of the `index`-th repeated element (goods item, seal…).
pub fn sequence(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invalid_mrn_is_its_own_class_with_ncts_error_93() {
        assert!(mrn(" 25CIUJZDE8GXD6NCJ0 ", "MRN").is_ok());
        let wrong_digit = mrn("25CIUJZDE8GXD6NCJ1", "Transit/MRN").unwrap_err();
        assert_eq!(wrong_digit.class, ErrorClass::InvalidMrn);
        assert_eq!(wrong_digit.class.ncts_code(), Some(93));
        assert_eq!(wrong_digit.place, "Transit/MRN");
        // Any other malformed value is not error 93.
        let plate = text::<35>(&"A".repeat(36), "Identity").unwrap_err();
        assert_eq!(plate.class, ErrorClass::InvalidValue);
        assert_eq!(plate.class.ncts_code(), None);
    }
}
