//! The agreements under which countries share their transit data, from
//! `schemas/reference/agreements.json` (or the file of the version in force): for each group of
//! countries, each role of the office that receives a copy and each period, which groups of
//! data elements go, and the legal text that allows it. A regional agreement (all of ECOWAS)
//! applies to every pair of its members; a bilateral one (two countries) overrides it for that
//! pair. A copy to a country with no agreement in force is not sent at all.
//!
//! [`share`] builds the copy a receiving office gets: the declaration without the groups its
//! agreement withholds, with a [`Withheld`] marker naming them and the agreement.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{CountryCode, ModelError, Text35, TransitDeclaration};

/// A group of data elements an agreement shares or withholds. Written as its name (a string,
/// also in a list: the XML encoding repeats an element holding the name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataGroup {
    /// The movement's identification and route: LRN, offices, dates, countries of routing.
    /// Every agreement shares it: a copy is at least this.
    Identification,
    /// The vehicle, the wagons, the containers and their seals.
    Transport,
    /// The goods items: description, HS code (to 6 digits), packages.
    Goods,
    /// Gross masses, total and per item.
    GrossMass,
    /// The guarantee: its reference and currency.
    Guarantee,
    /// Trader identities: the holder of the procedure (declarant), consignor, consignee,
    /// carrier.
    Traders,
    /// Values: the amount the guarantee covers (the only amount this message set carries).
    Values,
    /// Supporting documents (none is carried by this message set yet; an agreement may name
    /// the group so that it holds when they are).
    Documents,
}

impl DataGroup {
    /// Every group, in the order the documents list them.
    pub const ALL: [DataGroup; 8] = [
        Self::Identification,
        Self::Transport,
        Self::Goods,
        Self::GrossMass,
        Self::Guarantee,
        Self::Traders,
        Self::Values,
        Self::Documents,
    ];

    /// Every group's name, in [`DataGroup::ALL`]'s order.
    pub const ALL_NAMES: [&'static str; 8] = [
        "identification",
        "transport",
        "goods",
        "grossMass",
        "guarantee",
        "traders",
        "values",
        "documents",
    ];

    /// Its name as files and messages write it (`grossMass`).
    pub fn as_str(self) -> &'static str {
        Self::ALL_NAMES[self as usize]
    }

    /// The group named `name` (as [`DataGroup::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == name)
    }
}

impl Serialize for DataGroup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DataGroup {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Self::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|g| g.as_str()).collect();
            serde::de::Error::custom(format!(
                "\"{name}\" is not a group of data: one of {}",
                names.join(", ")
            ))
        })
    }
}

/// The role of the office a copy goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ReceivingRole {
    /// An office of transit (IE050, or IE115 to an undeclared border office).
    Transit,
    /// The declared office of destination (IE001).
    Destination,
    /// An office of destination the goods were diverted to (IE003).
    DivertedDestination,
}

impl ReceivingRole {
    /// Its name as files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transit => "transit",
            Self::Destination => "destination",
            Self::DivertedDestination => "divertedDestination",
        }
    }
}

/// Regional (any pair of its members) or bilateral (two countries, overriding a regional one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AgreementKind {
    /// A text every member applies to every other member.
    Regional,
    /// A text between two countries; overrides a regional one for that pair.
    Bilateral,
}

/// The legal text that allows the exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegalReference {
    /// The text's title.
    pub title: String,
    /// The article(s) that allow the exchange.
    pub article: String,
}

/// Which groups go to each role of receiving office.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Shares {
    /// To offices of transit.
    pub transit: Vec<DataGroup>,
    /// To the declared office of destination.
    pub destination: Vec<DataGroup>,
    /// To an office of destination the goods were diverted to.
    pub diverted_destination: Vec<DataGroup>,
}

/// One agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Agreement {
    /// A stable id, carried in every copy made under it (at most 35 characters).
    pub id: Text35,
    /// Regional or bilateral.
    pub kind: AgreementKind,
    /// The countries bound by it (two for a bilateral one).
    pub countries: Vec<CountryCode>,
    /// The legal text.
    pub legal_reference: LegalReference,
    /// The first day it applies.
    pub valid_from: NaiveDate,
    /// The last day it applied, if it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// What goes to each role.
    pub shares: Shares,
}

