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
    guarantee_codes(&mut out);
    out.push_str("\n## sigmat's error codes outside NCTS's list\n\n| sigmat | written `errorCode` | `errorReason` |\n|---|---|---|\n");
    for (code, ncts, reason) in CODES_OUTSIDE_NCTS {
        let _ = writeln!(out, "| {code} | {ncts} | `{reason}` |");
    }
    out
}

/// What the family covers of NCTS's guarantee messages, and what not.
const GUARANTEES: &str = "\n## Guarantee messages (CD200C-CD205C, CD209C)\n\n**Covered: the check and the use.** An NCTS office of departure's guarantee check (CD200C) and guarantee use (CD203C) become the hub's question (`schemas/events/v1/guarantee-check.schema.json`, an event on the country's `to-hub` topic); the hub answers from its records and the answer is delivered as CD201C (check) or CD205C (use), addressed to the office. What the hub checks is what only it sees across the network: an individual guarantee (type 2, 3 or 4 of code list CL251; ECOWAS ISRT: one guarantee per operation) already covering another movement still open, whether named by its release or registered by an earlier use, is not valid; each country involved where the regional guarantee is not honoured on the day (`schemas/reference/guarantee-cover.json`) is written as a `ValidityLimitation`. A use the hub finds nothing against is registered: the guarantee is then in use for that movement until the movement is closed.\n\n| read from CD200C/CD203C | becomes |\n|---|---|\n| `TransitOperation/MRN` | `mrn` |\n| `CustomsOfficeOfDeparture/referenceNumber` | `officeOfDeparture` (must be in the adapter's country) |\n| `HolderOfTheTransitProcedure/identificationNumber` | `holder` |\n| `CountryInvolved/country` | `countries` |\n| `Guarantee/guaranteeType`, `GuaranteeReference/GRN`, `amountConcerned`, `currency` | `guarantees` (one per reference; the GRN checked against NCTS's pattern) |\n| `messageIdentification` | `checkId` (derived from it) |\n| `TransitOperation/declarationAcceptanceDate`, `CustomsOfficeOfDestinationDeclared`, `Consignment`, `GuaranteeReference/accessCode` | not read |\n\nWritten in CD201C/CD205C: the header (from `HUB` to the office; `correlationIdentifier` the question's id), the MRN, the office, the holder, one `Guarantee` per type with each reference, its validity limitations and its invalid-guarantee reasons (`code` only: CD201C has no text). The reason codes are sigmat's, since NCTS's list (CL252) is not published with the schemas:\n\n| code | meaning |\n|---|---|\n";

/// The reason codes, then what is not covered.
fn guarantee_codes(out: &mut String) {
    for (_, code, meaning) in crate::GUARANTEE_REASON_CODES {
        let _ = writeln!(out, "| `{code}` | {meaning} |");
    }
    out.push_str(GUARANTEES_NOT_COVERED);
}

/// What the hub does not check, and the messages not covered.
const GUARANTEES_NOT_COVERED: &str = "\n**Not covered.** Whether the guarantee exists, its access code, its reference amount and what is left of it: sigmat keeps no register of guarantees issued — those stay with the guarantor that issued each one (its own CD200C answer, or its national system). A comprehensive guarantee (type 1) and the waivers are checked for cover only; the risk rule `guarantee-exposure` watches what the open movements under one reference add up to. Not taken: CD204C (guarantee use cancellation — a registered use ends when its movement is closed, and one whose movement has not reached the hub a day later stops counting), CD209C (credit reference amount). The hub releases the guarantee of an NCTS departure on its own write-off, which the NCTS office of departure receives in the standardized JSON.\n";
