//! The checks every national family's translator passes, and [`family_conformance!`](crate::family_conformance)
//! which writes the tests that call them.

use transit_codec::json;
use transit_national::Translator;

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
    for outcome in transit_national::report::check_fixtures(translator, fixtures) {
        let (_, level) = outcome
            .result
            .unwrap_or_else(|e| panic!("{}: {e}", outcome.name));
        assert_eq!(level, 4, "{}", outcome.name);
    }
}

/// The tests every national family passes, expanded in its `tests/translation.rs`:
///
/// - `regenerate_fixtures` (ignored; run by hand when the format changes, then review the
///   diff: `cargo test -p national-<family> --test translation -- --ignored regenerate`):
///   writes the golden fixtures from the standardized examples on the family's corridor;
/// - `there_is_a_golden_fixture_for_every_exchanged_type`;
/// - `national_to_standard_snapshots`, `standard_to_national_snapshots` (insta, in the
///   family's `tests/snapshots/`);
/// - `round_trip_keeps_every_mapped_field`: national → standardized → national keeps what
///   `mapped_fields` (the family's view of a document's mapped fields) sees;
/// - `the_conformity_checker_gives_every_translated_fixture_level_4`;
/// - `oversize`: one byte over the limit is refused before anything is parsed;
/// - `a_copy_under_an_agreement_carries_only_what_it_shares`
///   ([`assert_copies_carry_only_what_their_agreement_shares`]).
///
/// A family without a train confirmation of its own (NCTS) carries sigmat's JSON one: it
/// says so with `train_extension: "json"` after `extension`.
///
/// It also defines `translator()`, `golden()` (the fixtures), `release()` (the IE029 fixture
/// as text) and `refused(bytes)` (the error of a document that must be refused) for the
/// family's own tests of malformed input.
///
/// ```ignore
/// transit_testkit::family_conformance! {
///     family: "gainde",
///     extension: "edi",
///     translator: Gainde = Gainde::new(Mapping::builtin(CountryCode::parse("SN").unwrap()).unwrap()),
///     corridor: ExampleCorridor::DakarBamako,
///     mapped_fields: segments_but_references,
/// }
/// ```
#[macro_export]
macro_rules! family_conformance {
    (
        family: $family:literal,
        extension: $extension:literal,
        translator: $translator:ty = $make:expr,
        corridor: $corridor:expr,
        mapped_fields: $mapped:expr $(,)?
    ) => {
        $crate::family_conformance! {
            family: $family,
            extension: $extension,
            train_extension: $extension,
            translator: $translator = $make,
            corridor: $corridor,
            mapped_fields: $mapped,
        }
    };
    (
        family: $family:literal,
        extension: $extension:literal,
        train_extension: $train_extension:literal,
        translator: $translator:ty = $make:expr,
        corridor: $corridor:expr,
        mapped_fields: $mapped:expr $(,)?
    ) => {
        fn translator() -> $translator {
            $make
        }

        fn golden() -> Vec<(String, Vec<u8>)> {
            use $crate::__private::transit_national::fixtures;
            fixtures::fixtures(&fixtures::examples_dir($family), $extension)
        }

        fn release() -> String {
            let name = concat!("IE029.", $extension);
            let (_, bytes) = golden()
                .into_iter()
                .find(|(n, _)| n == name)
                .unwrap_or_else(|| panic!("no golden fixture {name}"));
            String::from_utf8(bytes).unwrap()
        }

        fn refused(bytes: &[u8]) -> $crate::__private::transit_national::TranslateError {
            use $crate::__private::transit_national::Translator as _;
            translator()
                .to_standard(bytes)
                .expect_err("this document must be refused")
        }

        #[test]
        fn a_copy_under_an_agreement_carries_only_what_it_shares() {
            $crate::family::assert_copies_carry_only_what_their_agreement_shares(
                &translator(),
                $corridor,
            );
        }

        #[test]
        #[ignore]
        fn regenerate_fixtures() {
            use $crate::__private::transit_national::{examples, fixtures, Translator as _};
            let t = translator();
            let dir = fixtures::examples_dir($family);
            std::fs::create_dir_all(&dir).unwrap();
            for message in examples::examples_for(&t, $corridor) {
                let document = t.to_national(&message).unwrap();
                let name = format!("{}.{}", message.message_type().code(), $extension);
                std::fs::write(dir.join(name), document).unwrap();
            }
            let rail = dir.join("rail");
            std::fs::create_dir_all(&rail).unwrap();
            for message in examples::rail_examples($corridor) {
                let document = t.to_national(&message).unwrap();
                let name = format!("{}.{}", message.message_type().code(), $extension);
                std::fs::write(rail.join(name), document).unwrap();
            }
            let train = examples::train_confirmation_example($corridor);
            std::fs::write(
                rail.join(concat!("train-confirmation.", $train_extension)),
                t.train_to_national(&train).unwrap(),
            )
            .unwrap();
        }

        #[test]
        fn a_train_confirmation_round_trips() {
            use $crate::__private::transit_national::{examples, fixtures, Translator as _};
            let t = translator();
            let path = fixtures::examples_dir($family)
                .join("rail")
                .join(concat!("train-confirmation.", $train_extension));
            let golden = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let example = examples::train_confirmation_example($corridor);
            let read = t
                .train_to_standard(&golden)
                .expect("the fixture is a train confirmation")
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(
                read.confirmation, example,
                "the fixture says what the example says"
            );
            assert_eq!(
                t.train_to_national(&example).unwrap(),
                golden,
                "the example writes the fixture"
            );
            // A release is not taken for a train confirmation, nor the other way round.
            assert!(t.train_to_standard(release().as_bytes()).is_none());
            assert!(t.translate(&golden).is_err());
            // A stage the family does not know is refused, saying where.
            // (A family without a train message of its own carries sigmat's JSON: "passage".)
            let text = String::from_utf8_lossy(&golden)
                .replace("PASSAGE", "MANOEUVRE")
                .replace("\"passage\"", "\"MANOEUVRE\"");
            let err = t.train_to_standard(text.as_bytes()).unwrap().unwrap_err();
            assert!(err.reason.contains("MANOEUVRE"), "{err}");
        }

        #[test]
        fn a_rail_declaration_round_trips_with_its_wagons() {
            use $crate::__private::transit_codec::json;
            use $crate::__private::transit_national::{examples, fixtures, Translator as _};
            let t = translator();
            let dir = fixtures::examples_dir($family).join("rail");
            let golden: Vec<_> = fixtures::fixtures(&dir, $extension)
                .into_iter()
                .filter(|(name, _)| name.starts_with("IE"))
                .collect();
            let rail = examples::rail_examples($corridor);
            assert_eq!(
                golden.len(),
                rail.len(),
                "one golden rail fixture per rail example in {}",
                dir.display()
            );
            for ((name, bytes), example) in golden.iter().zip(&rail) {
                // The fixture is the example in the national format, and reads back to it.
                assert_eq!(
                    t.to_national(example).unwrap(),
                    *bytes,
                    "{name}: the fixture is not the example's translation"
                );
                assert_eq!(
                    json::encode(&t.to_standard(bytes).unwrap()),
                    json::encode(example),
                    "{name}: wagons or containers lost"
                );
                let again = $crate::family::round_trip(&t, name, bytes);
                assert_eq!(($mapped)(bytes), ($mapped)(&again), "{name}");
            }
            $crate::family::assert_every_fixture_reaches_level_4(&t, &golden);
        }

        #[test]
        fn there_is_a_golden_fixture_for_every_exchanged_type() {
            $crate::family::assert_a_fixture_for_every_exchanged_type(&translator(), &golden());
        }

        #[test]
        fn national_to_standard_snapshots() {
            use $crate::__private::transit_national::Translator as _;
            use $crate::__private::{serde_json, transit_codec::json};
            let t = translator();
            for (name, bytes) in golden() {
                let message = t.to_standard(&bytes).unwrap();
                let value: serde_json::Value =
                    serde_json::from_slice(&json::encode(&message)).unwrap();
                let pretty = serde_json::to_string_pretty(&value).unwrap();
                $crate::__private::insta::assert_snapshot!(format!("to_standard__{name}"), pretty);
            }
        }

        #[test]
        fn standard_to_national_snapshots() {
            use $crate::__private::transit_national::{examples, Translator as _};
            let t = translator();
            for message in examples::examples_for(&t, $corridor) {
                let document = String::from_utf8(t.to_national(&message).unwrap()).unwrap();
                $crate::__private::insta::assert_snapshot!(
                    format!("to_national__{}", message.message_type().code()),
                    document
                );
            }
        }

        #[test]
        fn round_trip_keeps_every_mapped_field() {
            let t = translator();
            let mapped = $mapped;
            for (name, bytes) in golden() {
                let again = $crate::family::round_trip(&t, &name, &bytes);
                assert_eq!(mapped(&bytes), mapped(&again), "{name}");
            }
        }

        #[test]
        fn the_conformity_checker_gives_every_translated_fixture_level_4() {
            $crate::family::assert_every_fixture_reaches_level_4(&translator(), &golden());
        }

        #[test]
        fn oversize() {
            use $crate::__private::transit_national::{ErrorClass, MAX_NATIONAL_BYTES};
            let padding = "\n".repeat(MAX_NATIONAL_BYTES);
            let err = refused(format!("{}{padding}", release()).as_bytes());
            assert_eq!(err.class, ErrorClass::Oversize, "{err}");
            assert_eq!(err.place, "message");
        }
    };
}

