//! Guarantee checks: an NCTS office of departure's guarantee check (CD200C) or guarantee use
//! (CD203C) → the standardized question (`transit_model::guarantee_check`), and the hub's
//! answer → CD201C (guarantee check result) or CD205C (guarantee use result).
//!
//! Read: the MRN, the office of departure, the holder's identification number, the countries
//! involved, and each guarantee reference with its type, amount and currency. Not read: the
//! declaration's acceptance date, the declared destination, the consignment, the access code
//! (what the guarantor checks, not the hub). Written: one `Guarantee` per guarantee type, each
//! reference with its validity limitations (`guaranteeNotValidIn`) and invalid-guarantee
//! reasons, coded as [`REASON_CODES`] says.

use transit_model::guarantee_check::{
    GuaranteeAsked, GuaranteeCheck, GuaranteeCheckKind, GuaranteeCheckResult, GuaranteeReason,
    GuaranteeRefusal, GuaranteeVerdict,
};
use transit_model::{CountryCode, Participant};
use transit_national::{
    national_participant, national_reference, ErrorClass, Mapping, TranslateError,
    TranslatedGuaranteeCheck,
};

use crate::parts::{office, operation, read_office};
use crate::values;
use crate::xml::{self, Element};

/// The NCTS messages of a guarantee check, by kind: (question, answer).
pub const MESSAGES: [(GuaranteeCheckKind, &str, &str); 2] = [
    (GuaranteeCheckKind::Check, "CD200C", "CD201C"),
    (GuaranteeCheckKind::Use, "CD203C", "CD205C"),
];

/// The code written in `InvalidGuaranteeReason/code` for each reason, and what it means.
/// NCTS's own list (CL252) is not published with the schemas; sigmat's codes start with `S`
/// so that they cannot be taken for one of its entries.
pub const REASON_CODES: [(GuaranteeRefusal, &str, &str); 1] = [(
    GuaranteeRefusal::InUse,
    "S01",
    "an individual guarantee (type 2, 3 or 4) that already covers another movement still open on the network",
)];

/// The most `Guarantee` groups a CD201C/CD205C has (`maxOccurs`).
const MAX_GUARANTEE_GROUPS: usize = 9;

/// Whether `national` is a guarantee check or use (by its root), read if so.
pub(crate) fn read_if_one(
    national: &[u8],
    mapping: &Mapping,
) -> Option<Result<TranslatedGuaranteeCheck, TranslateError>> {
    let root = transit_national::document::xml_root(national)?;
    let kind = MESSAGES.iter().find(|(_, q, _)| *q == root)?.0;
    Some(xml::parse(national).and_then(|root| read(&root, kind, mapping)))
}

fn read(
    root: &Element,
    kind: GuaranteeCheckKind,
    mapping: &Mapping,
) -> Result<TranslatedGuaranteeCheck, TranslateError> {
    let name = root.name.as_str();
    let (declared, declared_at) = root.text_of("messageType")?;
    if declared != name {
        return Err(TranslateError::new(
            ErrorClass::InvalidValue,
            declared_at,
            format!("messageType {declared} in a <{name}> document: they must agree"),
        ));
    }
    let (reference, reference_at) = root.text_of("messageIdentification")?;
    let (prepared, prepared_at) = root.text_of("preparationDateAndTime")?;
    let asked_at = values::read_date_time(prepared, prepared_at)?;
    let (mrn, mrn_at) = root.need("TransitOperation")?.text_of("MRN")?;
    let mrn = values::read_mrn(mrn, mrn_at)?;
    let office_of_departure = read_office(root, "CustomsOfficeOfDeparture", mapping)?;
    let (holder, holder_at) = root
        .need("HolderOfTheTransitProcedure")?
        .text_of("identificationNumber")?;
    let holder = values::read_at_most(holder, 17, holder_at)?.to_owned();
    let mut countries = Vec::new();
    for involved in root.all("CountryInvolved") {
        let (code, at) = involved.text_of("country")?;
        countries.push(
            CountryCode::parse(code)
                .map_err(|e| TranslateError::new(ErrorClass::UnknownCode, at, e.to_string()))?,
        );
    }
    let mut guarantees = Vec::new();
    for guarantee in root.all("Guarantee") {
        let (guarantee_type, _) = guarantee.text_of("guaranteeType")?;
        for reference in guarantee.all("GuaranteeReference") {
            let (grn, grn_at) = reference.text_of("GRN")?;
            if !is_grn(grn) {
                return Err(TranslateError::new(
                    ErrorClass::InvalidValue,
                    grn_at,
                    format!("{grn:?} is not an NCTS guarantee reference number: 2 digits, 2 letters, 12 capitals or digits, a digit, optionally a letter and 6 digits"),
                ));
            }
            let (amount, amount_at) = reference.text_of("amountConcerned")?;
            let (currency, _) = reference.text_of("currency")?;
            guarantees.push(GuaranteeAsked {
                grn: grn.to_owned(),
                guarantee_type: guarantee_type.to_owned(),
                amount: values::read_decimal(amount, amount_at)?,
                currency: currency.to_owned(),
            });
        }
    }
    let check = GuaranteeCheck {
        check_id: transit_national::national_message_id(mapping.country(), reference.trim()),
        kind,
        mrn,
        office_of_departure,
        holder,
        countries,
        guarantees,
        asked_at,
    };
    TranslatedGuaranteeCheck::new(check, reference, mapping, reference_at)
}

