//! What a rule reads: `m`, the movement and its history as the hub keeps it, and `network`,
//! what the hub sees across movements when it scores (kept with the score, so a replay reads
//! the same). Field names are those of docs/risk.md; integers are CEL `int`, hours `double`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use transit_lifecycle::Movement;
use transit_lifecycle::MovementState;
use transit_model::IncidentCode;
use transit_model::Mrn;

/// One office of transit on the route.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PassageFacts {
    /// The office (`BFNGK001`).
    pub office: String,
    /// Its country (`BF`).
    pub country: String,
    /// Whether the declaration named it (false: the truck was diverted there).
    pub declared: bool,
    /// Whether the truck crossed there.
    pub crossed: bool,
}

/// One incident recorded en route.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncidentFacts {
    /// 1 route deviation, 2 seals broken, 3 transhipment, 4 unloading, 5 accident.
    pub code: i64,
    /// The office that recorded it.
    pub office: String,
    /// Its country.
    pub country: String,
}

/// The last leg the truck completed: from the office of departure or the last border crossed
/// to the next crossing or the arrival.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LegFacts {
    /// Where it started (empty before any leg was completed).
    pub from: String,
    /// Where it ended.
    pub to: String,
    /// How long it took, in hours (0 before any leg was completed).
    pub hours: f64,
}

/// The movement and its history: the variable `m`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Facts {
    /// Its MRN.
    pub mrn: Mrn,
    /// Its state (`Released`, `Arrived`…).
    pub state: MovementState,
    /// The office of departure and its country.
    pub departure_office: String,
    /// The country of departure.
    pub departure_country: String,
    /// The office of destination (declared, or diverted to).
    pub destination_office: String,
    /// Its country.
    pub destination_country: String,
    /// The countries the declaration names (departure, transit, destination, itinerary).
    pub declared_countries: Vec<String>,
    /// The countries the movement has crossed or been sent to.
    pub countries: Vec<String>,
    /// The offices of transit in route order.
    pub route: Vec<PassageFacts>,
    /// Whether the goods were diverted to another destination.
    pub diverted: bool,
    /// How many offices of transit the declaration did not name were crossed.
    pub undeclared_passages: i64,
    /// Incidents en route.
    pub incidents: Vec<IncidentFacts>,
    /// Whether seals were replaced after an incident.
    pub seals_replaced: bool,
    /// Whether the goods were moved to another vehicle.
    pub transhipped: bool,
    /// Whether it was discharged at an office outside the declared countries.
    pub discharged_off_route: bool,
    /// The control result at destination (`A1`, `A2`, `B1`; empty before control).
    pub control_result: String,
    /// HS codes of the goods.
    pub hs_codes: Vec<String>,
    /// Their chapters (two digits).
    pub hs_chapters: Vec<String>,
    /// The vehicle's registration, as now (after any transhipment).
    pub vehicle: String,
    /// Its nationality.
    pub vehicle_nationality: String,
    /// Container numbers.
    pub containers: Vec<String>,
    /// How many seals the declaration lists now.
    pub seal_count: i64,
    /// The declarant's identification number.
    pub declarant: String,
    /// The consignor's (empty if none).
    pub consignor: String,
    /// The consignee's (empty if none).
    pub consignee: String,
    /// The guarantee's amount.
    pub guarantee_amount: f64,
    /// Its currency.
    pub guarantee_currency: String,
    /// Total gross mass, in kilograms.
    pub gross_mass_kg: f64,
    /// Hours from release to the time of scoring.
    pub hours_since_release: f64,
    /// Whether the arrival time limit has passed with no arrival.
    pub overdue: bool,
    /// The last leg completed.
    pub leg: LegFacts,
}

