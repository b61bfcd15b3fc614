//! GAINDE interchange → standardized message.

use chrono::{DateTime, Utc};
use transit_model::{
    ArrivalAdvice, AutomaticConfirmation, Body, BorderCrossing, Classification, Commodity,
    Consignment, ControlResults, DepartureTransportMeans, Discrepancy, FunctionalError,
    FunctionalErrorCode, FunctionalNack, GoodsItem, GoodsMeasure, GoodsShipment, Guarantee,
    Incident, IncidentCode, Invalidation, Itinerary, MessageType, Packaging, Party, Seal,
    ShipmentConsignment, TransitDeclaration, TransportEquipment, TransportMeans, WriteOff,
};
use transit_national::values::{
    compact_date_time, container, country, decimal, hs_code, lrn, mrn, number, sequence, text,
};
use transit_national::{
    national_message_id, participant, withheld, Envelope, ErrorClass, Mapping, TranslateError,
    Translated,
};

use crate::syntax::{Interchange, Segment};
use crate::types::type_of;
use crate::view::View;

/// The EDIFACT date-time format used (code 204).
pub(crate) const DATE_FORMAT: &str = "%Y%m%d%H%M%S";

pub(crate) fn date(
    view: View<'_>,
    qualifier: &'static str,
    what: &str,
) -> Result<DateTime<Utc>, TranslateError> {
    let s = view.need("DTM", Some(qualifier), what)?;
    let (value, at) = s.need(0, 1)?;
    if let Some(format) = s.component(0, 2) {
        if format != "204" {
            return Err(TranslateError::new(
                ErrorClass::UnknownCode,
                s.place(0, 2),
                format!("date format {format:?}: this interface uses 204 (CCYYMMDDHHMMSS, UTC)"),
            ));
        }
    }
    compact_date_time(value, DATE_FORMAT, at)
}

pub(crate) fn flag(value: &str, at: impl std::fmt::Display) -> Result<bool, TranslateError> {
    match value {
        "Y" => Ok(true),
        "N" => Ok(false),
        other => Err(TranslateError::new(
            ErrorClass::InvalidValue,
            at.to_string(),
            format!("{other:?} is not Y or N"),
        )),
    }
}

pub(crate) fn office(
    s: &Segment<'_>,
    mapping: &Mapping,
) -> Result<transit_model::OfficeRef, TranslateError> {
    let (code, at) = s.need(1, 0)?;
    mapping.office(code, at)
}

/// Translates the message of an interchange.
pub(crate) fn message(
    interchange: &Interchange<'_>,
    mapping: &Mapping,
) -> Result<Translated, TranslateError> {
    let view = View {
        segments: &interchange.segments,
    };
    let bgm = view.need("BGM", None, "document and reference")?;
    let (code, code_at) = bgm.need(0, 0)?;
    let message_type = type_of(code).ok_or_else(|| {
        TranslateError::new(
            ErrorClass::UnknownCode,
            code_at,
            format!("document code {code:?} is not one GAINDE exchanges with the hub (see schemas/national/gainde/README.md)"),
        )
    })?;
    let (reference, reference_at) = bgm.need(1, 0)?;
    let (number_, mrn_at) = view.need("RFF", Some("ABT"), "MRN")?.need(0, 1)?;
    let nad = |q: &'static str, what: &str| -> Result<_, TranslateError> {
        let s = view.need("NAD", Some(q), what)?;
        let (value, at) = s.need(1, 0)?;
        participant(mapping, value, at)
    };
    let envelope = Envelope {
        message_type,
        reference: text::<70>(reference, reference_at)?.as_str().to_owned(),
        prepared_at: date(view, "137", "message date")?,
        mrn: mrn(number_, mrn_at)?,
        sender: nad("MS", "message sender")?,
        recipient: nad("MR", "message recipient")?,
        correlation: view
            .one("RFF", Some("ACW"))?
            .and_then(|s| s.component(0, 1))
            .map(str::to_owned),
    };
    let body = body(view, message_type, mapping)?;
    envelope.into_translated(mapping.country(), body, &code_at.to_string())
}

