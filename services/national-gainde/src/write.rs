//! Standardized message → GAINDE interchange.

use chrono::{DateTime, Utc};
use transit_model::{Body, Party, StandardMessage, TransitDeclaration, TransportMeans};
use transit_national::{
    national_participant, national_reference, withheld, Envelope, ErrorClass, Mapping,
    TranslateError,
};

use crate::read::DATE_FORMAT;
use crate::syntax::{Interchange, Segment};
use crate::types::code_of;

pub(crate) fn e(value: &str) -> Vec<String> {
    vec![value.to_owned()]
}

pub(crate) fn c(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

pub(crate) fn seg(tag: &str, elements: Vec<Vec<String>>) -> Segment<'static> {
    Segment::new(tag, elements)
}

fn stamp(value: DateTime<Utc>) -> String {
    value.format(DATE_FORMAT).to_string()
}

pub(crate) fn dtm(qualifier: &str, value: DateTime<Utc>) -> Segment<'static> {
    seg("DTM", vec![c(&[qualifier, &stamp(value), "204"])])
}

pub(crate) fn yn(value: bool) -> &'static str {
    if value {
        "Y"
    } else {
        "N"
    }
}

pub(crate) fn loc(qualifier: &str, value: &str) -> Segment<'static> {
    seg("LOC", vec![e(qualifier), e(value)])
}

/// The FTX qualifier of a copy's marker of what an agreement withheld (a code of the
/// user-defined Z range).
pub(crate) const WITHHELD: &str = "ZWH";

/// The FTX qualifier of the remarks of a hub's status notice.
pub(crate) const REMARKS: &str = "ZRM";

pub(crate) fn ftx(qualifier: &str, flag: &str, text: &[&str]) -> Segment<'static> {
    seg("FTX", vec![e(qualifier), vec![], e(flag), c(text)])
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

fn tdt(m: &TransportMeans, mapping: &Mapping) -> Result<Segment<'static>, TranslateError> {
    let mode = mapping.national_transport_mode(m.mode_code)?;
    Ok(seg(
        "TDT",
        vec![
            e("12"),
            vec![],
            e(&mode),
            vec![],
            vec![],
            vec![],
            vec![],
            c(&[
                m.id.as_str(),
                "",
                "",
                "",
                m.registration_nationality_code.as_str(),
            ]),
        ],
    ))
}

/// The interchange of a standardized message.
pub(crate) fn message(
    message: &StandardMessage,
    mapping: &Mapping,
) -> Result<(Interchange<'static>, String), TranslateError> {
    let envelope = Envelope::from_header(message.header());
    let code = code_of(envelope.message_type).ok_or_else(|| {
        TranslateError::new(
            ErrorClass::Unsupported,
            "segment BGM",
            format!(
                "{} has no GAINDE form; it is delivered in the standardized JSON",
                envelope.message_type.code()
            ),
        )
    })?;
    let mut segments = vec![
        seg("BGM", vec![e(code), e(&envelope.reference), e("9")]),
        dtm("137", envelope.prepared_at),
        seg("RFF", vec![c(&["ABT", envelope.mrn.as_str()])]),
    ];
    if let Some(correlation) = &envelope.correlation {
        segments.push(seg("RFF", vec![c(&["ACW", correlation])]));
    }
    segments.push(seg(
        "NAD",
        vec![e("MS"), e(&national_participant(mapping, &envelope.sender))],
    ));
    segments.push(seg(
        "NAD",
        vec![
            e("MR"),
            e(&national_participant(mapping, &envelope.recipient)),
        ],
    ));
    let office = |o: &transit_model::OfficeRef| mapping.national_office(o);
    match message.body() {
        Body::ReleaseForTransit(d)
        | Body::AnticipatedArrivalRecord(d)
        | Body::AnticipatedTransitRecord(d) => segments.extend(declaration(d, mapping)?),
        Body::NotificationCrossingFrontier(x) => {
            segments.push(loc("119", &office(&x.transit_office)));
            segments.push(dtm("178", x.crossing_date_time));
            if let Some(a) = &x.automatic {
                segments.push(ftx("ZAU", "", &[a.provider.as_str(), a.event_id.as_str()]));
            }
        }
        Body::ArrivalAdvice(a) => {
            segments.push(loc("120", &office(&a.destination_office)));
            segments.push(dtm("178", a.arrival_date_time));
        }
        Body::DestinationControlResults(r) => {
            segments.push(loc("120", &office(&r.destination_office)));
            segments.push(dtm("9", r.control_date_time));
            segments.push(seg(
                "GIS",
                vec![e(r.control_result_code.code()), e(yn(r.seals_intact))],
            ));
            for d in &r.discrepancies {
                segments.push(ftx(
                    "DIS",
                    yn(d.major),
                    &[d.pointer.as_str(), d.description.as_str()],
                ));
            }
        }
        Body::IncidentNotification(i) | Body::IncidentForwarded(i) => {
            segments.push(loc("121", &office(&i.reporting_office)));
            segments.push(seg("GIS", vec![e(&u8::from(i.incident_code).to_string())]));
            segments.push(dtm("132", i.incident_date_time));
            segments.push(loc("122", i.country_code.as_str()));
            segments.push(ftx("ACD", "", &[i.place.as_str()]));
            segments.push(ftx("AAA", "", &[i.description.as_str()]));
            if let Some(m) = &i.replacement_transport_means {
                segments.push(tdt(m, mapping)?);
            }
            for s in &i.new_seal_ids {
                segments.push(seg("SEL", vec![e(s.as_str()), e("NEW")]));
            }
        }
        Body::InvalidationNotification(i) => {
            segments.push(dtm("133", i.invalidation_date_time));
            segments.push(ftx("AAO", "", &[i.reason.as_str()]));
        }
        Body::WriteOffNotification(w) => {
            segments.push(dtm("134", w.write_off_date_time));
            segments.push(seg(
                "RFF",
                vec![c(&["GN", w.guarantee_reference_id.as_str()])],
            ));
            segments.push(seg("GIS", vec![e(yn(w.guarantee_released))]));
        }
        Body::FunctionalNack(n) => {
            segments.push(seg(
                "RFF",
                vec![c(&["AGO", &national_reference(n.rejected_message_id)])],
            ));
            segments.push(seg(
                "DOC",
                vec![e(
                    code_of(n.rejected_message_type).unwrap_or(n.rejected_message_type.code())
                )],
            ));
            for err in &n.errors {
                segments.push(seg("ERC", vec![e(&u8::from(err.code).to_string())]));
                segments.push(ftx("AAO", "", &[err.pointer.as_str(), err.reason.as_str()]));
            }
        }
        other => match crate::office::write(other, mapping) {
            Some(written) => segments.extend(written?),
            None => {
                return Err(TranslateError::new(
                    ErrorClass::Unsupported,
                    "segment BGM",
                    format!("{} has no GAINDE form", other.message_type().code()),
                ))
            }
        },
    }
    let control: String = envelope.reference.chars().take(14).collect();
    Ok((
        Interchange {
            syntax: "UNOW".into(),
            sender: national_participant(mapping, &envelope.sender),
            recipient: national_participant(mapping, &envelope.recipient),
            control,
            message_type: "CUSDEC".into(),
            segments,
        },
        stamp(envelope.prepared_at),
    ))
}

pub(crate) fn declaration(
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
