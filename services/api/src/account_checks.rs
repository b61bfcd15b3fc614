//! An account's scope judged against the reference data in force, before `api users add`
//! creates it: an officer's office must be listed and in force today, a trader's TIN must have
//! been issued by a country of the network (its first two letters), and a guarantor's country
//! must have offices and be in the guarantee cover today. Without this, an account for an
//! office that does not exist is created, and its officer can log in and do nothing.
//!
//! Pure: the data and the day come in ([`judge`]); [`crate::users`] reads the version in force.
//! Every [`Refusal`] is permanent — fix the option, or import the data first with
//! `sigmat reference import` — and says which.
//!
//! ```
//! use api::account_checks::{judge, Refusal, Scope};
//! use transit_model::reference::{GuaranteeCover, ReferenceData};
//! use transit_model::OfficeRef;
//!
//! let (data, cover) = (ReferenceData::builtin(), GuaranteeCover::builtin());
//! let today = "2026-06-01".parse().unwrap();
//! let niangoloko = Scope::Officer(OfficeRef::parse("BFNGK001").unwrap());
//! assert_eq!(judge(&niangoloko, &data, &cover, today), Ok(()));
//! let nowhere = Scope::Officer(OfficeRef::parse("BFZZZ001").unwrap());
//! assert!(matches!(
//!     judge(&nowhere, &data, &cover, today),
//!     Err(Refusal::UnknownOffice { .. })
//! ));
//! ```

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use transit_model::reference::{GuaranteeCover, ReferenceData};
use transit_model::{CountryCode, OfficeRef, Text17};

/// What an account acts at or follows, as `api users add`'s options name it (parsed).
#[derive(Clone, Debug, PartialEq)]
pub enum Scope {
    /// An officer, at one office (`--office`).
    Officer(OfficeRef),
    /// A trader, by its TIN (`--party`).
    Trader(Text17),
    /// A guarantor, of the departures from one country (`--country`).
    Guarantor(CountryCode),
    /// An operator or an adapter identity: nothing here to check against the reference data.
    Unscoped,
}

/// A country, as a refusal names it: `Burkina Faso (BF)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// Its code.
    pub code: CountryCode,
    /// Its name in the ISO list of the data (the code again if the list lacks it).
    pub name: String,
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.code.as_str())
    }
}

/// Why the reference data in force refuses an account. All permanent: nothing changes by
/// trying again until the option or the reference data does.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// `--office` is not an office of the reference data.
    UnknownOffice {
        /// The office given.
        office: OfficeRef,
        /// Its country (the reference's prefix).
        country: Named,
        /// That country's offices in force today, as `CODE (Name)`.
        in_force: Vec<String>,
    },
    /// `--office` is listed, but does not work as a customs office today.
    OfficeNotInForce {
        /// The office given.
        office: OfficeRef,
        /// Its name.
        name: String,
        /// When it does work (`from 2027-01-01`, `until 2025-12-31`).
        validity: String,
        /// The day judged.
        today: NaiveDate,
        /// Its country's offices in force today, as `CODE (Name)`.
        in_force: Vec<String>,
    },
    /// `--party` does not start with a country code.
    TinWithoutCountry {
        /// The TIN given.
        tin: String,
    },
    /// The trader's or guarantor's country has no customs office in the reference data.
    OutsideTheNetwork {
        /// `the TIN CI0123456X` or `the guarantor`.
        whose: String,
        /// The country.
        country: Named,
        /// The countries with offices.
        network: Vec<CountryCode>,
    },
    /// The guarantor's country has offices, but the guarantee is not honoured there today.
    NotCovered {
        /// The country.
        country: Named,
        /// The day judged.
        today: NaiveDate,
        /// Its entry in the cover (`from 2027-01-01`), if it has one.
        cover: Option<String>,
    },
}

