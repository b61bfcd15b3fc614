//! Standardized message → GAINDE interchange.

use transit_model::{Body, StandardMessage};
use transit_national::{
    national_participant, national_reference, Envelope, ErrorClass, Mapping, TranslateError,
};

use crate::declaration;
use crate::segments::{c, dtm, e, ftx, loc, seg, stamp, tdt, yn};
use crate::syntax::Interchange;
use crate::types::code_of;

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
        | Body::AnticipatedTransitRecord(d) => segments.extend(declaration::write(d, mapping)?),
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