impl Agreement {
    /// The groups it shares with an office of `role`.
    pub fn shares(&self, role: ReceivingRole) -> &[DataGroup] {
        match role {
            ReceivingRole::Transit => &self.shares.transit,
            ReceivingRole::Destination => &self.shares.destination,
            ReceivingRole::DivertedDestination => &self.shares.diverted_destination,
        }
    }

    /// The groups it withholds from an office of `role`, in [`DataGroup::ALL`]'s order.
    pub fn withholds(&self, role: ReceivingRole) -> Vec<DataGroup> {
        let shared = self.shares(role);
        DataGroup::ALL
            .into_iter()
            .filter(|g| !shared.contains(g))
            .collect()
    }

    /// Whether it applies on `day` (both ends inclusive).
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }

    /// Whether it binds both countries.
    pub fn binds(&self, a: CountryCode, b: CountryCode) -> bool {
        self.countries.contains(&a) && self.countries.contains(&b)
    }

    /// Its validity as a phrase: `from 2027-01-01`, `from 2020-01-01 to 2026-12-31`.
    pub fn validity(&self) -> String {
        match self.valid_to {
            Some(to) => format!("from {} to {to}", self.valid_from),
            None => format!("from {}", self.valid_from),
        }
    }

    fn overlaps(&self, other: &Agreement) -> bool {
        let starts_before_other_ends = other.valid_to.is_none_or(|to| self.valid_from <= to);
        let other_starts_before_end = self.valid_to.is_none_or(|to| other.valid_from <= to);
        starts_before_other_ends && other_starts_before_end
    }
}

/// The agreements of a network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreements {
    /// The file's own version label.
    pub version: String,
    /// What it is, for the people who maintain it.
    pub note: String,
    /// The agreements.
    pub agreements: Vec<Agreement>,
}

/// Where a copy's path leads under the agreements: the agreement in force for the two
/// countries, or why there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Basis<'a> {
    /// Both offices are in the same country: no agreement is needed, nothing is withheld.
    SameCountry,
    /// The agreement in force.
    Agreement(&'a Agreement),
    /// No agreement in force binds both countries on that day.
    None,
}

impl Agreements {
    /// The agreements published with this version of sigmat (parsed once).
    pub fn builtin() -> Self {
        static BUILTIN: std::sync::OnceLock<Agreements> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Self::from_json(include_str!(
                    "../../../../schemas/reference/agreements.json"
                ))
                .unwrap_or_else(|e| panic!("the built-in agreements are inconsistent: {e}"))
            })
            .clone()
    }

    /// Parses an agreements file and checks it: ids unique, a bilateral agreement binds two
    /// countries, every role is shared the identification, validity in order, and no two
    /// agreements of the same kind bind the same pair of countries on the same day.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let parsed: Self = serde_json::from_str(text)
            .map_err(|e| ModelError::new("reference file", "agreements.json", e.to_string()))?;
        for (at, agreement) in parsed.agreements.iter().enumerate() {
            check_one(agreement)?;
            for earlier in &parsed.agreements[..at] {
                check_pair(earlier, agreement)?;
            }
        }
        Ok(parsed)
    }

    /// The basis on which data of a movement from `from` goes to an office in `to` on `day`:
    /// a bilateral agreement in force for the two, else a regional one binding both.
    pub fn basis(&self, from: CountryCode, to: CountryCode, day: NaiveDate) -> Basis<'_> {
        if from == to {
            return Basis::SameCountry;
        }
        let in_force = |kind| {
            self.agreements
                .iter()
                .find(|a| a.kind == kind && a.valid_on(day) && a.binds(from, to))
        };
        match in_force(AgreementKind::Bilateral).or_else(|| in_force(AgreementKind::Regional)) {
            Some(agreement) => Basis::Agreement(agreement),
            None => Basis::None,
        }
    }

    /// The agreement with this id.
    pub fn get(&self, id: &str) -> Option<&Agreement> {
        self.agreements.iter().find(|a| a.id.as_str() == id)
    }
}

