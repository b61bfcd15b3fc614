//! The standardized examples of the exchanged types (`schemas/transit/v1/examples`), for
//! fixtures, simulators and tests: the Abidjan → Ouagadougou movement, or the same movement
//! moved onto the Dakar → Bamako corridor.

use transit_codec::json;
use transit_model::StandardMessage;

use crate::EXCHANGED;

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
        .map(|(code, text)| {
            let text = match corridor {
                ExampleCorridor::AbidjanOuagadougou => (*text).to_owned(),
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
            json::decode(text.as_bytes())
                .unwrap_or_else(|e| panic!("example {code} does not decode: {e}"))
        })
        .inspect(|m| debug_assert!(EXCHANGED.contains(&m.message_type())))
        .collect()
}