/// Copies made under a data-sharing agreement, in the family's format: with an agreement that
/// withholds trader identities and values from offices of transit, the anticipated transit
/// record's national document holds no trader's number or name and no guarantee amount, while
/// the anticipated arrival record (destination: everything shared) holds them; and a copy that
/// withholds every group but identification and goods reads back as it was written (withheld
/// elements absent, the marker kept).
pub fn assert_copies_carry_only_what_their_agreement_shares(
    translator: &dyn Translator,
    corridor: transit_national::examples::ExampleCorridor,
) {
    use transit_model::reference::agreements::{share, Agreements};
    use transit_model::{Body, ReceivingRole};

    let every = transit_model::DataGroup::ALL_NAMES;
    let agreements = Agreements::from_json(
        &serde_json::json!({"version": "t", "note": "t", "agreements": [
            {"id": "TEST-WITHHOLD", "kind": "bilateral", "countries": ["CI", "BF"],
             "legalReference": {"title": "test", "article": "1"}, "validFrom": "2000-01-01",
             "shares": {
                "transit": ["identification", "transport", "goods", "grossMass", "guarantee", "documents"],
                "destination": every,
                "divertedDestination": ["identification", "goods"]}}
        ]})
        .to_string(),
    )
    .unwrap();
    let agreement = agreements.get("TEST-WITHHOLD").unwrap();
    let examples = transit_national::examples::examples_for(translator, corridor);
    let example = |code: &str| {
        examples
            .iter()
            .find(|m| m.message_type().code() == code)
            .unwrap_or_else(|| panic!("no {code} example"))
            .clone()
    };
    let with_body = |message: &transit_model::StandardMessage, body: Body| {
        transit_model::StandardMessage::new(message.header().clone(), body).unwrap()
    };
    let transit = example("IE050");
    let Body::AnticipatedTransitRecord(declaration) = transit.body() else {
        panic!("IE050 carries a declaration")
    };
    let guarantee = declaration.obligation_guarantee.as_ref().unwrap();
    let amount = guarantee
        .amount_amount
        .as_ref()
        .unwrap()
        .as_str()
        .to_owned();
    let mut secrets: Vec<String> = vec![amount.clone()];
    for party in [
        declaration.declarant.as_ref(),
        declaration.goods_shipment.consignor.as_ref(),
        declaration.goods_shipment.consignee.as_ref(),
        declaration.consignment.carrier.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        secrets.push(party.id.as_str().to_owned());
        // The name's first word long enough to be the trader's, in any encoding of ASCII.
        secrets.extend(
            party
                .name
                .as_str()
                .split(' ')
                .find(|w| w.len() >= 6 && w.is_ascii())
                .map(str::to_owned),
        );
    }
    let holds =
        |bytes: &[u8], secret: &str| bytes.windows(secret.len()).any(|w| w == secret.as_bytes());

    // To the border: neither trader identities nor values; the marker says so.
    let border_copy = share(declaration, agreement, ReceivingRole::Transit);
    let border = with_body(
        &transit,
        Body::AnticipatedTransitRecord(border_copy.clone()),
    );
    let national = translator
        .to_national(&border)
        .unwrap_or_else(|e| panic!("the border copy cannot be written: {e}"));
    for secret in &secrets {
        assert!(
            !holds(&national, secret),
            "the border copy holds {secret:?}, which its agreement withholds:\n{}",
            String::from_utf8_lossy(&national)
        );
    }
    assert!(
        holds(&national, "TEST-WITHHOLD traders values"),
        "no marker naming the agreement and the groups:\n{}",
        String::from_utf8_lossy(&national)
    );
    let read = translator.to_standard(&national).unwrap();
    assert_eq!(
        json::encode(&read),
        json::encode(&border),
        "the border copy reads back as written"
    );

    // To the destination: everything.
    let arrival = example("IE001");
    let Body::AnticipatedArrivalRecord(declared) = arrival.body() else {
        panic!("IE001 carries a declaration")
    };
    let destination_copy = share(declared, agreement, ReceivingRole::Destination);
    let destination = with_body(&arrival, Body::AnticipatedArrivalRecord(destination_copy));
    let national = translator.to_national(&destination).unwrap();
    assert!(
        holds(&national, &amount),
        "the destination copy lacks the amount"
    );
    let read = translator.to_standard(&national).unwrap();
    assert_eq!(json::encode(&read), json::encode(&destination));

    // Everything withheld but identification and goods: placeholders where the format needs
    // them, read back as absent.
    let bare = share(declared, agreement, ReceivingRole::DivertedDestination);
    assert_eq!(bare.withheld.as_ref().unwrap().groups.len(), 6);
    let bare = with_body(&arrival, Body::AnticipatedArrivalRecord(bare));
    let national = translator
        .to_national(&bare)
        .unwrap_or_else(|e| panic!("the bare copy cannot be written: {e}"));
    for secret in &secrets {
        assert!(!holds(&national, secret), "the bare copy holds {secret:?}");
    }
    let read = translator.to_standard(&national).unwrap();
    assert_eq!(
        json::encode(&read),
        json::encode(&bare),
        "the bare copy reads back as written"
    );
}
