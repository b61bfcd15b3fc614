//! Any bytes into the NCTS translator: an error, or a standardized message whose NCTS form
//! (when it has one: NCTS is narrower than sigmat in places, and says so) translates again
//! to itself; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use transit_model::CountryCode;
use transit_national::{Mapping, Translator};

fuzz_target!(|data: &[u8]| {
    let mapping = Mapping::builtin(CountryCode::parse("GH").unwrap()).unwrap();
    let translator = national_ncts::Ncts::new(mapping);
    let _ = translator.reference_of(data);
    if let Ok(message) = translator.to_standard(data) {
        if let Ok(national) = translator.to_national(&message) {
            let again = translator
                .to_standard(&national)
                .expect("the national form translates again");
            assert_eq!(again, message);
        }
    }
});