/// Whether `national` is the hub's answer to a guarantee check or use (CD201C, CD205C), read
/// back if so: what an NCTS office of departure takes from it (a reason's text is its code's
/// meaning; the answer's time is to the second).
pub(crate) fn read_result_if_one(
    national: &[u8],
    mapping: &Mapping,
) -> Option<Result<GuaranteeCheckResult, TranslateError>> {
    let root = transit_national::document::xml_root(national)?;
    let kind = MESSAGES.iter().find(|(_, _, a)| *a == root)?.0;
    Some(xml::parse(national).and_then(|root| read_result(&root, kind, mapping)))
}

fn read_result(
    root: &Element,
    kind: GuaranteeCheckKind,
    mapping: &Mapping,
) -> Result<GuaranteeCheckResult, TranslateError> {
    let country = mapping.country();
    let (reference, _) = root.text_of("messageIdentification")?;
    let (correlation, _) = root.text_of("correlationIdentifier")?;
    let (prepared, prepared_at) = root.text_of("preparationDateAndTime")?;
    let (mrn, mrn_at) = root.need("TransitOperation")?.text_of("MRN")?;
    let (holder, _) = root
        .need("HolderOfTheTransitProcedure")?
        .text_of("identificationNumber")?;
    let mut guarantees = Vec::new();
    for guarantee in root.all("Guarantee") {
        let (guarantee_type, _) = guarantee.text_of("guaranteeType")?;
        for reference in guarantee.all("GuaranteeReference") {
            let (grn, _) = reference.text_of("GRN")?;
            let mut not_valid_in = Vec::new();
            for limitation in reference.all("ValidityLimitation") {
                let (code, at) = limitation.text_of("guaranteeNotValidIn")?;
                not_valid_in.push(CountryCode::parse(code).map_err(|e| {
                    TranslateError::new(ErrorClass::UnknownCode, at, e.to_string())
                })?);
            }
            let mut reasons = Vec::new();
            for invalid in reference.all("InvalidGuaranteeReason") {
                let (code, at) = invalid.text_of("code")?;
                let (reason, _, meaning) = REASON_CODES
                    .iter()
                    .find(|(_, c, _)| *c == code)
                    .ok_or_else(|| {
                        TranslateError::new(
                            ErrorClass::UnknownCode,
                            at,
                            format!("{code:?} is not one of the hub's invalid-guarantee codes"),
                        )
                    })?;
                reasons.push(GuaranteeReason {
                    reason: *reason,
                    text: (*meaning).to_owned(),
                });
            }
            guarantees.push(GuaranteeVerdict {
                grn: grn.to_owned(),
                guarantee_type: guarantee_type.to_owned(),
                not_valid_in,
                reasons,
            });
        }
    }
    let valid = guarantees.iter().all(|g| g.reasons.is_empty());
    Ok(GuaranteeCheckResult {
        result_id: transit_national::national_message_id(country, reference),
        check_id: transit_national::national_message_id(country, correlation),
        kind,
        mrn: values::read_mrn(mrn, mrn_at)?,
        office_of_departure: read_office(root, "CustomsOfficeOfDeparture", mapping)?,
        holder: holder.to_owned(),
        guarantees,
        use_registered: kind == GuaranteeCheckKind::Use && valid,
        answered_at: values::read_date_time(prepared, prepared_at)?,
    })
}

