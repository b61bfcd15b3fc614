//! Any text into the identifier parsers: accepted values print back as given, and a text
//! field takes at most its schema length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use transit_model::{ContainerNumber, HsCode, Lrn, Mrn, OfficeRef, Text, Text17, Text512};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(v) = Mrn::parse(text) { assert_eq!(v.as_str(), text) }
    if let Ok(v) = OfficeRef::parse(text) { assert_eq!(v.as_str(), text) }
    if let Ok(v) = ContainerNumber::parse(text) { assert_eq!(v.as_str(), text) }
    if let Ok(v) = Lrn::parse(text) { assert_eq!(v.as_str(), text) }
    if let Ok(v) = HsCode::parse(text) { assert_eq!(v.as_str(), text) }
    if let Ok(v) = Text17::parse(text) {
        assert_eq!(v.as_str(), text);
        assert!(text.chars().count() <= 17);
    }
    if let Ok(v) = Text512::parse(text) { assert_eq!(v.as_str(), text) }
    if let Ok(v) = Text::<3>::parse(text) { assert!(v.as_str().chars().count() <= 3) }
});
