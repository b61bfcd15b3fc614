//! Shared checks for translator test suites (fixtures on disk, round trips). Used by each
//! family crate's tests; not needed at run time.

use std::path::{Path, PathBuf};

use transit_codec::json;

use crate::Translator;

/// The repository's `schemas/national/<family>/examples` directory.
pub fn examples_dir(family: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../schemas/national")
        .join(family)
        .join("examples")
}

/// Every fixture with extension `ext` in `dir`, sorted by name.
pub fn fixtures(dir: &Path, ext: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// national → standardized → national → standardized gives the same standardized message,
/// and the second national form translates again to it. Returns the regenerated national
/// bytes for family-specific field comparisons.
pub fn round_trip(translator: &dyn Translator, name: &str, national: &[u8]) -> Vec<u8> {
    let first = translator
        .to_standard(national)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = translator
        .to_national(&first)
        .unwrap_or_else(|e| panic!("{name} back to national: {e}"));
    let second = translator.to_standard(&again).unwrap_or_else(|e| {
        panic!(
            "{name} regenerated does not translate: {e}\n{}",
            String::from_utf8_lossy(&again)
        )
    });
    assert_eq!(
        json::encode(&first),
        json::encode(&second),
        "{name}: round trip changed the message"
    );
    again
}

/// The fixtures cover every type the family exchanges, each translating without error, and
/// no other.
pub fn assert_a_fixture_for_every_exchanged_type(
    translator: &dyn Translator,
    fixtures: &[(String, Vec<u8>)],
) {
    let mut seen: Vec<&str> = fixtures
        .iter()
        .map(|(name, bytes)| {
            translator
                .to_standard(bytes)
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .message_type()
                .code()
        })
        .collect();
    seen.sort_unstable();
    let mut expected: Vec<&str> = translator.exchanged().iter().map(|t| t.code()).collect();
    expected.sort_unstable();
    assert_eq!(seen, expected);
}

/// Every fixture, translated, reaches level 4 of the WCO conformity checker.
pub fn assert_every_fixture_reaches_level_4(
    translator: &dyn Translator,
    fixtures: &[(String, Vec<u8>)],
) {
    for outcome in crate::report::check_fixtures(translator, fixtures) {
        let (_, level) = outcome
            .result
            .unwrap_or_else(|e| panic!("{}: {e}", outcome.name));
        assert_eq!(level, 4, "{}", outcome.name);
    }
}