const IMPORT: &str = "sigmat reference import";

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOffice {
                office,
                country,
                in_force,
            } if in_force.is_empty() => write!(
                f,
                "--office {:?}: no such office in the reference data in force, which has no office of {country} in force; import {}'s offices first with `{IMPORT}`",
                office.as_str(), country.code.as_str()
            ),
            Self::UnknownOffice {
                office,
                country,
                in_force,
            } => write!(
                f,
                "--office {:?}: no such office in the reference data in force. The offices of {country} in force are {}: give one of them, or if {} is a new office, import it first with `{IMPORT}`",
                office.as_str(),
                in_force.join(", "),
                office.as_str()
            ),
            Self::OfficeNotInForce {
                office,
                name,
                validity,
                today,
                in_force,
            } => {
                write!(
                    f,
                    "--office {:?}: {name} works as a customs office {validity}, not today ({today}); ",
                    office.as_str()
                )?;
                if !in_force.is_empty() {
                    write!(f, "give an office in force ({}), or ", in_force.join(", "))?;
                }
                write!(f, "have its dates changed first with `{IMPORT}`")
            }
            Self::TinWithoutCountry { tin } => write!(
                f,
                "--party {tin:?}: a TIN starts with the two capital letters of the country that issued it (e.g. CI0123456X)"
            ),
            Self::OutsideTheNetwork {
                whose,
                country,
                network,
            } => write!(
                f,
                "{whose}: {country} has no customs office in the reference data in force (the network's countries are {}); check it, or onboard {} first with `{IMPORT}`",
                network.iter().map(CountryCode::as_str).collect::<Vec<_>>().join(", "),
                country.code.as_str()
            ),
            Self::NotCovered {
                country,
                today,
                cover,
            } => {
                write!(
                    f,
                    "--country {}: the guarantee is not honoured in {country} today ({today}); ",
                    country.code.as_str()
                )?;
                match cover {
                    Some(validity) => write!(f, "the guarantee cover lists it {validity}")?,
                    None => write!(f, "the guarantee cover does not list it")?,
                }
                write!(
                    f,
                    ". A guarantor follows departures from a covered country: add it to reference/guarantee-cover.json first with `{IMPORT}`"
                )
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// Whether `scope` is one the reference data `data` (with its guarantee `cover`) allows on
/// `today`.
pub fn judge(
    scope: &Scope,
    data: &ReferenceData,
    cover: &GuaranteeCover,
    today: NaiveDate,
) -> Result<(), Refusal> {
    match scope {
        Scope::Officer(office) => officer(office, data, today),
        Scope::Trader(tin) => {
            let country = tin
                .as_str()
                .get(..2)
                .and_then(|prefix| CountryCode::parse(prefix).ok())
                .ok_or_else(|| Refusal::TinWithoutCountry {
                    tin: tin.as_str().to_owned(),
                })?;
            in_network(country, data, || format!("--party {:?}", tin.as_str()))
        }
        Scope::Guarantor(country) => {
            in_network(*country, data, || {
                format!("--country {} (the guarantor's)", country.as_str())
            })?;
            if cover.covers(*country, today) {
                return Ok(());
            }
            Err(Refusal::NotCovered {
                country: named(*country, data),
                today,
                cover: cover
                    .countries()
                    .iter()
                    .find(|entry| entry.country == *country)
                    .map(|entry| match entry.valid_to {
                        Some(to) => format!("from {} to {to}", entry.valid_from),
                        None => format!("from {}", entry.valid_from),
                    }),
            })
        }
        Scope::Unscoped => Ok(()),
    }
}

fn officer(office: &OfficeRef, data: &ReferenceData, today: NaiveDate) -> Result<(), Refusal> {
    let country = office.country();
    let in_force: Vec<String> = data
        .offices()
        .filter(|o| o.country == country && o.valid_on(today))
        .map(|o| format!("{} ({})", o.code.as_str(), o.name))
        .collect();
    match data.office(office) {
        Some(found) if found.valid_on(today) => Ok(()),
        Some(found) => Err(Refusal::OfficeNotInForce {
            office: office.clone(),
            name: found.name.clone(),
            validity: found.validity(),
            today,
            in_force,
        }),
        None => Err(Refusal::UnknownOffice {
            office: office.clone(),
            country: named(country, data),
            in_force,
        }),
    }
}

fn in_network(
    country: CountryCode,
    data: &ReferenceData,
    whose: impl FnOnce() -> String,
) -> Result<(), Refusal> {
    let network: BTreeSet<CountryCode> = data.offices().map(|o| o.country).collect();
    if network.contains(&country) {
        return Ok(());
    }
    Err(Refusal::OutsideTheNetwork {
        whose: whose(),
        country: named(country, data),
        network: network.into_iter().collect(),
    })
}

fn named(code: CountryCode, data: &ReferenceData) -> Named {
    let name = data
        .countries
        .codes
        .iter()
        .find(|c| c.code == code.as_str())
        .map_or_else(|| code.as_str().to_owned(), |c| c.name.clone());
    Named { code, name }
}

#[cfg(test)]
mod tests {
    use transit_model::reference::ReferenceDocument;

    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn office(code: &str) -> Scope {
        Scope::Officer(OfficeRef::parse(code).unwrap())
    }

    fn trader(tin: &str) -> Scope {
        Scope::Trader(Text17::parse(tin).unwrap())
    }

    fn guarantor(cc: &str) -> Scope {
        Scope::Guarantor(CountryCode::parse(cc).unwrap())
    }

    /// The published data, with Dakola closed at the end of 2025 and Kantchari opening in 2027.
    fn with_dates() -> ReferenceData {
        let document = ReferenceDocument::builtin();
        let text = |path: &str| document.file(path).unwrap().to_string();
        let mut offices = document.file("reference/offices.json").unwrap().clone();
        for o in offices["offices"].as_array_mut().unwrap() {
            match o["code"].as_str() {
                Some("BFDKL001") => o["validTo"] = "2025-12-31".into(),
                Some("BFKAN001") => o["validFrom"] = "2027-01-01".into(),
                _ => {}
            }
        }
        ReferenceData::from_json(
            &offices.to_string(),
            &text("reference/corridors.json"),
            [
                &text("codelists/iso3166-1-alpha2.json"),
                &text("codelists/iso4217.json"),
                &text("codelists/unece-rec19.json"),
                &text("codelists/unece-rec21-subset.json"),
                &text("codelists/hs-chapters.json"),
            ],
        )
        .unwrap()
    }

    fn judged(scope: &Scope) -> Result<(), Refusal> {
        judge(
            scope,
            &ReferenceData::builtin(),
            &GuaranteeCover::builtin(),
            day("2026-06-01"),
        )
    }

    #[test]
    fn an_officer_at_a_listed_office_in_force_is_taken() {
        assert_eq!(judged(&office("BFNGK001")), Ok(()));
        assert_eq!(judged(&office("MLBKO001")), Ok(()));
        assert_eq!(judged(&Scope::Unscoped), Ok(()));
    }

    #[test]
    fn an_unknown_office_is_refused_with_its_countrys_offices_and_the_import_command() {
        let refusal = judged(&office("BFZZZ001")).unwrap_err();
        let Refusal::UnknownOffice { in_force, .. } = &refusal else {
            panic!("{refusal:?}")
        };
        assert!(
            in_force.contains(&"BFNGK001 (Niangoloko)".to_owned()),
            "{in_force:?}"
        );
        assert!(in_force.iter().all(|o| o.starts_with("BF")), "{in_force:?}");
        let text = refusal.to_string();
        assert!(
            text.starts_with("--office \"BFZZZ001\": no such office"),
            "{text}"
        );
        assert!(
            text.contains("The offices of Burkina Faso (BF) in force are "),
            "{text}"
        );
        assert!(text.contains("sigmat reference import"), "{text}");
    }

    #[test]
    fn an_office_of_a_country_without_offices_says_to_import_them_first() {
        let text = judged(&office("GNCKY001")).unwrap_err().to_string();
        assert!(
            text.contains("which has no office of Guinea (GN) in force; import GN's offices first with `sigmat reference import`"),
            "{text}"
        );
    }

    #[test]
    fn an_office_closed_or_not_yet_open_is_refused_naming_its_dates() {
        let data = with_dates();
        let cover = GuaranteeCover::builtin();
        let today = day("2026-06-01");
        let closed = judge(&office("BFDKL001"), &data, &cover, today).unwrap_err();
        assert!(
            matches!(closed, Refusal::OfficeNotInForce { .. }),
            "{closed:?}"
        );
        let text = closed.to_string();
        assert!(
            text.contains(
                "Dakola works as a customs office until 2025-12-31, not today (2026-06-01)"
            ),
            "{text}"
        );
        assert!(text.contains("BFNGK001 (Niangoloko)"), "{text}");
        assert!(
            !text.contains("BFDKL001 ("),
            "a closed office is not offered: {text}"
        );
        let opening = judge(&office("BFKAN001"), &data, &cover, today)
            .unwrap_err()
            .to_string();
        assert!(opening.contains("from 2027-01-01, not today"), "{opening}");
        // On days they work, they are taken.
        assert_eq!(
            judge(&office("BFDKL001"), &data, &cover, day("2025-12-31")),
            Ok(())
        );
        assert_eq!(
            judge(&office("BFKAN001"), &data, &cover, day("2027-01-01")),
            Ok(())
        );
    }

    #[test]
    fn a_traders_tin_must_come_from_a_country_of_the_network() {
        assert_eq!(judged(&trader("CI0123456X")), Ok(()));
        assert_eq!(judged(&trader("BF9999999Z")), Ok(()));
        let outside = judged(&trader("FR0123456X")).unwrap_err();
        let text = outside.to_string();
        assert!(
            matches!(outside, Refusal::OutsideTheNetwork { .. }),
            "{text}"
        );
        assert!(
            text.starts_with("--party \"FR0123456X\": France (FR) has no customs office"),
            "{text}"
        );
        assert!(
            text.contains("the network's countries are BF, BJ, CI,"),
            "{text}"
        );
        for shapeless in ["0123456789", "ci0123456X", "C"] {
            assert_eq!(
                judged(&trader(shapeless)),
                Err(Refusal::TinWithoutCountry {
                    tin: shapeless.into()
                })
            );
        }
    }

    #[test]
    fn a_guarantors_country_must_have_offices_and_be_covered_today() {
        assert_eq!(judged(&guarantor("CI")), Ok(()));
        let outside = judged(&guarantor("GN")).unwrap_err().to_string();
        assert!(
            outside
                .starts_with("--country GN (the guarantor's): Guinea (GN) has no customs office"),
            "{outside}"
        );
        assert!(outside.contains("onboard GN first"), "{outside}");

        let cover = GuaranteeCover::from_json(
            r#"{"version": "t", "note": "t", "countries": [
                {"country": "CI", "validFrom": "2000-01-01"},
                {"country": "GH", "validFrom": "2027-01-01"}
            ]}"#,
        )
        .unwrap();
        let data = ReferenceData::builtin();
        let today = day("2026-06-01");
        let later = judge(&guarantor("GH"), &data, &cover, today).unwrap_err();
        assert_eq!(
            later,
            Refusal::NotCovered {
                country: named(CountryCode::parse("GH").unwrap(), &data),
                today,
                cover: Some("from 2027-01-01".into()),
            }
        );
        assert!(later.to_string().contains("the guarantee is not honoured in Ghana (GH) today (2026-06-01); the guarantee cover lists it from 2027-01-01"), "{later}");
        let unlisted = judge(&guarantor("BF"), &data, &cover, today)
            .unwrap_err()
            .to_string();
        assert!(
            unlisted.contains("the guarantee cover does not list it"),
            "{unlisted}"
        );
        assert_eq!(
            judge(&guarantor("GH"), &data, &cover, day("2027-01-01")),
            Ok(())
        );
    }
}
