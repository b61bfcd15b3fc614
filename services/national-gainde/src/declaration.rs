//! The declaration (a release for transit, an anticipated record, the copy in a granted
//! record), both ways: its head — reference, offices, dates, mass, parties, means of transport,
//! guarantee, wagons and containers with their seals — then one group per goods item (CST).

use transit_model::{
    Classification, Commodity, Consignment, DepartureTransportMeans, GoodsItem, GoodsMeasure,
    GoodsShipment, Guarantee, Itinerary, Packaging, Party, Seal, ShipmentConsignment,
    TransitDeclaration, TransportEquipment,
};
use transit_national::values::{container, country, decimal, hs_code, lrn, number, sequence, text};
use transit_national::{withheld, ErrorClass, Mapping, TranslateError};

use crate::segments::{c, date, dtm, e, ftx, loc, means, office, seg, tdt, WITHHELD};
use crate::syntax::Segment;
use crate::view::View;

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

/// The declaration in `view`: its head, then one goods item per CST segment.
pub(crate) fn read(
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
            .one("FTX", Some(WITHHELD))?
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

fn nad(qualifier: &str, party: &Party) -> Segment<'static> {
    seg(
        "NAD",
        vec![
            e(qualifier),
            e(party.id.as_str()),
            vec![],
            e(party.name.as_str()),
        ],
    )
}

/// The segments of declaration `d`: its head, then one group per goods item (CST).
pub(crate) fn write(
    d: &TransitDeclaration,
    mapping: &Mapping,
) -> Result<Vec<Segment<'static>>, TranslateError> {
    let office = |o: &transit_model::OfficeRef| mapping.national_office(o);
    let s = &d.goods_shipment;
    let mut out = vec![
        seg("RFF", vec![c(&["ABO", d.functional_reference_id.as_str()])]),
        loc("118", &office(&d.declaration_office_id)),
    ];
    out.extend(d.transit_office_ids.iter().map(|o| loc("119", &office(o))));
    out.push(loc("120", &office(&d.destination_office_id)));
    out.extend(
        d.consignment
            .itinerary
            .iter()
            .map(|i| loc("101", i.routing_country_code.as_str())),
    );
    out.push(dtm("182", d.release_date_time));
    out.push(dtm("268", d.arrival_time_limit));
    out.push(seg(
        "MEA",
        vec![
            e("AAE"),
            e("G"),
            c(&["KGM", withheld::mass(&d.total_gross_mass_measure).as_str()]),
        ],
    ));
    out.push(nad("DT", &withheld::declarant(d)));
    if let Some(p) = &d.consignment.carrier {
        out.push(nad("CA", p));
    }
    if let Some(p) = &s.consignor {
        out.push(nad("CZ", p));
    }
    if let Some(p) = &s.consignee {
        out.push(nad("CN", p));
    }
    out.push(tdt(&withheld::border_transport_means(d), mapping)?);
    let (reference, amount, currency) = withheld::guarantee(d);
    out.push(seg("RFF", vec![c(&["GN", reference.as_str()])]));
    out.push(seg(
        "MOA",
        vec![c(&[
            "GUA",
            amount.as_str(),
            &mapping.national_currency(currency.as_str())?,
        ])],
    ));
    if let Some(marker) = &d.withheld {
        out.push(ftx(WITHHELD, "", &[&withheld::marker_text(marker)]));
    }
    for wagon in &s.consignment.departure_transport_means {
        let nationality = wagon
            .registration_nationality_code
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default();
        let mut elements = vec![e("RR"), c(&[wagon.id.as_str(), "", "", &nationality])];
        if let Some(kind) = &wagon.type_code {
            elements.push(e(kind.as_str()));
        }
        out.push(seg("EQD", elements));
        out.extend(
            wagon
                .seal
                .iter()
                .map(|seal| seg("SEL", vec![e(seal.id.as_str()), e("CU")])),
        );
    }
    for equipment in &s.consignment.transport_equipment {
        out.push(seg("EQD", vec![e("CN"), e(equipment.id.as_str())]));
        if let Some(wagon) = &equipment.wagon_id {
            out.push(seg("EQA", vec![e("RR"), e(wagon.as_str())]));
        }
        out.extend(
            equipment
                .seal
                .iter()
                .map(|seal| seg("SEL", vec![e(seal.id.as_str()), e("CU")])),
        );
    }
    for (i, item) in s.government_agency_goods_item.iter().enumerate() {
        out.push(seg(
            "CST",
            vec![
                e(&(i + 1).to_string()),
                c(&[item.commodity.classification.id.as_str(), "HS"]),
            ],
        ));
        out.push(ftx("AAA", "", &[item.commodity.description.as_str()]));
        out.push(seg(
            "MEA",
            vec![
                e("AAE"),
                e("G"),
                c(&[
                    "KGM",
                    withheld::mass(&item.commodity.goods_measure.gross_mass_measure).as_str(),
                ]),
            ],
        ));
        for p in &item.packaging {
            out.push(seg(
                "PAC",
                vec![
                    e(&p.quantity_quantity.to_string()),
                    vec![],
                    e(&mapping.national_package_kind(p.type_code.as_str())?),
                ],
            ));
        }
    }
    Ok(out)
}