/// The hub's answer as CD201C (a check) or CD205C (a use), to the office that asked.
pub(crate) fn write(
    result: &GuaranteeCheckResult,
    mapping: &Mapping,
) -> Result<Vec<u8>, TranslateError> {
    let name = MESSAGES
        .iter()
        .find(|(kind, _, _)| *kind == result.kind)
        .map_or("CD201C", |(_, _, answer)| answer);
    let mut children = vec![
        Element::leaf(
            "messageSender",
            national_participant(mapping, &Participant::Hub),
        ),
        Element::leaf(
            "messageRecipient",
            mapping.national_office(&result.office_of_departure),
        ),
        Element::leaf(
            "preparationDateAndTime",
            values::date_time(result.answered_at),
        ),
        Element::leaf(
            "messageIdentification",
            national_reference(result.result_id),
        ),
        Element::leaf("messageType", name),
        Element::leaf("correlationIdentifier", national_reference(result.check_id)),
        operation(&result.mrn, Vec::new()),
        office(
            "CustomsOfficeOfDeparture",
            mapping.national_office(&result.office_of_departure),
        ),
        Element::group(
            "HolderOfTheTransitProcedure",
            vec![Element::leaf(
                "identificationNumber",
                values::fits(
                    &result.holder,
                    17,
                    "HolderOfTheTransitProcedure/identificationNumber",
                )?,
            )],
        ),
    ];
    // One `Guarantee` per type, in the order the types first appear.
    let mut types: Vec<&str> = Vec::new();
    for verdict in &result.guarantees {
        if !types.contains(&verdict.guarantee_type.as_str()) {
            types.push(&verdict.guarantee_type);
        }
    }
    values::at_most(
        types.len(),
        MAX_GUARANTEE_GROUPS,
        &format!("{name}/Guarantee"),
    )?;
    for (i, guarantee_type) in types.iter().enumerate() {
        let mut group = vec![
            Element::leaf("sequenceNumber", (i + 1).to_string()),
            Element::leaf("guaranteeType", *guarantee_type),
        ];
        let verdicts = result
            .guarantees
            .iter()
            .filter(|v| v.guarantee_type == *guarantee_type);
        for (j, verdict) in verdicts.enumerate() {
            let place = format!("{name}/Guarantee/GuaranteeReference");
            values::at_most(
                verdict.not_valid_in.len(),
                99,
                &format!("{place}/ValidityLimitation"),
            )?;
            values::at_most(
                verdict.reasons.len(),
                9,
                &format!("{place}/InvalidGuaranteeReason"),
            )?;
            let mut reference = vec![
                Element::leaf("sequenceNumber", (j + 1).to_string()),
                Element::leaf("GRN", verdict.grn.clone()),
            ];
            for (k, country) in verdict.not_valid_in.iter().enumerate() {
                reference.push(Element::group(
                    "ValidityLimitation",
                    vec![
                        Element::leaf("sequenceNumber", (k + 1).to_string()),
                        Element::leaf("guaranteeNotValidIn", country.as_str()),
                    ],
                ));
            }
            for (k, reason) in verdict.reasons.iter().enumerate() {
                reference.push(Element::group(
                    "InvalidGuaranteeReason",
                    vec![
                        Element::leaf("sequenceNumber", (k + 1).to_string()),
                        Element::leaf("code", reason_code(reason.reason)),
                    ],
                ));
            }
            group.push(Element::group("GuaranteeReference", reference));
        }
        children.push(Element::group("Guarantee", group));
    }
    Ok(xml::write(&Element::group(name, children)))
}

/// The code written for `reason`.
fn reason_code(reason: GuaranteeRefusal) -> &'static str {
    REASON_CODES
        .iter()
        .find(|(r, _, _)| *r == reason)
        .map_or("S01", |(_, code, _)| code)
}

/// Whether `value` is a GRN: `[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[0-9]([A-Z][0-9]{6})?`.
fn is_grn(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    let core = b.len() >= 17
        && digits(0..2)
        && b[2..4].iter().all(u8::is_ascii_uppercase)
        && b[4..16]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && digits(16..17);
    core && (b.len() == 17 || (b.len() == 24 && b[17].is_ascii_uppercase() && digits(18..24)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grn_follows_the_schema_pattern() {
        assert!(is_grn("26GH0000000001234"));
        assert!(is_grn("26GH0000000001234A123456"));
        assert!(!is_grn("26GH000000000123"), "too short");
        assert!(!is_grn("26gh0000000001234"), "small letters");
        assert!(!is_grn("26GH0000000001234A12345"), "a cut suffix");
        assert!(!is_grn("26GH000000000123X"), "ends with a letter");
    }

    #[test]
    fn every_reason_has_a_code_that_fits_ncts() {
        for reason in GuaranteeRefusal::ALL {
            let code = reason_code(reason);
            assert!((1..=3).contains(&code.len()), "{code}");
            assert!(REASON_CODES.iter().any(|(r, _, _)| *r == reason));
        }
    }
}