/// What the hub sees across movements at the time of scoring: the variable `network`. Kept
/// with each score (a replay reads these, not today's network).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkFacts {
    /// Other open movements (not discharged, recovered or cancelled) with the same vehicle.
    pub vehicle_open_elsewhere: i64,
    /// The 90th percentile of the last leg's time over the network's recent movements, in
    /// hours (0: too few to say).
    pub leg_p90_hours: f64,
    /// How many recent movements that 90th percentile was taken over.
    pub leg_sample: i64,
    /// Of every leg this trip completed whose 90th percentile is known (over at least
    /// [`MIN_LEG_TRIPS`] trips), the most its time was that percentile over: 2.5 means one
    /// leg took two and a half times what nine trucks in ten take (0: none known). Unlike the
    /// last leg's, it stays for the rest of the trip.
    pub slowest_leg_ratio: f64,
    /// The guarantee amounts of every open movement under the same guarantee reference, this
    /// one included, in the guarantee's currency: the guarantor's exposure.
    pub guarantee_open_amount: f64,
    /// Days since a movement of the same declarant or consignee was last found with
    /// discrepancies or sent to recovery (-1: never).
    pub trader_flagged_days: f64,
}

impl Default for NetworkFacts {
    /// Nothing known across movements: no other movement, no flagged trader.
    fn default() -> Self {
        Self {
            vehicle_open_elsewhere: 0,
            leg_p90_hours: 0.0,
            leg_sample: 0,
            slowest_leg_ratio: 0.0,
            guarantee_open_amount: 0.0,
            trader_flagged_days: -1.0,
        }
    }
}

fn number(text: &str) -> f64 {
    text.parse().unwrap_or(0.0)
}

impl Facts {
    /// The facts of `movement` at `now`.
    pub fn of(movement: &Movement, now: DateTime<Utc>) -> Self {
        let d = &movement.declaration;
        let items = &d.goods_shipment.government_agency_goods_item;
        let hs_codes: Vec<String> = items
            .iter()
            .map(|i| i.commodity.classification.id.as_str().to_owned())
            .collect();
        let mut hs_chapters: Vec<String> = hs_codes.iter().map(|c| c[..2].to_owned()).collect();
        hs_chapters.sort();
        hs_chapters.dedup();
        let means = d.border_transport_means.as_ref();
        let equipment = &d.goods_shipment.consignment.transport_equipment;
        let party = |p: &Option<transit_model::Party>| {
            p.as_ref()
                .map(|p| p.id.as_str().to_owned())
                .unwrap_or_default()
        };
        Self {
            mrn: movement.mrn.clone(),
            state: movement.state,
            departure_office: movement.departure_office.to_string(),
            departure_country: movement.departure_office.country().to_string(),
            destination_office: movement.destination_office.to_string(),
            destination_country: movement.destination_office.country().to_string(),
            declared_countries: d
                .declared_countries()
                .iter()
                .map(ToString::to_string)
                .collect(),
            countries: movement
                .countries()
                .iter()
                .map(ToString::to_string)
                .collect(),
            route: movement
                .route
                .iter()
                .map(|p| PassageFacts {
                    office: p.office.to_string(),
                    country: p.office.country().to_string(),
                    declared: p.declared,
                    crossed: p.crossed_at.is_some(),
                })
                .collect(),
            diverted: movement.diverted_from.is_some(),
            undeclared_passages: movement
                .route
                .iter()
                .filter(|p| !p.declared && p.crossed_at.is_some())
                .count() as i64,
            incidents: movement
                .incidents
                .iter()
                .map(|i| IncidentFacts {
                    code: i64::from(u8::from(i.code)),
                    office: i.office.to_string(),
                    country: i.office.country().to_string(),
                })
                .collect(),
            seals_replaced: movement
                .incidents
                .iter()
                .any(|i| !i.new_seal_ids.is_empty()),
            transhipped: movement.incidents.iter().any(|i| {
                i.previous_transport_means.is_some() || i.code == IncidentCode::Transhipment
            }),
            discharged_off_route: movement.discharged_off_route.is_some(),
            control_result: movement
                .control_result
                .map(|c| format!("{c:?}"))
                .unwrap_or_default(),
            hs_codes,
            hs_chapters,
            vehicle: means.map(|m| m.id.as_str().to_owned()).unwrap_or_default(),
            vehicle_nationality: means
                .map(|m| m.registration_nationality_code.to_string())
                .unwrap_or_default(),
            containers: equipment.iter().map(|e| e.id.as_str().to_owned()).collect(),
            seal_count: equipment.iter().map(|e| e.seal.len() as i64).sum(),
            declarant: d
                .declarant
                .as_ref()
                .map(|p| p.id.as_str().to_owned())
                .unwrap_or_default(),
            consignor: party(&d.goods_shipment.consignor),
            consignee: party(&d.goods_shipment.consignee),
            guarantee_amount: guarantee_amount(d),
            guarantee_currency: d
                .obligation_guarantee
                .as_ref()
                .map(|g| g.currency_code.as_str().to_owned())
                .unwrap_or_default(),
            gross_mass_kg: d
                .total_gross_mass_measure
                .as_ref()
                .map_or(0.0, |m| number(m.as_str())),
            hours_since_release: hours(now - d.release_date_time),
            overdue: movement.arrived_at.is_none() && now > movement.arrival_time_limit,
            leg: last_leg(movement),
        }
    }
}

