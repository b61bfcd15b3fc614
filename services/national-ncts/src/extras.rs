//! What sigmat's declaration holds and NCTS's common-domain records (CD001C, CD050C) have no
//! element for: carried as `Consignment/AdditionalInformation` entries whose five-character
//! code starts `SG` (no code of the NCTS list CL239 does), text in the entry's `text`. The
//! mapping report lists each; an NCTS country's gateway adds them to the release it sends.

use transit_national::{ErrorClass, TranslateError};

use crate::xml::Element;

/// The codes, what each carries and how its text is written.
pub const EXTRAS: &[(&str, &str, &str)] = &[
    ("SGLRN", "/body/functionalReferenceId", "the LRN, as is"),
    (
        "SGREL",
        "/body/releaseDateTime",
        "date-time, UTC (releaseDate keeps the date)",
    ),
    ("SGTLT", "/body/arrivalTimeLimit", "date-time, UTC"),
    (
        "SGGRT",
        "/body/obligationGuarantee",
        "reference, amount and currency, separated by spaces",
    ),
    (
        "SGCAR",
        "/body/consignment/carrier/name",
        "as is (NCTS's Carrier has only its id)",
    ),
    (
        "SGWTY",
        "/body/goodsShipment/consignment/departureTransportMeans/*/typeCode",
        "wagon sequence number and type, separated by a space",
    ),
    (
        "SGWSL",
        "/body/goodsShipment/consignment/departureTransportMeans/*/seal",
        "wagon sequence number, seal sequence number and seal, separated by spaces",
    ),
    (
        "SGCWG",
        "/body/goodsShipment/consignment/transportEquipment/*/wagonId",
        "container sequence number and wagon, separated by a space",
    ),
    (
        "SGWHD",
        "/body/withheld",
        "in a copy under an agreement: the agreement, then each group withheld, separated by spaces; what NCTS requires of a withheld group holds a placeholder (- or 0)",
    ),
];

/// Extras being written, in order.
#[derive(Debug, Default)]
pub(crate) struct Extras(Vec<(&'static str, String)>);

impl Extras {
    pub(crate) fn push(&mut self, code: &'static str, text: impl Into<String>) {
        self.0.push((code, text.into()));
    }

    /// The `AdditionalInformation` elements (at most 99: a train of many wagons and
    /// containers may need more, and is then not written in NCTS).
    pub(crate) fn elements(&self) -> Result<Vec<Element>, TranslateError> {
        crate::values::at_most(self.0.len(), 99, "Consignment/AdditionalInformation")?;
        self.0
            .iter()
            .enumerate()
            .map(|(i, (code, text))| {
                let text = crate::values::fits(
                    text,
                    512,
                    &format!("Consignment/AdditionalInformation[{code}]/text"),
                )?;
                Ok(Element::group(
                    "AdditionalInformation",
                    vec![
                        Element::leaf("sequenceNumber", (i + 1).to_string()),
                        Element::leaf("code", *code),
                        Element::leaf("text", text),
                    ],
                ))
            })
            .collect()
    }
}

/// The extras of a read `Consignment`: (code, text, place), in document order.
pub(crate) struct ReadExtras<'a> {
    entries: Vec<(&'a str, &'a str, &'a str)>,
    consignment: &'a str,
}

impl<'a> ReadExtras<'a> {
    pub(crate) fn read(consignment: &'a Element) -> Result<Self, TranslateError> {
        let mut entries = Vec::new();
        for info in consignment.all("AdditionalInformation") {
            let (code, _) = info.text_of("code")?;
            if code.starts_with("SG") {
                let (text, place) = info.text_of("text")?;
                entries.push((code, text, place));
            }
        }
        Ok(Self {
            entries,
            consignment: &consignment.path,
        })
    }

    /// Every text of `code`, with its place.
    pub(crate) fn all(&self, code: &str) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        let code = code.to_owned();
        self.entries
            .iter()
            .filter(move |(c, _, _)| *c == code)
            .map(|(_, text, place)| (*text, *place))
    }

    /// The one text of `code`, if given.
    pub(crate) fn optional(&self, code: &str) -> Option<(&'a str, &'a str)> {
        self.all(code).next()
    }

    /// The one text of `code`, which sigmat needs.
    pub(crate) fn need(&self, code: &str) -> Result<(&'a str, &'a str), TranslateError> {
        let (_, what, _) = EXTRAS
            .iter()
            .find(|(c, _, _)| *c == code)
            .copied()
            .unwrap_or((code, code, ""));
        self.optional(code).ok_or_else(|| {
            TranslateError::new(
                ErrorClass::MissingElement,
                format!("{}/AdditionalInformation[code={code}]", self.consignment),
                format!(
                    "sigmat needs {what}, which NCTS's common-domain messages do not carry; the gateway adds it as AdditionalInformation with code {code} (docs/national/ncts.md)"
                ),
            )
        })
    }
}
