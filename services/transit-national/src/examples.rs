//! The standardized examples of the exchanged types (`schemas/transit/v1/examples`), for
//! fixtures, simulators and tests: the Abidjan → Ouagadougou movement, or the same movement
//! moved onto the Dakar → Bamako corridor.

use transit_codec::json;
use transit_model::StandardMessage;

use crate::{Translator, EXCHANGED, OFFICE_TO_OFFICE};

const EXAMPLES: &[(&str, &str)] = &[
    (
        "IE001",
        include_str!("../../../schemas/transit/v1/examples/IE001.json"),
    ),
    (
        "IE006",
        include_str!("../../../schemas/transit/v1/examples/IE006.json"),
    ),
    (
        "IE010",
        include_str!("../../../schemas/transit/v1/examples/IE010.json"),
    ),
    (
        "IE018",
        include_str!("../../../schemas/transit/v1/examples/IE018.json"),
    ),
    (
        "IE029",
        include_str!("../../../schemas/transit/v1/examples/IE029.json"),
    ),
    (
        "IE045",
        include_str!("../../../schemas/transit/v1/examples/IE045.json"),
    ),
    (
        "IE050",
        include_str!("../../../schemas/transit/v1/examples/IE050.json"),
    ),
    (
        "IE118",
        include_str!("../../../schemas/transit/v1/examples/IE118.json"),
    ),
    (
        "IE180",
        include_str!("../../../schemas/transit/v1/examples/IE180.json"),
    ),
    (
        "IE181",
        include_str!("../../../schemas/transit/v1/examples/IE181.json"),
    ),
    (
        "IE906",
        include_str!("../../../schemas/transit/v1/examples/IE906.json"),
    ),
];

/// The standardized examples of the office-to-office types ([`OFFICE_TO_OFFICE`]).
const OFFICE_TO_OFFICE_EXAMPLES: &[(&str, &str)] = &[
    (
        "IE002",
        include_str!("../../../schemas/transit/v1/examples/IE002.json"),
    ),
    (
        "IE003",
        include_str!("../../../schemas/transit/v1/examples/IE003.json"),
    ),
    (
        "IE094",
        include_str!("../../../schemas/transit/v1/examples/IE094.json"),
    ),
    (
        "IE095",
        include_str!("../../../schemas/transit/v1/examples/IE095.json"),
    ),
    (
        "IE114",
        include_str!("../../../schemas/transit/v1/examples/IE114.json"),
    ),
    (
        "IE115",
        include_str!("../../../schemas/transit/v1/examples/IE115.json"),
    ),
    (
        "IE142",
        include_str!("../../../schemas/transit/v1/examples/IE142.json"),
    ),
    (
        "IE143",
        include_str!("../../../schemas/transit/v1/examples/IE143.json"),
    ),
    (
        "IE144",
        include_str!("../../../schemas/transit/v1/examples/IE144.json"),
    ),
    (
        "IE145",
        include_str!("../../../schemas/transit/v1/examples/IE145.json"),
    ),
    (
        "IE150",
        include_str!("../../../schemas/transit/v1/examples/IE150.json"),
    ),
    (
        "IE151",
        include_str!("../../../schemas/transit/v1/examples/IE151.json"),
    ),
    (
        "IE152",
        include_str!("../../../schemas/transit/v1/examples/IE152.json"),
    ),
];

/// Which corridor the examples run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExampleCorridor {
    /// Abidjan port (CI) → Niangoloko (BF) → Ouagadougou (BF), as published.
    AbidjanOuagadougou,
    /// Dakar port (SN) → Diboli (ML) → Bamako (ML): the same messages, offices, countries and
    /// MRN replaced.
    DakarBamako,
}

/// One standardized example per exchanged type, in [`EXCHANGED`] order of codes.
pub fn examples(corridor: ExampleCorridor) -> Vec<StandardMessage> {
    EXAMPLES
        .iter()
        .map(|(code, text)| on_corridor(code, text, corridor))
        .inspect(|m| debug_assert!(EXCHANGED.contains(&m.message_type())))
        .collect()
}