fn body(view: View<'_>, kind: MessageType, mapping: &Mapping) -> Result<Body, TranslateError> {
    use MessageType as T;
    Ok(match kind {
        T::ReleaseForTransit => Body::ReleaseForTransit(declaration(view, mapping)?),
        T::AnticipatedArrivalRecord => Body::AnticipatedArrivalRecord(declaration(view, mapping)?),
        T::AnticipatedTransitRecord => Body::AnticipatedTransitRecord(declaration(view, mapping)?),
        T::NotificationCrossingFrontier => Body::NotificationCrossingFrontier(BorderCrossing {
            transit_office: office(view.need("LOC", Some("119"), "office of transit")?, mapping)?,
            crossing_date_time: date(view, "178", "crossing date")?,
            automatic: view
                .one("FTX", Some("ZAU"))?
                .map(|s| {
                    let (provider, provider_at) = s.need(3, 0)?;
                    let (event, event_at) = s.need(3, 1)?;
                    Ok::<_, TranslateError>(AutomaticConfirmation {
                        provider: text(provider, provider_at)?,
                        event_id: text(event, event_at)?,
                    })
                })
                .transpose()?,
        }),
        T::ArrivalAdvice => Body::ArrivalAdvice(ArrivalAdvice {
            destination_office: office(
                view.need("LOC", Some("120"), "office of destination")?,
                mapping,
            )?,
            arrival_date_time: date(view, "178", "arrival date")?,
        }),
        T::DestinationControlResults => Body::DestinationControlResults(control(view, mapping)?),
        T::IncidentNotification => Body::IncidentNotification(incident(view, mapping)?),
        T::IncidentForwarded => Body::IncidentForwarded(incident(view, mapping)?),
        T::InvalidationNotification => {
            let (reason, at) = view.need("FTX", Some("AAO"), "reason")?.need(3, 0)?;
            Body::InvalidationNotification(Invalidation {
                invalidation_date_time: date(view, "133", "invalidation date")?,
                reason: text(reason, at)?,
            })
        }
        T::WriteOffNotification => {
            let (guarantee, g_at) = view
                .need("RFF", Some("GN"), "guarantee reference")?
                .need(0, 1)?;
            let (released, r_at) = view
                .need("GIS", None, "guarantee released Y/N")?
                .need(0, 0)?;
            Body::WriteOffNotification(WriteOff {
                write_off_date_time: date(view, "134", "write-off date")?,
                guarantee_reference_id: text(guarantee, g_at)?,
                guarantee_released: flag(released, r_at)?,
            })
        }
        T::FunctionalNack => Body::FunctionalNack(rejection(view, mapping)?),
        other => match crate::office::read(view, other, mapping) {
            Some(body) => body?,
            None => {
                return Err(TranslateError::new(
                    ErrorClass::Unsupported,
                    "segment BGM",
                    format!("{} is not exchanged through GAINDE", other.code()),
                ))
            }
        },
    })
}

fn party(view: View<'_>, qualifier: &'static str) -> Result<Option<Party>, TranslateError> {
    let Some(s) = view.one("NAD", Some(qualifier))? else {
        return Ok(None);
    };
    let (id, id_at) = s.need(1, 0)?;
    let (name, name_at) = s.need(3, 0)?;
    Ok(Some(Party {
        id: text(id, id_at)?,
        name: text(name, name_at)?,
    }))
}

fn means(s: &Segment<'_>, mapping: &Mapping) -> Result<TransportMeans, TranslateError> {
    let (mode, mode_at) = s.need(2, 0)?;
    let (id, id_at) = s.need(7, 0)?;
    let (nationality, n_at) = s.need(7, 4)?;
    Ok(TransportMeans {
        id: text(id, id_at)?,
        registration_nationality_code: country(nationality, n_at)?,
        mode_code: mapping.transport_mode(mode, mode_at)?,
    })
}

