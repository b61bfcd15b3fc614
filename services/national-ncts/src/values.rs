//! NCTS value formats: date-times without a zone (read and written as UTC), dates, flags,
//! decimals within the schema's `DecimalWithoutZero_16_6`, and the rule that restores a
//! time of day NCTS keeps only as a date.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use transit_model::{Decimal, Mrn};
use transit_national::{values, ErrorClass, TranslateError};

/// `2026-11-26T08:00:00` (NCTS `DateTimeType`: no zone, no fraction; sigmat writes UTC).
pub(crate) fn date_time(value: DateTime<Utc>) -> String {
    value.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// `2026-11-26` (NCTS `DateType`).
pub(crate) fn date(value: DateTime<Utc>) -> String {
    value.format("%Y-%m-%d").to_string()
}

/// Reads an NCTS date-time, taken as UTC.
pub(crate) fn read_date_time(value: &str, place: &str) -> Result<DateTime<Utc>, TranslateError> {
    NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M:%S")
        .map(|d| d.and_utc())
        .map_err(|_| {
            TranslateError::new(
                ErrorClass::InvalidValue,
                place,
                format!("{value:?} is not an NCTS date-time like 2026-11-26T08:00:00"),
            )
        })
}

/// Reads an NCTS date.
pub(crate) fn read_date(value: &str, place: &str) -> Result<NaiveDate, TranslateError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        TranslateError::new(
            ErrorClass::InvalidValue,
            place,
            format!("{value:?} is not an NCTS date like 2026-11-26"),
        )
    })
}

/// The moment of an event NCTS dates only (passage, control): the message's preparation
/// time when it falls on that date (the office writes the message when the event happens),
/// otherwise the start of the day.
pub(crate) fn on_date(day: NaiveDate, prepared: DateTime<Utc>) -> DateTime<Utc> {
    if prepared.date_naive() == day {
        prepared
    } else {
        day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
    }
}

/// `0` or `1`.
pub(crate) fn flag(value: bool) -> &'static str {
    if value {
        "1"
    } else {
        "0"
    }
}

/// Reads an NCTS flag.
pub(crate) fn read_flag(value: &str, place: &str) -> Result<bool, TranslateError> {
    match value.trim() {
        "1" => Ok(true),
        "0" => Ok(false),
        other => Err(TranslateError::new(
            ErrorClass::InvalidValue,
            place,
            format!("{other:?} is not an NCTS flag: 0 or 1"),
        )),
    }
}

/// A mass or amount within `DecimalWithoutZero_16_6`: at most six decimals, sixteen digits.
pub(crate) fn decimal(value: &Decimal, place: &str) -> Result<String, TranslateError> {
    let text = value.as_str();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 6 || whole.len() + fraction.len() > 16 || text.starts_with('-') {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            place,
            format!("{text} does not fit NCTS's decimal (16 digits, 6 after the point, positive)"),
        ));
    }
    Ok(text.to_owned())
}

/// Reads a decimal.
pub(crate) fn read_decimal(value: &str, place: &str) -> Result<Decimal, TranslateError> {
    values::decimal(value, place)
}

/// Reads the MRN of `TransitOperation`.
pub(crate) fn read_mrn(value: &str, place: &str) -> Result<Mrn, TranslateError> {
    values::mrn(value, place)
}

/// A text that must fit an NCTS element of `max` characters.
pub(crate) fn fits(value: &str, max: usize, place: &str) -> Result<String, TranslateError> {
    if value.chars().count() > max {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            place,
            format!("{value:?} is longer than the {max} characters NCTS allows here"),
        ));
    }
    Ok(value.to_owned())
}

/// NCTS allows `max` of what sigmat has `count` of (the schema's `maxOccurs`).
pub(crate) fn at_most(count: usize, max: usize, place: &str) -> Result<(), TranslateError> {
    if count > max {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            place,
            format!("{count} of them: NCTS's schema allows at most {max}"),
        ));
    }
    Ok(())
}

/// The longest seal identifier NCTS has (`Alphanumeric_Max20`), read and written.
pub(crate) const SEAL_MAX: usize = 20;

/// A value read from an NCTS element of at most `max` characters: the schema's length, which
/// sigmat's type may allow more of.
pub(crate) fn read_at_most<'a>(
    value: &'a str,
    max: usize,
    place: &str,
) -> Result<&'a str, TranslateError> {
    if value.chars().count() > max {
        return Err(TranslateError::new(
            ErrorClass::InvalidValue,
            place,
            format!("{value:?} is longer than the {max} characters NCTS allows here"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_keeps_the_preparation_time_when_it_is_the_same_day() {
        let prepared = read_date_time("2026-11-27T14:05:00", "p").unwrap();
        let same = read_date("2026-11-27", "d").unwrap();
        let other = read_date("2026-11-26", "d").unwrap();
        assert_eq!(on_date(same, prepared), prepared);
        assert_eq!(date_time(on_date(other, prepared)), "2026-11-26T00:00:00");
    }

    #[test]
    fn flags_and_decimals_follow_the_schema() {
        assert!(read_flag("1", "f").unwrap());
        assert!(read_flag("yes", "f").is_err());
        let d = Decimal::parse("25000.000").unwrap();
        assert_eq!(decimal(&d, "m").unwrap(), "25000.000");
        assert!(fits("abc", 2, "t").is_err());
    }
}
