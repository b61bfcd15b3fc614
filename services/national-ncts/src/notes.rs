//! The NCTS part of the mapping report: the `SG…` extra entries, the placeholders written
//! where NCTS requires what sigmat has no value for, and sigmat's error codes outside NCTS's.

use std::fmt::Write as _;

use crate::{CODES_OUTSIDE_NCTS, EXTRAS, INVALIDATION_REASON, PLACEHOLDERS};

/// The section, in Markdown.
pub(crate) fn render() -> String {
    let mut out = String::from(
        "\n## What NCTS has no element for\n\nCarried in `Consignment/AdditionalInformation` of CD050C and CD001C (`code`, `text`); a release without the first four is refused, naming the code.\n\n| code | standardized element | text |\n|---|---|---|\n",
    );
    for (code, element, text) in EXTRAS {
        let _ = writeln!(out, "| `{code}` | `{element}` | {text} |");
    }
    out.push_str(
        "\nNot carried at all: a border passage's automatic confirmation (provider and event, IE118) and the time of day of a passage or a control (CD118C and CD018C keep a date: the preparation time is taken when it falls on that date), an invalidation's reason (CD010C has none: it is read as \"",
    );
    out.push_str(INVALIDATION_REASON);
    out.push_str("\").\n\n## Placeholders\n\nWhat sigmat writes where NCTS requires an element it has no value for (ignored when read).\n\n| NCTS element | written |\n|---|---|\n");
    for (element, written) in PLACEHOLDERS {
        let _ = writeln!(out, "| `{element}` | {written} |");
    }
    out.push_str("| `CD118C, CD006C, CD018C, CD010C, CD18xC/CustomsOfficeOfDeparture` | the participant (sender or recipient) in the MRN's country, else `<MRN country>000000` |\n| `CD010C, CD181C/CustomsOfficeOfDestinationDeclared` | the other participant when it is an office |\n");
    out.push_str("\n## sigmat's error codes outside NCTS's list\n\n| sigmat | written `errorCode` | `errorReason` |\n|---|---|---|\n");
    for (code, ncts, reason) in CODES_OUTSIDE_NCTS {
        let _ = writeln!(out, "| {code} | {ncts} | `{reason}` |");
    }
    out
}