pub(crate) fn declaration(
    view: View<'_>,
    mapping: &Mapping,
) -> Result<TransitDeclaration, TranslateError> {
    let first_item = view
        .segments
        .iter()
        .position(|s| s.tag == "CST")
        .unwrap_or(view.segments.len());
    let head = View {
        segments: &view.segments[..first_item],
    };
    let (reference, reference_at) = head.need("RFF", Some("ABO"), "LRN")?.need(0, 1)?;
    let (mass, mass_at) = head
        .need("MEA", Some("AAE"), "total gross mass")?
        .need(2, 1)?;
    let (g_ref, g_ref_at) = head
        .need("RFF", Some("GN"), "guarantee reference")?
        .need(0, 1)?;
    let moa = head.need("MOA", Some("GUA"), "guarantee amount")?;
    let (amount, amount_at) = moa.need(0, 1)?;
    let (currency, currency_at) = moa.need(0, 2)?;
    let declarant = party(head, "DT")?.ok_or_else(|| {
        TranslateError::new(
            ErrorClass::MissingElement,
            "segment NAD+DT (declarant)",
            "this segment is mandatory and is absent",
        )
    })?;
    // Wagons (EQD+RR) and containers (EQD+CN): each EQD opens a group that the SEL segments
    // after it belong to; an EQA+RR in a container's group names the wagon it is loaded on.
    let mut wagons: Vec<DepartureTransportMeans> = Vec::new();
    let mut equipment: Vec<TransportEquipment> = Vec::new();
    let mut last_is_wagon = false;
    for s in head.segments {
        match s.tag.as_ref() {
            "EQD" if s.qualifier() == "RR" => {
                let (id, at) = s.need(1, 0)?;
                wagons.push(DepartureTransportMeans {
                    sequence_numeric: sequence(wagons.len()),
                    id: text(id, at)?,
                    type_code: s
                        .component(2, 0)
                        .map(|t| text(t, s.place(2, 0)))
                        .transpose()?,
                    registration_nationality_code: s
                        .component(1, 3)
                        .map(|c| country(c, s.place(1, 3)))
                        .transpose()?,
                    seal: Vec::new(),
                });
                last_is_wagon = true;
            }
            "EQD" => {
                let (id, at) = s.need(1, 0)?;
                equipment.push(TransportEquipment {
                    sequence_numeric: sequence(equipment.len()),
                    id: container(id, at)?,
                    wagon_id: None,
                    seal: Vec::new(),
                });
                last_is_wagon = false;
            }
            "EQA" => {
                let (id, at) = s.need(1, 0)?;
                let last = equipment.last_mut().filter(|_| !last_is_wagon).ok_or_else(|| {
                    TranslateError::new(
                        ErrorClass::Syntax,
                        format!("segment {} (EQA)", s.position),
                        "the wagon a container is loaded on (EQA+RR) must follow the container (EQD+CN)",
                    )
                })?;
                last.wagon_id = Some(text(id, at)?);
            }
            "SEL" => {
                let (id, at) = s.need(0, 0)?;
                let seals = if last_is_wagon {
                    wagons.last_mut().map(|w| &mut w.seal)
                } else {
                    equipment.last_mut().map(|e| &mut e.seal)
                }
                .ok_or_else(|| {
                    TranslateError::new(
                        ErrorClass::Syntax,
                        format!("segment {} (SEL)", s.position),
                        "a seal (SEL) must follow the container or wagon (EQD) it closes",
                    )
                })?;
                seals.push(Seal {
                    sequence_numeric: sequence(seals.len()),
                    id: text(id, at)?,
                });
            }
            _ => {}
        }
    }
    let mut items = Vec::new();
    let mut start = first_item;
    while start < view.segments.len() {
        let end = view.segments[start + 1..]
            .iter()
            .position(|s| s.tag == "CST")
            .map_or(view.segments.len(), |p| start + 1 + p);
        items.push(goods_item(
            items.len(),
            View {
                segments: &view.segments[start..end],
            },
            mapping,
        )?);
        start = end;
    }
    Ok(TransitDeclaration {
        functional_reference_id: lrn(reference, reference_at)?,
        declaration_office_id: office(
            head.need("LOC", Some("118"), "office of departure")?,
            mapping,
        )?,
        transit_office_ids: head
            .all("LOC", Some("119"))
            .map(|s| office(s, mapping))
            .collect::<Result<_, _>>()?,
        destination_office_id: office(
            head.need("LOC", Some("120"), "office of destination")?,
            mapping,
        )?,
        release_date_time: date(head, "182", "release date")?,
        arrival_time_limit: date(head, "268", "time limit")?,
        total_gross_mass_measure: Some(decimal(mass, mass_at)?),
        declarant: Some(declarant),
        border_transport_means: Some(means(
            head.need("TDT", Some("12"), "means of transport at the border")?,
            mapping,
        )?),
        consignment: Consignment {
            carrier: party(head, "CA")?,
            itinerary: head
                .all("LOC", Some("101"))
                .enumerate()
                .map(|(i, s)| {
                    let (cc, at) = s.need(1, 0)?;
                    Ok(Itinerary {
                        sequence_numeric: sequence(i),
                        routing_country_code: country(cc, at)?,
                    })
                })
                .collect::<Result<_, TranslateError>>()?,
        },
        goods_shipment: GoodsShipment {
            consignor: party(head, "CZ")?,
            consignee: party(head, "CN")?,
            consignment: ShipmentConsignment {
                departure_transport_means: wagons,
                transport_equipment: equipment,
            },
            government_agency_goods_item: items,
        },
        obligation_guarantee: Some(Guarantee {
            reference_id: text(g_ref, g_ref_at)?,
            amount_amount: Some(decimal(amount, amount_at)?),
            currency_code: text(&mapping.currency(currency, currency_at)?, currency_at)?,
        }),
        withheld: head
            .one("FTX", Some(crate::write::WITHHELD))?
            .map(|s| {
                let (value, at) = s.need(3, 0)?;
                withheld::parse_marker(value, &at.to_string())
            })
            .transpose()?,
    })
    .map(|mut declaration| {
        withheld::restore(&mut declaration);
        declaration
    })
}