/// The guarantee's amount (0 where the declaration has none: a release always has one).
fn guarantee_amount(declaration: &transit_model::TransitDeclaration) -> f64 {
    declaration
        .obligation_guarantee
        .as_ref()
        .and_then(|g| g.amount_amount.as_ref())
        .map_or(0.0, |a| number(a.as_str()))
}

fn hours(span: chrono::Duration) -> f64 {
    span.num_seconds() as f64 / 3600.0
}

/// Trips a leg's 90th percentile must be taken over before a time is compared with it.
pub const MIN_LEG_TRIPS: i64 = 20;

/// The last leg completed: between the last two of departure, crossings and arrival, in time
/// order.
pub fn last_leg(movement: &Movement) -> LegFacts {
    legs(movement).pop().unwrap_or_default()
}

/// Every leg completed, in time order: between consecutive points of departure, crossings and
/// arrival.
pub fn legs(movement: &Movement) -> Vec<LegFacts> {
    let mut points: Vec<(DateTime<Utc>, String)> = vec![(
        movement.declaration.release_date_time,
        movement.departure_office.to_string(),
    )];
    points.extend(
        movement
            .route
            .iter()
            .filter_map(|p| p.crossed_at.map(|at| (at, p.office.to_string()))),
    );
    if let Some(at) = movement.arrived_at {
        points.push((at, movement.destination_office.to_string()));
    }
    points.sort();
    points
        .windows(2)
        .map(|pair| LegFacts {
            from: pair[0].1.clone(),
            to: pair[1].1.clone(),
            hours: hours(pair[1].0 - pair[0].0),
        })
        .collect()
}

impl Facts {
    /// A movement with one of everything (a route, an incident, goods, a container), on which
    /// every rule is tried when it is compiled: a misspelt field fails there.
    pub(crate) fn sample() -> Self {
        Self {
            mrn: Mrn::parse("25CIUJZDE8GXD6NCJ0").expect("a valid MRN"),
            state: MovementState::Arrived,
            departure_office: "CIABJ001".into(),
            departure_country: "CI".into(),
            destination_office: "BFOUA001".into(),
            destination_country: "BF".into(),
            declared_countries: vec!["CI".into(), "BF".into()],
            countries: vec!["CI".into(), "BF".into()],
            route: vec![PassageFacts {
                office: "BFNGK001".into(),
                country: "BF".into(),
                declared: true,
                crossed: true,
            }],
            diverted: false,
            undeclared_passages: 0,
            incidents: vec![IncidentFacts {
                code: 2,
                office: "BFNGK001".into(),
                country: "BF".into(),
            }],
            seals_replaced: true,
            transhipped: false,
            discharged_off_route: false,
            control_result: "A1".into(),
            hs_codes: vec!["870323".into()],
            hs_chapters: vec!["87".into()],
            vehicle: "AB-123-CI".into(),
            vehicle_nationality: "CI".into(),
            containers: vec!["MSKU1234565".into()],
            seal_count: 1,
            declarant: "CI1234567A".into(),
            consignor: "CI1234567A".into(),
            consignee: "BF00012345".into(),
            guarantee_amount: 1_000_000.0,
            guarantee_currency: "XOF".into(),
            gross_mass_kg: 12_000.0,
            hours_since_release: 30.0,
            overdue: false,
            leg: LegFacts {
                from: "BFNGK001".into(),
                to: "BFOUA001".into(),
                hours: 9.5,
            },
        }
    }
}

