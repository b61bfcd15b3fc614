use proptest::prelude::*;

use super::*;

/// The letter values as the domain brief states them, written out rather than computed.
const LETTER_VALUES: [(u8, u32); 26] = [
    (b'A', 10),
    (b'B', 12),
    (b'C', 13),
    (b'D', 14),
    (b'E', 15),
    (b'F', 16),
    (b'G', 17),
    (b'H', 18),
    (b'I', 19),
    (b'J', 20),
    (b'K', 21),
    (b'L', 23),
    (b'M', 24),
    (b'N', 25),
    (b'O', 26),
    (b'P', 27),
    (b'Q', 28),
    (b'R', 29),
    (b'S', 30),
    (b'T', 31),
    (b'U', 32),
    (b'V', 34),
    (b'W', 35),
    (b'X', 36),
    (b'Y', 37),
    (b'Z', 38),
];

fn spec_value(c: u8) -> u64 {
    if c.is_ascii_digit() {
        u64::from(c - b'0')
    } else {
        u64::from(LETTER_VALUES.iter().find(|(l, _)| *l == c).unwrap().1)
    }
}

#[test]
fn letter_values_match_the_published_table() {
    for (letter, value) in LETTER_VALUES {
        assert_eq!(char_value(letter), Some(value), "{}", letter as char);
    }
}

