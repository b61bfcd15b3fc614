//! Rejections: the hub's IE906 ↔ CD906C, and the adapter's answers to what it accepts or
//! refuses, shaped like NCTS's own (CD906C for a functional error, CD917C for XML that cannot
//! be read, CC928C for an acceptance).

use transit_model::{FunctionalError, FunctionalErrorCode, FunctionalNack, MessageType, Mrn};
use transit_national::{values, Acceptance, ErrorClass, Refusal, TranslateError};

use crate::xml::Element;

/// sigmat's functional error codes outside NCTS's list (CL… `AesNctsP5FunctionalErrorCodes`:
/// 12, 13, 14, 15, 26, 50, 51, 52) → the NCTS code written, and the `errorReason` that keeps
/// sigmat's.
pub const CODES_OUTSIDE_NCTS: &[(u8, &str, &str)] =
    &[(90, "12", "SG90"), (92, "14", "SG92"), (93, "12", "SG93")];

/// CD906C: `errorPointer` is the rejected message's type followed by the pointer into it
/// (`/IE006/header/messageType`), the reason in `originalAttributeValue`.
pub(crate) fn write(n: &FunctionalNack, mrn: &Mrn) -> Result<Vec<Element>, TranslateError> {
    let mut out = vec![crate::parts::rejection_header(
        "CD906C",
        "FunctionalError",
        n.errors.len(),
        mrn,
    )?];
    for e in &n.errors {
        let code = u8::from(e.code);
        let (ncts, reason) = CODES_OUTSIDE_NCTS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, ncts, reason)| ((*ncts).to_owned(), Some(*reason)))
            .unwrap_or((code.to_string(), None));
        let pointer = format!("/{}{}", n.rejected_message_type.code(), e.pointer.as_str());
        let mut error = vec![
            Element::leaf(
                "errorPointer",
                crate::values::fits(&pointer, 512, "FunctionalError/errorPointer")?,
            ),
            Element::leaf("errorCode", ncts),
        ];
        error.extend(Element::optional("errorReason", reason));
        error.push(Element::leaf("originalAttributeValue", e.reason.as_str()));
        out.push(Element::group("FunctionalError", error));
    }
    Ok(out)
}

pub(crate) fn read(
    root: &Element,
    rejected: transit_model::MessageId,
) -> Result<FunctionalNack, TranslateError> {
    let mut kind = None;
    let mut errors = Vec::new();
    for e in root.all("FunctionalError") {
        let (pointer, pointer_at) = e.text_of("errorPointer")?;
        let (code, code_at) = e.text_of("errorCode")?;
        let (kind_text, rest) = pointer
            .strip_prefix('/')
            .and_then(|p| p.split_once('/').map(|(k, r)| (k, format!("/{r}"))))
            .unwrap_or((pointer, String::new()));
        let this = MessageType::from_code(kind_text).map_err(|_| {
            TranslateError::new(
                ErrorClass::InvalidValue,
                pointer_at,
                format!("{pointer:?}: the pointer starts with the rejected message's type, e.g. /IE006/header/messageType"),
            )
        })?;
        kind.get_or_insert(this);
        let sigmat = match e.value("errorReason")? {
            Some((reason, _)) => reason.strip_prefix("SG").map(str::to_owned),
            None => None,
        };
        let number: u8 = values::number(sigmat.as_deref().unwrap_or(code), code_at)?;
        let reason = match e.value("originalAttributeValue")? {
            Some((text, place)) => values::text(text, place)?,
            None => values::text(&format!("NCTS functional error {code}"), code_at)?,
        };
        errors.push(FunctionalError {
            code: FunctionalErrorCode::try_from(number)
                .map_err(|e| TranslateError::new(ErrorClass::UnknownCode, code_at, e))?,
            pointer: values::text(&rest, pointer_at)?,
            reason,
        });
    }
    let rejected_message_type =
        kind.ok_or_else(|| TranslateError::missing(format!("{}/FunctionalError", root.path)))?;
    Ok(FunctionalNack {
        rejected_message_id: rejected,
        rejected_message_type,
        errors,
    })
}

/// The answer to an accepted message, shaped like CC928C (positive acknowledgement).
pub(crate) fn acceptance(a: &Acceptance) -> Element {
    Element::group(
        "CC928C",
        vec![
            Element::leaf("messageType", "CC928C"),
            Element::leaf("correlationIdentifier", a.reference.clone()),
            Element::group(
                "TransitOperation",
                vec![
                    Element::leaf("MRN", a.mrn.to_string()),
                    Element::leaf("sigmatMessageId", a.message_id.as_uuid().to_string()),
                    Element::leaf("sigmatMessageType", a.message_type.code()),
                ],
            ),
        ],
    )
}

/// The answer to a refused message: CD917C-shaped when the XML could not be read, CD906C-
/// shaped otherwise; the element named in `errorPointer`, the reason and what to do in
/// `errorText` / `originalAttributeValue`.
pub(crate) fn refusal(r: &Refusal) -> Element {
    // What NCTS answers with an XML rejection: XML that cannot be read, and XML its schema
    // refuses (the adapter's official-schemas check, class `schema`).
    let xml = matches!(
        r.class.as_str(),
        "syntax" | "encoding" | "truncated" | "oversize" | "schema"
    );
    let explained = format!("{} ({}). {}", r.reason, r.class, r.hint);
    let mut children = vec![Element::leaf(
        "messageType",
        if xml { "CD917C" } else { "CD906C" },
    )];
    children.extend(Element::optional(
        "correlationIdentifier",
        r.reference.clone(),
    ));
    let (line, column) = line_and_column(&r.place);
    let error = if xml {
        Element::group(
            "XMLError",
            vec![
                Element::leaf("errorLineNumber", line),
                Element::leaf("errorColumnNumber", column),
                Element::leaf("errorPointer", r.place.clone()),
                Element::leaf("errorCode", crate::office_to_office::XML_ERROR_CODE),
                Element::leaf("errorText", explained),
            ],
        )
    } else {
        // NCTS's own codes as they are; sigmat's others (93, an invalid MRN) as NCTS writes
        // them, sigmat's kept in errorReason, as in the hub's CD906C.
        let outside = r
            .ncts_code
            .and_then(|c| CODES_OUTSIDE_NCTS.iter().find(|(own, _, _)| *own == c));
        let (code, reason) = match (r.class.as_str(), outside) {
            (_, Some((_, ncts, reason))) => ((*ncts).to_owned(), (*reason).to_owned()),
            ("missing-element", None) => ("13".to_owned(), r.class.chars().take(7).collect()),
            ("duplicate" | "forbidden", None) => {
                ("15".to_owned(), r.class.chars().take(7).collect())
            }
            (_, None) => (
                r.ncts_code.map_or("12".to_owned(), |c| c.to_string()),
                r.class.chars().take(7).collect(),
            ),
        };
        Element::group(
            "FunctionalError",
            vec![
                Element::leaf("errorPointer", r.place.clone()),
                Element::leaf("errorCode", code),
                Element::leaf("errorReason", reason),
                Element::leaf("originalAttributeValue", explained),
            ],
        )
    };
    children.push(error);
    Element::group(if xml { "CD917C" } else { "CD906C" }, children)
}

/// "line 3, column 7" in a refusal's place → ("3", "7"); ("0", "0") otherwise.
fn line_and_column(place: &str) -> (String, String) {
    let number = |key: &str| {
        place
            .split(key)
            .nth(1)
            .map(|rest| {
                rest.chars()
                    .take_while(char::is_ascii_digit)
                    .collect::<String>()
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "0".to_owned())
    };
    (number("line "), number("column "))
}