/// One standardized example per office-to-office type, in [`OFFICE_TO_OFFICE`] order.
pub fn office_to_office_examples(corridor: ExampleCorridor) -> Vec<StandardMessage> {
    OFFICE_TO_OFFICE_EXAMPLES
        .iter()
        .map(|(code, text)| on_corridor(code, text, corridor))
        .inspect(|m| debug_assert!(OFFICE_TO_OFFICE.contains(&m.message_type())))
        .collect()
}

/// The rail examples (`schemas/rail/v1/examples`): a declaration with several wagons and the
/// containers on them, moved onto `corridor`.
pub fn rail_examples(corridor: ExampleCorridor) -> Vec<StandardMessage> {
    [(
        "IE029",
        include_str!("../../../schemas/rail/v1/examples/IE029.json"),
    )]
    .iter()
    .map(|(code, text)| on_corridor(code, text, corridor))
    .collect()
}

/// The rail train confirmation example (`schemas/rail/v1/examples/train-confirmation.json`),
/// moved onto `corridor`.
pub fn train_confirmation_example(corridor: ExampleCorridor) -> transit_rail::TrainConfirmation {
    let text = include_str!("../../../schemas/rail/v1/examples/train-confirmation.json");
    let text = match corridor {
        ExampleCorridor::AbidjanOuagadougou => text.to_owned(),
        ExampleCorridor::DakarBamako => text.replace("BFNGK001", "SNKID001"),
    };
    transit_rail::TrainConfirmation::parse(text.as_bytes())
        .unwrap_or_else(|e| panic!("the train confirmation example does not read: {e}"))
}

/// One example of every standardized type (the 25 of the catalogue): the exchanged ones,
/// the office-to-office ones and the hub's XML rejection (IE917).
pub fn every_example(corridor: ExampleCorridor) -> Vec<StandardMessage> {
    let syntax = on_corridor(
        "IE917",
        include_str!("../../../schemas/transit/v1/examples/IE917.json"),
        corridor,
    );
    examples(corridor)
        .into_iter()
        .chain(office_to_office_examples(corridor))
        .chain(std::iter::once(syntax))
        .collect()
}

/// The examples of every type `translator` carries ([`Translator::exchanged`]).
pub fn examples_for(
    translator: &dyn Translator,
    corridor: ExampleCorridor,
) -> Vec<StandardMessage> {
    let carried = translator.exchanged();
    every_example(corridor)
        .into_iter()
        .filter(|m| carried.contains(&m.message_type()))
        .collect()
}

/// Example `code` (its JSON `text`) moved onto `corridor`.
fn on_corridor(code: &str, text: &str, corridor: ExampleCorridor) -> StandardMessage {
    let text = match corridor {
        ExampleCorridor::AbidjanOuagadougou => text.to_owned(),
        ExampleCorridor::DakarBamako => text
            .replace("25CIUJZDE8GXD6NCJ0", "25SN0CE9UVW53EFRJ4")
            .replace("CIABJ001", "SNDKR001")
            .replace("BFNGK001", "MLDBL001")
            .replace("BFOUA001", "MLBKO001")
            .replace("BFBBD001", "MLKAY001")
            .replace("BFYEN001", "SNKID001")
            .replace("\"CI\"", "\"SN\"")
            .replace("\"BF\"", "\"ML\""),
    };
    json::decode(text.as_bytes()).unwrap_or_else(|e| panic!("example {code} does not decode: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_decodes_on_both_corridors_one_per_type() {
        for corridor in [
            ExampleCorridor::AbidjanOuagadougou,
            ExampleCorridor::DakarBamako,
        ] {
            let types: Vec<_> = examples(corridor)
                .iter()
                .map(|m| m.message_type())
                .collect();
            assert_eq!(types.len(), EXCHANGED.len());
            let types: Vec<_> = office_to_office_examples(corridor)
                .iter()
                .map(|m| m.message_type())
                .collect();
            assert_eq!(types, OFFICE_TO_OFFICE);
            assert_eq!(
                every_example(corridor).len(),
                transit_model::MessageType::ALL.len()
            );
        }
    }
}