impl NetworkFacts {
    /// A network view for [`Facts::sample`].
    pub(crate) fn sample() -> Self {
        Self {
            vehicle_open_elsewhere: 1,
            leg_p90_hours: 6.0,
            leg_sample: 40,
            slowest_leg_ratio: 1.6,
            guarantee_open_amount: 3_000_000.0,
            trader_flagged_days: 12.0,
        }
    }
}

/// Each leg's 90th percentile time in hours and the number of trips it was taken over, by
/// (from office, to office): the tracker reads it every few minutes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LegTimes(std::collections::HashMap<(String, String), (f64, i64)>);

impl LegTimes {
    /// From `((from, to), (p90 hours, trips))` pairs.
    pub fn new(legs: impl IntoIterator<Item = ((String, String), (f64, i64))>) -> Self {
        Self(legs.into_iter().collect())
    }

    /// Each leg: `((from, to), (p90 hours, trips))`.
    pub fn iter(&self) -> impl Iterator<Item = (&(String, String), &(f64, i64))> {
        self.0.iter()
    }

    /// The 90th percentile of the leg `from` → `to` and its trips, if known.
    pub fn of(&self, from: &str, to: &str) -> Option<(f64, i64)> {
        self.0.get(&(from.to_owned(), to.to_owned())).copied()
    }

    /// How many legs it knows.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it knows none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `others` — what the hub read of the other movements — completed for `movement`: the
    /// 90th percentile of its last leg, and its own guarantee amount added to the exposure
    /// while it is open.
    pub fn complete(&self, movement: &Movement, others: &NetworkFacts) -> NetworkFacts {
        let legs = legs(movement);
        let slowest_leg_ratio = legs
            .iter()
            .filter_map(|leg| {
                let (p90, trips) = self.of(&leg.from, &leg.to)?;
                (trips >= MIN_LEG_TRIPS && p90 > 0.0).then(|| leg.hours / p90)
            })
            .fold(0.0_f64, f64::max);
        let leg = legs.last().cloned().unwrap_or_default();
        let (p90, n) = self.0.get(&(leg.from, leg.to)).copied().unwrap_or((0.0, 0));
        let own = if movement.state.is_terminal() {
            0.0
        } else {
            guarantee_amount(&movement.declaration)
        };
        NetworkFacts {
            leg_p90_hours: p90,
            leg_sample: n,
            slowest_leg_ratio,
            guarantee_open_amount: others.guarantee_open_amount + own,
            ..others.clone()
        }
    }
}

/// The leg a truck still on the road is on: from the last office it passed (or its departure)
/// to the next office it must reach, and since when. `None` once it has arrived.
pub fn current_leg(movement: &Movement) -> Option<(String, String, DateTime<Utc>)> {
    if movement.arrived_at.is_some() || !movement.state.is_en_route() {
        return None;
    }
    let mut last = (
        movement.declaration.release_date_time,
        movement.departure_office.to_string(),
    );
    for passage in &movement.route {
        if let Some(at) = passage.crossed_at {
            if at >= last.0 {
                last = (at, passage.office.to_string());
            }
        }
    }
    let next = movement
        .route
        .iter()
        .find(|p| p.crossed_at.is_none())
        .map_or_else(
            || movement.destination_office.to_string(),
            |p| p.office.to_string(),
        );
    Some((last.1, next, last.0))
}

/// A truck overdue on its current leg: on it for more than twice the time nine trucks in ten
/// take (with at least `min_trips` trips known on that leg). `(from, to, hours, p90 hours)`.
pub fn overdue_on_leg(
    movement: &Movement,
    legs: &LegTimes,
    min_trips: i64,
    now: DateTime<Utc>,
) -> Option<(String, String, f64, f64)> {
    let (from, to, since) = current_leg(movement)?;
    let (p90, trips) = legs.of(&from, &to)?;
    let hours = hours(now - since);
    (trips >= min_trips && p90 > 0.0 && hours > 2.0 * p90).then_some((from, to, hours, p90))
}
