//! GAINDE interchange → standardized message.

use transit_model::{
    ArrivalAdvice, AutomaticConfirmation, Body, BorderCrossing, ControlResults, Discrepancy,
    FunctionalError, FunctionalErrorCode, FunctionalNack, Incident, IncidentCode, Invalidation,
    MessageType, WriteOff,
};
use transit_national::values::{country, mrn, number, text};
use transit_national::{
    national_message_id, participant, Envelope, ErrorClass, Mapping, TranslateError, Translated,
};

use crate::declaration;
use crate::segments::{date, flag, means, office};
use crate::syntax::Interchange;
use crate::types::type_of;
use crate::view::View;

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
        T::ReleaseForTransit => Body::ReleaseForTransit(declaration::read(view, mapping)?),
        T::AnticipatedArrivalRecord => {
            Body::AnticipatedArrivalRecord(declaration::read(view, mapping)?)
        }
        T::AnticipatedTransitRecord => {
            Body::AnticipatedTransitRecord(declaration::read(view, mapping)?)
        }
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
