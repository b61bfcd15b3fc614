//! Any bytes into the Gainde translator: an error, or a standardized message that goes back
//! to the national format and translates again to itself; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use transit_model::CountryCode;
use transit_national::{Mapping, Translator};

fuzz_target!(|data: &[u8]| {
    let mapping = Mapping::builtin(CountryCode::parse("SN").unwrap()).unwrap();
    let translator = national_gainde::Gainde::new(mapping);
    let _ = translator.reference_of(data);
    if let Ok(message) = translator.to_standard(data) {
        let national = translator
            .to_national(&message)
            .expect("a translated message has a national form");
        let again = translator
            .to_standard(&national)
            .expect("the national form translates again");
        assert_eq!(again, message);
    }
});