#[test]
fn published_vectors_validate() {
    for good in [
        "22ITZXBZYUTJFLJXK6",
        "25CIUJZDE8GXD6NCJ0",
        "25BFF10EPF91DHODJ0",
        "25TG9LGMXG9EDN58J8",
        "25SN0CE9UVW53EFRJ4",
    ] {
        Mrn::parse(good).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
}

#[test]
fn every_wrong_check_digit_is_refused() {
    for good in ["22ITZXBZYUTJFLJXK6", "25CIUJZDE8GXD6NCJ0"] {
        for d in b'0'..=b'9' {
            let mut bad = good.as_bytes().to_vec();
            if bad[17] == d {
                continue;
            }
            bad[17] = d;
            let bad = String::from_utf8(bad).unwrap();
            let err = Mrn::parse(&bad).unwrap_err();
            assert!(err.reason.contains("check digit"), "{bad}: {err}");
        }
    }
}

/// The characters the pattern allows at each position.
fn allowed(position: usize, c: u8) -> bool {
    match position {
        0 | 1 | 17 => c.is_ascii_digit(),
        2 | 3 => c.is_ascii_uppercase(),
        4..=15 => c.is_ascii_uppercase() || c.is_ascii_digit(),
        16 => (b'J'..=b'M').contains(&c),
        _ => false,
    }
}

#[test]
fn every_character_outside_the_pattern_is_refused() {
    let good = b"25CIUJZDE8GXD6NCJ0";
    for position in 0..18 {
        for c in 0u8..=127 {
            if allowed(position, c) {
                continue;
            }
            let mut bad = good.to_vec();
            bad[position] = c;
            let text = String::from_utf8(bad).unwrap();
            assert!(
                Mrn::parse(&text).is_err(),
                "{text:?} (position {position}) was accepted"
            );
        }
    }
    // Lower case, non-ASCII and wrong lengths too.
    for bad in [
        "25ciujzde8gxd6ncj0",
        "25CIUJZDE8GXD6NCJ",
        "25CIUJZDE8GXD6NCJ00",
        "25CIUJZDÉ8GXD6NCJ0",
        "",
    ] {
        assert!(Mrn::parse(bad).is_err(), "{bad:?} was accepted");
    }
}

#[test]
fn pattern_errors_say_which_character() {
    let err = Mrn::parse("25CIUJZDE8GXD6NCX0").unwrap_err();
    assert!(err.reason.contains("character 17"), "{err}");
    let err = Mrn::parse("25ciUJZDE8GXD6NCJ0").unwrap_err();
    assert!(err.reason.contains("characters 3-4"), "{err}");
    let err = Mrn::parse("25CIUJZDE8GXD6NCJ").unwrap_err();
    assert!(err.reason.contains("18 characters"), "{err}");
}

/// Whether ISO 6346 can see that `original` became `changed` at `position`: computed from the
/// weighted sum directly, not through the validator.
fn detectable(original: &[u8], position: usize, changed: u8) -> bool {
    let d = u64::from(original[17] - b'0');
    if position == 17 {
        return changed != original[17];
    }
    let sum: u64 = original[..17]
        .iter()
        .enumerate()
        .map(|(i, c)| spec_value(*c) << i)
        .sum();
    let weight = 1u64 << position;
    let new_sum = sum + spec_value(changed) * weight + 11 * weight * 40
        - spec_value(original[position]) * weight;
    (new_sum % 11) % 10 != d
}

#[test]
fn single_substitutions_are_refused_exactly_when_the_check_digit_can_see_them() {
    let mut total = 0;
    let mut undetectable = 0;
    for good in [
        "22ITZXBZYUTJFLJXK6",
        "25CIUJZDE8GXD6NCJ0",
        "25BFF10EPF91DHODJ0",
        "25SN0CE9UVW53EFRJ4",
    ] {
        let original = good.as_bytes();
        for position in 0..18 {
            for c in (b'0'..=b'9').chain(b'A'..=b'Z') {
                if c == original[position] || !allowed(position, c) {
                    continue;
                }
                let mut changed = original.to_vec();
                changed[position] = c;
                let text = String::from_utf8(changed).unwrap();
                total += 1;
                let refused = Mrn::parse(&text).is_err();
                assert_eq!(
                    refused,
                    detectable(original, position, c),
                    "{good} → {text}"
                );
                if !refused {
                    undetectable += 1;
                }
            }
        }
    }
    // 222 of these 2,000 pattern-valid substitutions keep a valid check digit (79 of 491 in the
    // domain brief's sample): the docs promise no more than that.
    let share = f64::from(undetectable) / f64::from(total);
    assert!(
        total == 2000 && undetectable == 222 && (0.10..0.17).contains(&share),
        "{undetectable} of {total} undetectable"
    );
}

#[test]
fn from_parts_rebuilds_the_vectors() {
    let mrn = Mrn::from_parts(
        22,
        CountryCode::parse("IT").unwrap(),
        "ZXBZYUTJFLJX",
        ProcedureLetter::K,
    )
    .unwrap();
    assert_eq!(mrn.as_str(), "22ITZXBZYUTJFLJXK6");
}

#[test]
fn ten_thousand_generated_mrns_validate() {
    // A deterministic generator (xorshift), so a failure is reproducible.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let countries = ["CI", "BF", "NE", "ML", "TG", "BJ", "SN", "GH"];
    let procedures = [
        ProcedureLetter::J,
        ProcedureLetter::K,
        ProcedureLetter::L,
        ProcedureLetter::M,
    ];
    for _ in 0..10_000 {
        let serial: String = (0..12)
            .map(|_| ALNUM[(next() % 36) as usize] as char)
            .collect();
        let country = CountryCode::parse(countries[(next() % 8) as usize]).unwrap();
        let mrn = Mrn::from_parts(
            (next() % 100) as u16,
            country,
            &serial,
            procedures[(next() % 4) as usize],
        )
        .unwrap();
        assert_eq!(Mrn::parse(mrn.as_str()).unwrap(), mrn);
    }
}

proptest! {
    #[test]
    fn generated_mrns_round_trip(serial in "[A-Z0-9]{12}", year in 0u16..100, cc in "[A-Z]{2}") {
        let mrn = Mrn::from_parts(year, CountryCode::parse(&cc).unwrap(), &serial, ProcedureLetter::J).unwrap();
        prop_assert_eq!(Mrn::parse(mrn.as_str()).unwrap(), mrn);
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,40}") {
        let _ = Mrn::parse(&text);
    }
}
