//! # national-families — which translator speaks which family
//!
//! [`translator`] turns a family name, a country and (optionally) a mapping file into the
//! translator an adapter, a simulator or the `sigmat` tool uses. A new family is one translator
//! crate and one line here.

use std::sync::Arc;

use anyhow::Context;
use transit_model::CountryCode;
use transit_national::{Family, Mapping, Translator};

/// The translator for `family`, with the country's mapping (`None` for `standard`).
pub fn translator(
    family: Family,
    country: CountryCode,
    mapping_file: Option<&std::path::Path>,
) -> anyhow::Result<Option<Arc<dyn Translator>>> {
    if family == Family::Standard {
        return Ok(None);
    }
    let mapping = match mapping_file {
        Some(path) => {
            let json = std::fs::read_to_string(path)
                .with_context(|| format!("reading the mapping file {}", path.display()))?;
            Mapping::from_json(&json)?
        }
        None => Mapping::builtin(country).with_context(|| {
            format!(
                "no mapping file is shipped for {country}; write one like schemas/national/mapping/bf.json and set mapping_file"
            )
        })?,
    };
    anyhow::ensure!(
        mapping.country() == country,
        "the mapping file is for {}, this adapter serves {country}",
        mapping.country()
    );
    translator_with(family, mapping).map(Some)
}

/// The translator for `family` with `mapping` (a table read from a file or carried by the
/// reference data), refused if the table is for another family.
pub fn translator_with(family: Family, mapping: Mapping) -> anyhow::Result<Arc<dyn Translator>> {
    anyhow::ensure!(
        mapping.family() == family,
        "the mapping of {} is for the {} family, this adapter is configured for {family}",
        mapping.country(),
        mapping.family()
    );
    Ok(match family {
        Family::Asycuda => Arc::new(national_asycuda::Asycuda::new(mapping)),
        Family::Sydam => Arc::new(national_sydam::Sydam::new(mapping)),
        Family::Gainde => Arc::new(national_gainde::Gainde::new(mapping)),
        Family::Ncts => Arc::new(national_ncts::Ncts::new(mapping)),
        Family::Standard => anyhow::bail!(
            "the standard family translates nothing: a country that speaks the standardized JSON has no mapping table"
        ),
    })
}
