//! Code-list checks (NCTS error 12): every office a message names must be in the customs office
//! list, and every coded value in its code list (ISO 3166, ISO 4217, UN/ECE Rec 19 and Rec 21),
//! as the reference data the rules carry has them ([`crate::Rules::reference`]).

use serde_json::Value;
use transit_model::reference::ReferenceData;
use transit_model::{FunctionalErrorCode as Code, StandardMessage};

use crate::Rejection;

/// The first coded value of `message` that is not in its list in `data`, as a rejection with
/// error 12.
pub(crate) fn check(data: &ReferenceData, message: &StandardMessage) -> Result<(), Rejection> {
    let value = serde_json::to_value(message).unwrap_or_default();
    walk(data, &value, "", "")
}

fn walk(data: &ReferenceData, value: &Value, pointer: &str, key: &str) -> Result<(), Rejection> {
    match value {
        Value::Object(map) => map
            .iter()
            .try_for_each(|(k, v)| walk(data, v, &format!("{pointer}/{k}"), k)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| walk(data, v, &format!("{pointer}/{i}"), key)),
        Value::String(text) => code(data, pointer, key, text),
        Value::Number(n) if key == "modeCode" => code(data, pointer, key, &n.to_string()),
        _ => Ok(()),
    }
}

fn code(data: &ReferenceData, pointer: &str, key: &str, text: &str) -> Result<(), Rejection> {
    let office_key = key.ends_with("Office")
        || key.ends_with("OfficeId")
        || key.ends_with("OfficeIds")
        || key == "office";
    let participant_key = pointer == "/header/sender" || pointer == "/header/recipient";
    let (known, list) = if office_key || (participant_key && text != "HUB") {
        let known = transit_model::OfficeRef::parse(text).is_ok_and(|o| data.office(&o).is_some());
        (
            known,
            "the customs office list (schemas/reference/offices.json)",
        )
    } else {
        match key {
            "currencyCode" => (data.currencies.contains(text), "ISO 4217"),
            "registrationNationalityCode" | "routingCountryCode" | "countryCode" => {
                (data.countries.contains(text), "ISO 3166-1")
            }
            "typeCode" if pointer.contains("/packaging/") => (
                data.package_types.contains(text),
                "UN/ECE Recommendation 21",
            ),
            "modeCode" => (
                data.transport_modes.contains(text),
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
