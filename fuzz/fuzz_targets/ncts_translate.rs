//! Any bytes into the NCTS translator: an error, or a standardized message whose NCTS form
//! (when it has one: NCTS is narrower than sigmat in places, and says so) translates again
//! to itself; a guarantee check read or refused, and an answer read back written again and
//! read once more; never a panic.
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
    if let Some(Ok(read)) = translator.guarantee_check_to_standard(data) {
        assert!(read.check.check().is_ok(), "a check read is a valid check");
    }
    if let Some(Ok(result)) = translator.guarantee_result_to_standard(data) {
        if let Ok(national) = translator.guarantee_result_to_national(&result) {
            translator
                .guarantee_result_to_standard(&national)
                .expect("the answer written is an answer")
                .expect("and reads again");
        }
    }
});
