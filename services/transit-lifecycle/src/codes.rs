//! Code-list checks (NCTS error 12): every office a message names must be in the customs office
//! list, and every coded value in its code list (ISO 3166, ISO 4217, UN/ECE Rec 19 and Rec 21),
//! as the reference data the rules carry has them ([`crate::Rules::reference`]).

use chrono::NaiveDate;
use serde_json::Value;
use transit_model::reference::ReferenceData;
use transit_model::{FunctionalErrorCode as Code, StandardMessage};

use crate::Rejection;

/// The first coded value of `message` that is not in its list in `data` on `today` (an office
/// not working, a code not yet or no longer in use), as a rejection with error 12.
pub(crate) fn check(
    data: &ReferenceData,
    message: &StandardMessage,
    today: NaiveDate,
) -> Result<(), Rejection> {
    let value = serde_json::to_value(message).unwrap_or_default();
    Walk { data, today }.walk(&value, "", "")
}

struct Walk<'a> {
    data: &'a ReferenceData,
    today: NaiveDate,
}

impl Walk<'_> {
    fn walk(&self, value: &Value, pointer: &str, key: &str) -> Result<(), Rejection> {
        match value {
            Value::Object(map) => map
                .iter()
                .try_for_each(|(k, v)| self.walk(v, &format!("{pointer}/{k}"), k)),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, v)| self.walk(v, &format!("{pointer}/{i}"), key)),
            Value::String(text) => self.code(pointer, key, text),
            Value::Number(n) if key == "modeCode" => self.code(pointer, key, &n.to_string()),
            _ => Ok(()),
        }
    }

    fn code(&self, pointer: &str, key: &str, text: &str) -> Result<(), Rejection> {
        code(self.data, self.today, pointer, key, text)
    }
}

fn code(
    data: &ReferenceData,
    today: NaiveDate,
    pointer: &str,
    key: &str,
    text: &str,
) -> Result<(), Rejection> {
    let office_key = key.ends_with("Office")
        || key.ends_with("OfficeId")
        || key.ends_with("OfficeIds")
        || key == "office";
    let participant_key = pointer == "/header/sender" || pointer == "/header/recipient";
    let (known, list) = if office_key || (participant_key && text != "HUB") {
        let office = transit_model::OfficeRef::parse(text)
            .ok()
            .and_then(|o| data.office(&o));
        if let Some(closed) = office.filter(|o| !o.valid_on(today)) {
            return Err(Rejection::new(
                Code::CodeListViolation,
                pointer,
                format!(
                    "{text} works as a customs office {} (not on {today}); name an office open today, or have the reference data updated first",
                    closed.validity()
                ),
            ));
        }
        let known = office.is_some();
        (
            known,
            "the customs office list (schemas/reference/offices.json)",
        )
    } else {
        match key {
            "currencyCode" => (data.currencies.contains_on(text, today), "ISO 4217"),
            "registrationNationalityCode" | "routingCountryCode" | "countryCode" => {
                (data.countries.contains_on(text, today), "ISO 3166-1")
            }
            "typeCode" if pointer.contains("/packaging/") => (
                data.package_types.contains_on(text, today),
                "UN/ECE Recommendation 21",
            ),
            "modeCode" => (
                data.transport_modes.contains_on(text, today),
                "UN/ECE Recommendation 19",
            ),
            _ => return Ok(()),
        }
    };
    if known {
        return Ok(());
    }
    Err(Rejection::new(
        Code::CodeListViolation,
        pointer,
        format!("{text:?} is not in {list}; use a listed code, or have the reference data updated first"),
    ))
}
