//! The train as the hub sees it: built from the declarations released for it and not yet
//! arrived, never declared on its own. The declarations do not give a wagon's place in the
//! train (each numbers only its own wagons), so the wagons are listed by number, digits
//! compared as numbers — the order an officer finds them in on the consist note's index; a
//! wagon carrying goods of several declarations is one wagon carrying several.

use serde::Serialize;
use transit_lifecycle::Movement;
use transit_model::Mrn;

/// UN/ECE Rec 19 transport mode: rail.
pub const RAIL: u8 = 2;

/// A wagon of the train.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Wagon {
    /// Its number.
    pub id: String,
    /// Its type, when a declaration gives it.
    pub type_code: Option<String>,
    /// Its nationality, when a declaration gives it.
    pub nationality: Option<String>,
    /// The seals on it, and on the containers loaded on it, as declared.
    pub seals: Vec<String>,
    /// The containers loaded on it.
    pub containers: Vec<String>,
    /// The declarations whose goods are on it.
    pub declarations: Vec<Mrn>,
}

/// A train: its number, the railway undertaking, its wagons by number.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Train {
    /// The train's number.
    pub number: String,
    /// The railway undertaking (the declarations' carrier), when declared.
    pub undertaking: Option<String>,
    /// The wagons on the train, by number.
    pub wagons: Vec<Wagon>,
    /// The wagons the departure set aside, with the declarations they carried: not on the
    /// train any more.
    pub set_aside: Vec<Wagon>,
}

/// Whether `movement` travels by rail on train `number`.
pub fn is_on(movement: &Movement, number: &str) -> bool {
    movement
        .declaration
        .border_transport_means
        .as_ref()
        .is_some_and(|means| means.mode_code == RAIL && means.id.as_str() == number)
}

impl Train {
    /// The train `number` from the `movements` on it (others are ignored); `set_aside` lists
    /// (MRN, wagon) pairs the departure took off the train, as stored.
    pub fn build(number: &str, movements: &[Movement], set_aside: &[(String, String)]) -> Self {
        let mut train = Self {
            number: number.to_owned(),
            undertaking: None,
            wagons: Vec::new(),
            set_aside: Vec::new(),
        };
        for movement in movements.iter().filter(|m| is_on(m, number)) {
            let declaration = &movement.declaration;
            if train.undertaking.is_none() {
                train.undertaking = declaration
                    .consignment
                    .carrier
                    .as_ref()
                    .map(|c| c.name.as_str().to_owned());
            }
            let shipment = &declaration.goods_shipment.consignment;
            for declared in &shipment.departure_transport_means {
                let aside = set_aside
                    .iter()
                    .any(|(mrn, w)| mrn == movement.mrn.as_str() && w == declared.id.as_str());
                let list = if aside {
                    &mut train.set_aside
                } else {
                    &mut train.wagons
                };
                let index = match list.iter().position(|w| w.id == declared.id.as_str()) {
                    Some(i) => i,
                    None => {
                        list.push(Wagon {
                            id: declared.id.as_str().to_owned(),
                            type_code: None,
                            nationality: None,
                            seals: Vec::new(),
                            containers: Vec::new(),
                            declarations: Vec::new(),
                        });
                        list.len() - 1
                    }
                };
                let wagon = &mut list[index];
                wagon.type_code = wagon
                    .type_code
                    .take()
                    .or_else(|| declared.type_code.as_ref().map(|t| t.as_str().to_owned()));
                wagon.nationality = wagon.nationality.take().or_else(|| {
                    declared
                        .registration_nationality_code
                        .map(|c| c.as_str().to_owned())
                });
                add(
                    &mut wagon.seals,
                    declared.seal.iter().map(|s| s.id.as_str()),
                );
                for container in shipment
                    .transport_equipment
                    .iter()
                    .filter(|c| c.wagon_id.as_ref() == Some(&declared.id))
                {
                    add(&mut wagon.containers, [container.id.as_str()]);
                    add(
                        &mut wagon.seals,
                        container.seal.iter().map(|s| s.id.as_str()),
                    );
                }
                if !wagon.declarations.contains(&movement.mrn) {
                    wagon.declarations.push(movement.mrn.clone());
                }
            }
        }
        for list in [&mut train.wagons, &mut train.set_aside] {
            list.sort_by_key(|w| natural(&w.id));
        }
        train
    }

    /// The declarations on the train (set-aside wagons apart), each once, in wagon order.
    pub fn declarations(&self) -> Vec<&Mrn> {
        let mut out: Vec<&Mrn> = Vec::new();
        for mrn in self.wagons.iter().flat_map(|w| &w.declarations) {
            if !out.contains(&mrn) {
                out.push(mrn);
            }
        }
        out
    }

    /// The wagon `id`, on the train.
    pub fn wagon(&self, id: &str) -> Option<&Wagon> {
        self.wagons.iter().find(|w| w.id == id)
    }
}

/// A wagon number as a sort key: runs of digits compare as numbers, so W2 comes before W10.
fn natural(id: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in id.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((
                    std::mem::take(&mut text),
                    digits.parse().unwrap_or(u64::MAX),
                ));
                digits.clear();
            }
            text.push(c);
        }
    }
    key.push((text, digits.parse().unwrap_or(0)));
    key
}

/// Adds each of `values` to `list` unless it is there.
fn add<'a, S: AsRef<str> + 'a>(list: &mut Vec<String>, values: impl IntoIterator<Item = S>) {
    for value in values {
        let value = value.as_ref();
        if !list.iter().any(|v| v == value) {
            list.push(value.to_owned());
        }
    }
}
