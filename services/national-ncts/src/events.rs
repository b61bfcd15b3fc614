//! The movement's events ↔ their CD messages: passage (CD118C), arrival (CD006C), control
//! results (CD018C), invalidation (CD010C) and incidents (CD180C, CD181C).
//!
//! NCTS names, in each, offices the standardized message leaves to the hub's record of the
//! movement (the office of departure, the declared destination): [`Context`] takes them from
//! the header, and the mapping report says which.

use chrono::{DateTime, Utc};
use transit_model::{
    ArrivalAdvice, BorderCrossing, ControlResults, Discrepancy, Header, Incident, IncidentCode,
    Invalidation, Mrn, OfficeRef, Participant, TransportMeans,
};
use transit_national::{values, ErrorClass, Mapping, TranslateError};

use crate::parts::{office, operation, read_office};
use crate::values::{date, date_time, fits, flag, on_date, read_date, read_date_time, read_flag};
use crate::xml::Element;

/// The offices a CD message names and the standardized one leaves to the hub.
pub(crate) struct Context {
    /// The office of departure: the participant in the MRN's country (the recipient of what
    /// the hub sends there, the sender of what it sends), else `<MRN country>000000`.
    pub departure: String,
    /// The other participant, when it is an office (a destination told of an invalidation
    /// or an incident), else the office of departure.
    pub other: String,
}

impl Context {
    pub(crate) fn of(header: &Header, mapping: &Mapping) -> Self {
        let departure_country = &header.mrn.as_str()[2..4];
        let offices: Vec<&OfficeRef> = [&header.recipient, &header.sender]
            .into_iter()
            .filter_map(Participant::office)
            .collect();
        let departure = offices
            .iter()
            .find(|o| o.country().as_str() == departure_country)
            .map(|o| mapping.national_office(o))
            .unwrap_or_else(|| format!("{departure_country}000000"));
        let other = offices
            .iter()
            .map(|o| mapping.national_office(o))
            .find(|o| *o != departure)
            .unwrap_or_else(|| departure.clone());
        Self { departure, other }
    }
}