fn goods_item(
    index: usize,
    item: View<'_>,
    mapping: &Mapping,
) -> Result<GoodsItem, TranslateError> {
    let cst = &item.segments[0];
    let (hs, hs_at) = cst.need(1, 0)?;
    let (description, d_at) = item
        .need("FTX", Some("AAA"), "goods description")?
        .need(3, 0)?;
    let (mass, mass_at) = item
        .need("MEA", Some("AAE"), "item gross mass")?
        .need(2, 1)?;
    Ok(GoodsItem {
        sequence_numeric: sequence(index),
        commodity: Commodity {
            description: text(description, d_at)?,
            classification: Classification {
                id: hs_code(hs, hs_at)?,
            },
            goods_measure: GoodsMeasure {
                gross_mass_measure: Some(decimal(mass, mass_at)?),
            },
        },
        packaging: item
            .all("PAC", None)
            .map(|s| {
                let (count, count_at) = s.need(0, 0)?;
                let (kind, kind_at) = s.need(2, 0)?;
                Ok(Packaging {
                    type_code: text(&mapping.package_kind(kind, kind_at)?, kind_at)?,
                    quantity_quantity: number(count, count_at)?,
                })
            })
            .collect::<Result<_, TranslateError>>()?,
    })
}

fn control(view: View<'_>, mapping: &Mapping) -> Result<ControlResults, TranslateError> {
    let gis = view.need("GIS", None, "control result and seals state")?;
    let (code, code_at) = gis.need(0, 0)?;
    let (intact, intact_at) = gis.need(1, 0)?;
    Ok(ControlResults {
        destination_office: office(
            view.need("LOC", Some("120"), "office of destination")?,
            mapping,
        )?,
        control_date_time: date(view, "9", "control date")?,
        control_result_code: transit_national::values::control_result(code, code_at)?,
        seals_intact: flag(intact, intact_at)?,
        discrepancies: view
            .all("FTX", Some("DIS"))
            .map(|s| {
                let (major, major_at) = s.need(2, 0)?;
                let (pointer, p_at) = s.need(3, 0)?;
                let (description, d_at) = s.need(3, 1)?;
                Ok(Discrepancy {
                    pointer: text(pointer, p_at)?,
                    description: text(description, d_at)?,
                    major: flag(major, major_at)?,
                })
            })
            .collect::<Result<_, TranslateError>>()?,
    })
}

