//! The corridor's geography, runtime reference data (`telematics/geography.json` of the
//! reference document; `schemas/telematics/geography.json` is the built-in one): a GeoJSON
//! FeatureCollection of office zones (a Polygon per customs office: its border zone, port or
//! inland depot) and corridor roads (a LineString per corridor, with the offices it links).
//! Other GeoJSON properties are kept by GIS tools and ignored here.

use serde::Deserialize;
use transit_model::OfficeRef;

use crate::geometry::{distance_to_line, inside, Point};
use crate::TelematicsError;

/// The geography's file in the reference document.
pub const GEOGRAPHY_FILE: &str = "telematics/geography.json";

/// An office's zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// The office.
    pub office: OfficeRef,
    /// Its outer ring (longitude, latitude).
    pub ring: Vec<Point>,
}

impl Zone {
    /// The mean of its ring's positions (the first not counted twice): where a truck heading
    /// for the office is going, for an estimate.
    pub fn centre(&self) -> Point {
        let ring = match self.ring.split_last() {
            Some((last, rest)) if rest.first() == Some(last) => rest,
            _ => &self.ring[..],
        };
        let n = ring.len().max(1) as f64;
        ring.iter()
            .fold([0.0, 0.0], |c, p| [c[0] + p[0] / n, c[1] + p[1] / n])
    }
}

/// A corridor's road.
#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    /// The corridor's id (`abidjan-ouagadougou`).
    pub corridor: String,
    /// The offices it links, in order.
    pub offices: Vec<OfficeRef>,
    /// The road (longitude, latitude).
    pub line: Vec<Point>,
}

/// Zones and roads, checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Geography {
    zones: Vec<Zone>,
    roads: Vec<Road>,
}

#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Properties {
    Zone {
        office: String,
    },
    Road {
        corridor: String,
        offices: Vec<String>,
    },
}

#[derive(Deserialize)]
#[serde(tag = "type")]
enum Geometry {
    Polygon { coordinates: Vec<Vec<Point>> },
    LineString { coordinates: Vec<Point> },
}

impl Geography {
    /// No zones and no roads: nothing is ever inside or off route.
    pub fn none() -> Self {
        Self::default()
    }

    /// The built-in geography (`schemas/telematics/geography.json`).
    pub fn builtin() -> Self {
        let value =
            serde_json::from_str(include_str!("../../../schemas/telematics/geography.json"))
                .expect("the built-in geography is JSON");
        Self::parse(&value).expect("the built-in geography is valid")
    }

    /// Reads and checks the file: a FeatureCollection of zones (Polygon, `kind` `zone`, an
    /// `office`) and roads (LineString, `kind` `road`, a `corridor` and its `offices`).
    pub fn parse(value: &serde_json::Value) -> Result<Self, TelematicsError> {
        let bad = |reason: String| TelematicsError::reference(GEOGRAPHY_FILE, reason);
        let collection = Collection::deserialize(value)
            .map_err(|e| bad(format!("{e}; see docs/telematics.md")))?;
        if collection.kind != "FeatureCollection" {
            return Err(bad(format!(
                "the file is a {:?}; it must be a GeoJSON FeatureCollection",
                collection.kind
            )));
        }
        let office = |code: &str, at: usize| {
            OfficeRef::parse(code).map_err(|e| bad(format!("feature {at}: {e}")))
        };
        let mut geography = Self::default();
        for (i, feature) in collection.features.into_iter().enumerate() {
            match (feature.properties, feature.geometry) {
                (Properties::Zone { office: code }, Geometry::Polygon { coordinates }) => {
                    let ring = coordinates.into_iter().next().unwrap_or_default();
                    if ring.len() < 4 {
                        return Err(bad(format!(
                            "feature {i} ({code}): a zone's ring needs at least 4 positions (the first repeated last)"
                        )));
                    }
                    check_points(&ring, i).map_err(bad)?;
                    geography.zones.push(Zone {
                        office: office(&code, i)?,
                        ring,
                    });
                }
                (Properties::Road { corridor, offices }, Geometry::LineString { coordinates }) => {
                    if coordinates.len() < 2 {
                        return Err(bad(format!(
                            "feature {i} ({corridor}): a road needs at least 2 positions"
                        )));
                    }
                    check_points(&coordinates, i).map_err(bad)?;
                    let offices = offices
                        .iter()
                        .map(|o| office(o, i))
                        .collect::<Result<Vec<_>, _>>()?;
                    geography.roads.push(Road {
                        corridor,
                        offices,
                        line: coordinates,
                    });
                }
                _ => {
                    return Err(bad(format!(
                        "feature {i}: a zone is a Polygon and a road a LineString"
                    )))
                }
            }
        }
        Ok(geography)
    }

    /// The zones.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The roads.
    pub fn roads(&self) -> &[Road] {
        &self.roads
    }

    /// The offices whose zone holds `p`.
    pub fn offices_at(&self, p: Point) -> Vec<OfficeRef> {
        self.zones
            .iter()
            .filter(|z| inside(&z.ring, p))
            .map(|z| z.office.clone())
            .collect()
    }

    /// Metres from `p` to the nearest road linking `from` and `to` (both among its offices);
    /// `None` when no road links them (then nothing is off route).
    pub fn distance_from_road(&self, from: &OfficeRef, to: &OfficeRef, p: Point) -> Option<f64> {
        self.roads
            .iter()
            .filter(|r| r.offices.contains(from) && r.offices.contains(to))
            .map(|r| distance_to_line(&r.line, p))
            .reduce(f64::min)
    }
}

fn check_points(points: &[Point], at: usize) -> Result<(), String> {
    match points
        .iter()
        .find(|[lon, lat]| !(-180.0..=180.0).contains(lon) || !(-90.0..=90.0).contains(lat))
    {
        Some(p) => Err(format!(
            "feature {at}: {p:?} is not a [longitude, latitude] position (WGS 84)"
        )),
        None => Ok(()),
    }
}