fn check_one(agreement: &Agreement) -> Result<(), ModelError> {
    let fail = |why: String| Err(ModelError::new("agreement", agreement.id.as_str(), why));
    if agreement.kind == AgreementKind::Bilateral && agreement.countries.len() != 2 {
        return fail(format!(
            "a bilateral agreement binds two countries, not {}",
            agreement.countries.len()
        ));
    }
    if agreement.countries.len() < 2 {
        return fail("an agreement binds at least two countries".into());
    }
    for (at, country) in agreement.countries.iter().enumerate() {
        if agreement.countries[..at].contains(country) {
            return fail(format!("{country} is listed twice"));
        }
    }
    if agreement
        .valid_to
        .is_some_and(|to| to < agreement.valid_from)
    {
        return fail("validTo is before validFrom".into());
    }
    if agreement.legal_reference.title.trim().is_empty()
        || agreement.legal_reference.article.trim().is_empty()
    {
        return fail("give the legal reference's title and article".into());
    }
    for role in [
        ReceivingRole::Transit,
        ReceivingRole::Destination,
        ReceivingRole::DivertedDestination,
    ] {
        if !agreement.shares(role).contains(&DataGroup::Identification) {
            return fail(format!(
                "shares.{} must include \"identification\": a copy is at least the movement's identification and route",
                role.as_str()
            ));
        }
    }
    Ok(())
}

fn check_pair(earlier: &Agreement, later: &Agreement) -> Result<(), ModelError> {
    if earlier.id == later.id {
        return Err(ModelError::new(
            "agreement",
            later.id.as_str(),
            "two agreements have this id",
        ));
    }
    let common: Vec<&CountryCode> = later
        .countries
        .iter()
        .filter(|c| earlier.countries.contains(c))
        .collect();
    if earlier.kind == later.kind && common.len() >= 2 && earlier.overlaps(later) {
        let names: Vec<&str> = common.iter().map(|c| c.as_str()).collect();
        return Err(ModelError::new(
            "agreement",
            later.id.as_str(),
            format!(
                "it and {} are both {} and bind {} on the same days: end one (validTo) before the other starts",
                earlier.id,
                match later.kind {
                    AgreementKind::Regional => "regional",
                    AgreementKind::Bilateral => "bilateral",
                },
                names.join(" and ")
            ),
        ));
    }
    Ok(())
}

/// What the copy of a declaration says was left out, and under which agreement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Withheld {
    /// The agreement the copy was made under.
    pub agreement: Text35,
    /// The groups left out (in [`DataGroup::ALL`]'s order; may be empty: nothing withheld).
    #[serde(default)]
    pub groups: Vec<DataGroup>,
}

/// The copy of `declaration` an office of `role` gets under `agreement`: the groups it withholds
/// left out, HS codes cut to 6 digits (the internationally harmonised part), and a
/// [`Withheld`] marker naming the agreement and the groups.
pub fn share(
    declaration: &TransitDeclaration,
    agreement: &Agreement,
    role: ReceivingRole,
) -> TransitDeclaration {
    let groups = agreement.withholds(role);
    let mut copy = declaration.clone();
    for group in &groups {
        leave_out(&mut copy, *group);
    }
    for item in &mut copy.goods_shipment.government_agency_goods_item {
        let id = &mut item.commodity.classification.id;
        *id = id.to_six_digits();
    }
    copy.withheld = Some(Withheld {
        agreement: agreement.id.clone(),
        groups,
    });
    copy
}

/// Leaves `group` out of `copy` (nothing for identification, which is never withheld, and for
/// documents, which this message set does not carry yet). National readers use it to give back
/// as absent what a national format had to hold a placeholder for.
pub fn leave_out(copy: &mut TransitDeclaration, group: DataGroup) {
    match group {
        DataGroup::Identification | DataGroup::Documents => {}
        DataGroup::Transport => {
            copy.border_transport_means = None;
            let consignment = &mut copy.goods_shipment.consignment;
            consignment.departure_transport_means.clear();
            consignment.transport_equipment.clear();
        }
        DataGroup::Goods => copy.goods_shipment.government_agency_goods_item.clear(),
        DataGroup::GrossMass => {
            copy.total_gross_mass_measure = None;
            for item in &mut copy.goods_shipment.government_agency_goods_item {
                item.commodity.goods_measure.gross_mass_measure = None;
            }
        }
        DataGroup::Guarantee => copy.obligation_guarantee = None,
        DataGroup::Traders => {
            copy.declarant = None;
            copy.consignment.carrier = None;
            copy.goods_shipment.consignor = None;
            copy.goods_shipment.consignee = None;
        }
        DataGroup::Values => {
            if let Some(guarantee) = &mut copy.obligation_guarantee {
                guarantee.amount_amount = None;
            }
        }
    }
}

#[cfg(test)]
#[path = "agreements_tests.rs"]
mod tests;