fn incident(view: View<'_>, mapping: &Mapping) -> Result<Incident, TranslateError> {
    let (code, code_at) = view.need("GIS", None, "incident code")?.need(0, 0)?;
    let code: u8 = number(code, code_at)?;
    let (cc, cc_at) = view
        .need("LOC", Some("122"), "incident country")?
        .need(1, 0)?;
    let (place, place_at) = view
        .need("FTX", Some("ACD"), "incident place")?
        .need(3, 0)?;
    let (description, d_at) = view
        .need("FTX", Some("AAA"), "incident description")?
        .need(3, 0)?;
    Ok(Incident {
        reporting_office: office(view.need("LOC", Some("121"), "reporting office")?, mapping)?,
        incident_code: IncidentCode::try_from(code)
            .map_err(|m| TranslateError::new(ErrorClass::UnknownCode, code_at, m))?,
        incident_date_time: date(view, "132", "incident date")?,
        country_code: country(cc, cc_at)?,
        place: text(place, place_at)?,
        description: text(description, d_at)?,
        replacement_transport_means: view
            .one("TDT", Some("12"))?
            .map(|s| means(s, mapping))
            .transpose()?,
        new_seal_ids: view
            .all("SEL", None)
            .map(|s| {
                let (id, at) = s.need(0, 0)?;
                text(id, at)
            })
            .collect::<Result<_, _>>()?,
    })
}

fn rejection(view: View<'_>, mapping: &Mapping) -> Result<FunctionalNack, TranslateError> {
    let (reference, _) = view
        .need("RFF", Some("AGO"), "rejected message reference")?
        .need(0, 1)?;
    let (kind, kind_at) = view
        .need("DOC", None, "rejected message type")?
        .need(0, 0)?;
    let mut errors = Vec::new();
    let segments = view.segments;
    for (i, s) in segments.iter().enumerate() {
        if s.tag != "ERC" {
            continue;
        }
        let (code, code_at) = s.need(0, 0)?;
        let code: u8 = number(code, code_at)?;
        let ftx = segments
            .get(i + 1)
            .filter(|n| n.tag == "FTX" && n.qualifier() == "AAO")
            .ok_or_else(|| {
                TranslateError::new(
                    ErrorClass::MissingElement,
                    format!("segment {} (FTX+AAO after ERC)", s.position + 1),
                    "each ERC is followed by FTX+AAO with the element and the reason",
                )
            })?;
        let (pointer, p_at) = ftx.need(3, 0)?;
        let (reason, r_at) = ftx.need(3, 1)?;
        errors.push(FunctionalError {
            code: FunctionalErrorCode::try_from(code)
                .map_err(|m| TranslateError::new(ErrorClass::UnknownCode, code_at, m))?,
            pointer: text(pointer, p_at)?,
            reason: text(reason, r_at)?,
        });
    }
    Ok(FunctionalNack {
        rejected_message_id: national_message_id(mapping.country(), reference),
        rejected_message_type: type_of(kind)
            .or_else(|| MessageType::from_code(kind).ok())
            .ok_or_else(|| {
                TranslateError::new(
                    ErrorClass::UnknownCode,
                    kind_at,
                    format!("{kind:?} is not a document code"),
                )
            })?,
        errors,
    })
}