/// CD118C.
pub(crate) fn write_passage(
    c: &BorderCrossing,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Vec<Element> {
    vec![
        operation(
            mrn,
            vec![Element::leaf("passageDate", date(c.crossing_date_time))],
        ),
        office("CustomsOfficeOfDeparture", ctx.departure.clone()),
        office(
            "CustomsOfficeOfTransitActual",
            mapping.national_office(&c.transit_office),
        ),
    ]
}

pub(crate) fn read_passage(
    root: &Element,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<BorderCrossing, TranslateError> {
    let (day, place) = root.need("TransitOperation")?.text_of("passageDate")?;
    Ok(BorderCrossing {
        transit_office: read_office(root, "CustomsOfficeOfTransitActual", mapping)?,
        crossing_date_time: on_date(read_date(day, place)?, prepared),
        automatic: None,
    })
}

/// CD006C.
pub(crate) fn write_arrival(
    a: &ArrivalAdvice,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Vec<Element> {
    vec![
        operation(
            mrn,
            vec![Element::leaf(
                "arrivalDateAndTimeActual",
                date_time(a.arrival_date_time),
            )],
        ),
        office("CustomsOfficeOfDeparture", ctx.departure.clone()),
        office(
            "CustomsOfficeOfDestinationActual",
            mapping.national_office(&a.destination_office),
        ),
    ]
}

pub(crate) fn read_arrival(
    root: &Element,
    mapping: &Mapping,
) -> Result<ArrivalAdvice, TranslateError> {
    let (at, place) = root
        .need("TransitOperation")?
        .text_of("arrivalDateAndTimeActual")?;
    Ok(ArrivalAdvice {
        destination_office: read_office(root, "CustomsOfficeOfDestinationActual", mapping)?,
        arrival_date_time: read_date_time(at, place)?,
    })
}

const SEPARATOR: &str = " | ";

/// CD018C. The discrepancies travel in `ControlResult/text`, each `M` (major) or `m`, its
/// pointer and its description, separated by ` | `.
pub(crate) fn write_control(
    c: &ControlResults,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
) -> Result<Vec<Element>, TranslateError> {
    let mut parts = Vec::new();
    for d in &c.discrepancies {
        if d.description.as_str().contains(SEPARATOR) || d.pointer.as_str().contains(' ') {
            return Err(TranslateError::new(
                ErrorClass::Unsupported,
                "ControlResult/text",
                "a discrepancy holds ' | ' or a pointer a space: it cannot be written in NCTS's one text",
            ));
        }
        let weight = if d.major { "M" } else { "m" };
        parts.push(format!(
            "{weight} {} {}",
            d.pointer.as_str(),
            d.description.as_str()
        ));
    }
    let mut result = vec![
        Element::leaf("code", c.control_result_code.code()),
        Element::leaf("date", date(c.control_date_time)),
        Element::leaf("stateOfSeals", flag(c.seals_intact)),
    ];
    if !parts.is_empty() {
        result.push(Element::leaf(
            "text",
            fits(&parts.join(SEPARATOR), 512, "ControlResult/text")?,
        ));
    }
    Ok(vec![
        operation(mrn, vec![Element::leaf("bindingItinerary", "0")]),
        office("CustomsOfficeOfDeparture", ctx.departure.clone()),
        office(
            "CustomsOfficeOfDestinationActual",
            mapping.national_office(&c.destination_office),
        ),
        Element::group("ControlResult", result),
    ])
}

pub(crate) fn read_control(
    root: &Element,
    prepared: DateTime<Utc>,
    mapping: &Mapping,
) -> Result<ControlResults, TranslateError> {
    let result = root.need("ControlResult")?;
    let (code, code_at) = result.text_of("code")?;
    let (day, day_at) = result.text_of("date")?;
    let mut discrepancies = Vec::new();
    if let Some((text, place)) = result.value("text")? {
        for part in text.split(SEPARATOR) {
            let mut words = part.splitn(3, ' ');
            let (Some(weight @ ("M" | "m")), Some(pointer), Some(description)) =
                (words.next(), words.next(), words.next())
            else {
                return Err(TranslateError::new(
                    ErrorClass::InvalidValue,
                    place,
                    format!("{part:?}: a discrepancy is 'M' or 'm', a pointer and a description"),
                ));
            };
            discrepancies.push(Discrepancy {
                pointer: values::text(pointer, place)?,
                description: values::text(description, place)?,
                major: weight == "M",
            });
        }
    }
    Ok(ControlResults {
        destination_office: read_office(root, "CustomsOfficeOfDestinationActual", mapping)?,
        control_date_time: on_date(read_date(day, day_at)?, prepared),
        control_result_code: values::control_result(code, code_at)?,
        seals_intact: match result.value("stateOfSeals")? {
            Some((value, place)) => read_flag(value, place)?,
            None => true,
        },
        discrepancies,
    })
}

/// What sigmat reads as the reason of an invalidation: CD010C has no element for it.
pub const INVALIDATION_REASON: &str =
    "invalidated by the office of departure (NCTS gives no reason)";

/// CD010C.
pub(crate) fn write_invalidation(i: &Invalidation, mrn: &Mrn, ctx: &Context) -> Vec<Element> {
    vec![
        operation(mrn, vec![]),
        Element::group(
            "Invalidation",
            vec![Element::leaf(
                "decisionDateAndTime",
                date_time(i.invalidation_date_time),
            )],
        ),
        office("CustomsOfficeOfDeparture", ctx.departure.clone()),
        office("CustomsOfficeOfDestinationDeclared", ctx.other.clone()),
    ]
}

pub(crate) fn read_invalidation(root: &Element) -> Result<Invalidation, TranslateError> {
    let (at, place) = root.need("Invalidation")?.text_of("decisionDateAndTime")?;
    Ok(Invalidation {
        invalidation_date_time: read_date_time(at, place)?,
        reason: values::text(INVALIDATION_REASON, place)?,
    })
}

/// CD180C (`forwarded` false) or CD181C.
pub(crate) fn write_incident(
    i: &Incident,
    mrn: &Mrn,
    ctx: &Context,
    mapping: &Mapping,
    forwarded: bool,
) -> Result<Vec<Element>, TranslateError> {
    let mut incident = vec![
        Element::leaf("sequenceNumber", "1"),
        Element::leaf("code", u8::from(i.incident_code).to_string()),
        Element::leaf("text", i.description.as_str()),
        Element::group(
            "Location",
            vec![
                Element::leaf("qualifierOfIdentification", "Z"),
                Element::leaf("country", i.country_code.as_str()),
                Element::group(
                    "Address",
                    vec![
                        Element::leaf("streetAndNumber", "-"),
                        Element::leaf("city", i.place.as_str()),
                    ],
                ),
            ],
        ),
    ];
    if !i.new_seal_ids.is_empty() {
        let mut equipment = vec![
            Element::leaf("sequenceNumber", "1"),
            Element::leaf("numberOfSeals", i.new_seal_ids.len().to_string()),
        ];
        for (n, seal) in i.new_seal_ids.iter().enumerate() {
            equipment.push(Element::group(
                "Seal",
                vec![
                    Element::leaf("sequenceNumber", (n + 1).to_string()),
                    Element::leaf(
                        "identifier",
                        fits(
                            seal.as_str(),
                            20,
                            "Incident/TransportEquipment/Seal/identifier",
                        )?,
                    ),
                ],
            ));
        }
        incident.push(Element::group("TransportEquipment", equipment));
    }
    if let Some(means) = &i.replacement_transport_means {
        incident.push(Element::group(
            "Transhipment",
            vec![
                Element::leaf("containerIndicator", "0"),
                Element::group(
                    "TransportMeans",
                    vec![
                        Element::leaf("typeOfIdentification", format!("{}0", means.mode_code)),
                        Element::leaf("identificationNumber", means.id.as_str()),
                        Element::leaf("nationality", means.registration_nationality_code.as_str()),
                    ],
                ),
            ],
        ));
    }
    let mut out = vec![
        operation(
            mrn,
            vec![Element::leaf(
                "incidentNotificationDateAndTime",
                date_time(i.incident_date_time),
            )],
        ),
        office("CustomsOfficeOfDeparture", ctx.departure.clone()),
    ];
    if forwarded {
        out.push(office(
            "CustomsOfficeOfDestinationDeclared",
            ctx.other.clone(),
        ));
    }
    out.push(office(
        "CustomsOfficeOfIncidentRegistration",
        mapping.national_office(&i.reporting_office),
    ));
    out.push(Element::group(
        "Consignment",
        vec![Element::group("Incident", incident)],
    ));
    Ok(out)
}

pub(crate) fn read_incident(root: &Element, mapping: &Mapping) -> Result<Incident, TranslateError> {
    let (at, at_place) = root
        .need("TransitOperation")?
        .text_of("incidentNotificationDateAndTime")?;
    let incident = root.need("Consignment")?.need("Incident")?;
    let (code, code_at) = incident.text_of("code")?;
    let (text, text_at) = incident.text_of("text")?;
    let location = incident.need("Location")?;
    let (country, country_at) = location.text_of("country")?;
    let (place, place_at) = match location.child("Address")? {
        Some(address) => address.text_of("city")?,
        None => match location.value("UNLocode")? {
            Some(found) => found,
            None => {
                return Err(TranslateError::missing(format!(
                    "{}/Address",
                    location.path
                )))
            }
        },
    };
    let mut new_seal_ids = Vec::new();
    for equipment in incident.all("TransportEquipment") {
        for seal in equipment.all("Seal") {
            let (id, id_at) = seal.text_of("identifier")?;
            let id = crate::values::read_at_most(id, crate::values::SEAL_MAX, id_at)?;
            new_seal_ids.push(values::text(id, id_at)?);
        }
    }
    let replacement_transport_means = match incident.child("Transhipment")? {
        Some(t) => {
            let means = t.need("TransportMeans")?;
            let (kind, kind_at) = means.text_of("typeOfIdentification")?;
            let (id, id_at) = means.text_of("identificationNumber")?;
            let (nationality, nationality_at) = means.text_of("nationality")?;
            let mode = kind
                .chars()
                .next()
                .and_then(|c| c.to_digit(10))
                .ok_or_else(|| {
                    TranslateError::new(
                        ErrorClass::InvalidValue,
                        kind_at,
                        format!("{kind:?} is not a type of identification"),
                    )
                })?;
            Some(TransportMeans {
                id: values::text(id, id_at)?,
                registration_nationality_code: values::country(nationality, nationality_at)?,
                mode_code: u8::try_from(mode).unwrap_or(0),
            })
        }
        None => None,
    };
    let number: u8 = values::number(code, code_at)?;
    Ok(Incident {
        reporting_office: read_office(root, "CustomsOfficeOfIncidentRegistration", mapping)?,
        incident_code: IncidentCode::try_from(number)
            .map_err(|e| TranslateError::new(ErrorClass::UnknownCode, code_at, e))?,
        incident_date_time: read_date_time(at, at_place)?,
        country_code: values::country(country, country_at)?,
        place: values::text(place, place_at)?,
        description: values::text(text, text_at)?,
        replacement_transport_means,
        new_seal_ids,
    })
}
