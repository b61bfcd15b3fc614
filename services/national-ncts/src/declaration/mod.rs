//! The declaration ↔ the body of CD001C (anticipated arrival record) and CD050C (anticipated
//! transit record): offices, holder (sigmat's declarant), consignment, goods in one house
//! consignment, and the [`crate::extras`] NCTS has no element for.
//!
//! - `write`: the declaration → the record's elements (with [`PLACEHOLDERS`] where NCTS
//!   requires what sigmat has no value for);
//! - `read`: the record's elements → the declaration.

mod read;
mod write;

pub(crate) use read::read;
pub(crate) use write::write;

/// What sigmat writes where NCTS requires an element it has no value for.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    (
        "TransitOperation/declarationType",
        "T1 (sigmat does not know the NCTS declaration type)",
    ),
    ("TransitOperation/security", "0"),
    ("TransitOperation/reducedDatasetIndicator", "0"),
    ("TransitOperation/bindingItinerary", "0"),
    (
        "TransitOperation/declarationAcceptanceDate",
        "the release date",
    ),
    (
        "ControlResult/code",
        "A1, dated the release date (the office released the goods)",
    ),
    ("*/Address/streetAndNumber", "- (sigmat keeps no addresses)"),
    ("*/Address/city", "- (sigmat keeps no addresses)"),
    (
        "*/Address/country",
        "the country of the office of departure (holder, consignor) or destination (consignee)",
    ),
    (
        "HouseConsignment/sequenceNumber",
        "1: the goods items travel in one house consignment",
    ),
    (
        "HouseConsignment/grossMass",
        "the declaration's total gross mass",
    ),
];
