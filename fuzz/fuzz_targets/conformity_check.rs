//! Any bytes into the conformity checker: a report, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = transit_codec::conformity::check(data);
    assert!(report.level <= 4);
});
