//! The NCTS part of the mapping report: the `SG…` extra entries, the placeholders written
//! where NCTS requires what sigmat has no value for, and sigmat's error codes outside NCTS's.

use std::fmt::Write as _;

use crate::office_to_office::{
    ENQUIRY_RESPONSE_DAYS, REJECTION_REASON_CODE, REQUESTED_INFORMATION_CODE, REQUEST_STATUS,
    STATES, XML_ERROR_CODE,
};
use crate::{CODES_OUTSIDE_NCTS, EXTRAS, INVALIDATION_REASON, PLACEHOLDERS};

/// The section, in Markdown.
pub(crate) fn render() -> String {
    let mut out = String::from(
        "\n## What NCTS has no element for\n\nCarried in `Consignment/AdditionalInformation` of CD050C and CD001C (`code`, `text`); a release without `SGLRN`, `SGTLT` or `SGGRT` is refused, naming the code (without `SGREL` the release is taken at the start of its `releaseDate`).\n\n| code | standardized element | text |\n|---|---|---|\n",
    );
    for (code, element, text) in EXTRAS {
        let _ = writeln!(out, "| `{code}` | `{element}` | {text} |");
    }
    out.push_str(
        "\nNot carried at all (each listed under *Every standardized element* below): a border passage's automatic confirmation (IE118), the time of day where NCTS keeps a date (the preparation time is taken when it falls on that date), the text of a record request, an invalidation's reason (CD010C has none: it is read as \"",
    );
    out.push_str(INVALIDATION_REASON);
    out.push_str("\").\n\n## Placeholders\n\nWhat sigmat writes where NCTS requires an element it has no value for (ignored when read).\n\n| NCTS element | written |\n|---|---|\n");
    for (element, written) in PLACEHOLDERS {
        let _ = writeln!(out, "| `{element}` | {written} |");
    }
    out.push_str("| `CD118C, CD006C, CD018C, CD010C, CD18xC, CD142C/CustomsOfficeOfDeparture`, `CD143C/CustomsOfficeOfEnquiryAtDeparture`, `CD144C, CD145C/CompetentCustomsOfficeAtDeparture`, `CD151C/CustomsOfficeOfRecoveryRequesting` | the participant (sender or recipient) in the MRN's country, else `<MRN country>000000` |\n| `CD010C, CD181C/CustomsOfficeOfDestinationDeclared`, `CD142C/CustomsOfficeOfRequest` | the other participant when it is an office |\n");
    let _ = writeln!(out, "| `CD094C/TransitOperation/status` | `{REQUEST_STATUS}` (the requester's view is not in the standardized request) |");
    let _ = writeln!(out, "| `CD003C, CD115C/TransitOperation/requestRejectionReasonCode` | `{REJECTION_REASON_CODE}` (sigmat's refusal is a text) |");
    let _ = writeln!(
        out,
        "| `CD115C/CustomsOfficeOfTransitActual/guaranteeNotValidForCountry` | `0` |"
    );
    let _ = writeln!(out, "| `CD142C/Enquiry/limitForTheEnquiryResponseDate` | the request's date plus {ENQUIRY_RESPONSE_DAYS} days |");
    let _ = writeln!(
        out,
        "| `CD144C/Enquiry/informationAvailableFromTrader` | `0` |"
    );
    let _ = writeln!(
        out,
        "| `CD145C/RequestedInformation/code` | `{REQUESTED_INFORMATION_CODE}` |"
    );
    let _ = writeln!(out, "| `CD917C/XMLError/errorCode` | `{XML_ERROR_CODE}` |");
    out.push_str("\nsigmat's movement states in CD095C's `status`: ");
    out.push_str(
        &STATES
            .iter()
            .map(|(state, code)| format!("`{code}` {state}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(".\n");
    out.push_str(GUARANTEES);
    out.push_str("\n## sigmat's error codes outside NCTS's list\n\n| sigmat | written `errorCode` | `errorReason` |\n|---|---|---|\n");
    for (code, ncts, reason) in CODES_OUTSIDE_NCTS {
        let _ = writeln!(out, "| {code} | {ncts} | `{reason}` |");
    }
    out
}

/// What the family does not cover of NCTS's guarantee messages.
const GUARANTEES: &str = "\n## Guarantee messages (CD200C-CD205C, CD209C)\n\n**Not covered yet.** NCTS checks a guarantee lodged in another country with a query (CD200C) answered by CD201C, and registers its use with CD203C (answered by CD204C). sigmat keeps no guarantee register: the hub knows the guarantee each movement names (reference, amount, currency, released or not) and which countries the regional scheme covers (`schemas/reference/guarantee-cover.json`), not a guarantee's reference amount or access code, so it cannot answer a query truthfully. An NCTS system's CD200C or CD203C sent to its adapter is refused as a message sigmat does not take, naming the ones it does. The hub releases the guarantee of an NCTS departure on its own write-off, which the NCTS office of departure receives in the standardized JSON.\n";
