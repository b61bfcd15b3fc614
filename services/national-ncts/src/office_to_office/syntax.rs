//! The hub's XML rejection: CD917C.

use transit_model::{Mrn, SyntaxError, SyntaxNack};
use transit_national::{values, TranslateError};

use crate::xml::Element;
/// The `errorCode` sigmat writes in CD917C (NCTS's XML error codes: 12 is an incorrect value).
pub const XML_ERROR_CODE: &str = "12";

/// CD917C: the hub's XML rejection.
pub(crate) fn write_syntax_nack(n: &SyntaxNack, mrn: &Mrn) -> Result<Vec<Element>, TranslateError> {
    let mut out = vec![crate::parts::rejection_header(
        "CD917C",
        "XMLError",
        n.errors.len(),
        mrn,
    )?];
    for e in &n.errors {
        out.push(Element::group(
            "XMLError",
            vec![
                Element::leaf("errorLineNumber", e.line.to_string()),
                Element::leaf("errorColumnNumber", e.column.to_string()),
                Element::leaf("errorPointer", e.pointer.as_str()),
                Element::leaf("errorCode", XML_ERROR_CODE),
                Element::leaf("errorText", e.reason.as_str()),
            ],
        ));
    }
    Ok(out)
}

pub(crate) fn read_syntax_nack(
    root: &Element,
    rejected: Option<transit_model::MessageId>,
) -> Result<SyntaxNack, TranslateError> {
    let errors = root
        .all("XMLError")
        .map(|e| {
            let (line, line_at) = e.text_of("errorLineNumber")?;
            let (column, column_at) = e.text_of("errorColumnNumber")?;
            let (reason, reason_at) = e.text_of("errorText")?;
            Ok(SyntaxError {
                pointer: values::text(e.value("errorPointer")?.map_or("/", |(p, _)| p), reason_at)?,
                line: values::number(line, line_at)?,
                column: values::number(column, column_at)?,
                reason: values::text(reason, reason_at)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    Ok(SyntaxNack {
        rejected_message_id: rejected,
        errors,
    })
}
