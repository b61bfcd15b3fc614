//! [`Document`] → standardized message.

use transit_model::{
    ArrivalAdvice, AutomaticConfirmation, Body, BorderCrossing, ControlResults, Discrepancy,
    FunctionalError, FunctionalErrorCode, FunctionalNack, Incident, IncidentCode, Invalidation,
    MessageType, WriteOff,
};
use transit_national::values::{country, date_time, mrn, text};
use transit_national::{
    national_message_id, participant, Envelope, ErrorClass, Mapping, TranslateError, Translated,
};

use crate::declaration::{declaration, means};
use crate::document::*;
use crate::types::{type_of, TYPES};

/// A document → a standardized message.
pub fn to_standard(doc: Document, mapping: &Mapping) -> Result<Translated, TranslateError> {
    let e = &doc.entete;
    let message_type = type_of(e.type_message.trim()).ok_or_else(|| {
        TranslateError::new(
            ErrorClass::UnknownCode,
            "/entete/typeMessage",
            format!(
                "{:?} is not a SYDAM message type exchanged with the hub ({})",
                e.type_message,
                TYPES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            ),
        )
    })?;
    let envelope = Envelope {
        message_type,
        reference: text::<70>(&e.numero_message, "/entete/numeroMessage")?
            .as_str()
            .to_owned(),
        prepared_at: date_time(&e.date_message, "/entete/dateMessage")?,
        mrn: mrn(&e.numero_mrn, "/entete/numeroMRN")?,
        sender: participant(mapping, e.emetteur.trim(), "/entete/emetteur")?,
        recipient: participant(mapping, e.destinataire.trim(), "/entete/destinataire")?,
        correlation: e.reference_correlation.clone(),
    };
    let office = |code: &str, place: &str| mapping.office(code.trim(), place);
    use MessageType as T;
    let body = match message_type {
        T::ReleaseForTransit | T::AnticipatedArrivalRecord | T::AnticipatedTransitRecord => {
            let d = declaration(section(doc.declaration, "/declaration")?, mapping)?;
            match message_type {
                T::ReleaseForTransit => Body::ReleaseForTransit(d),
                T::AnticipatedArrivalRecord => Body::AnticipatedArrivalRecord(d),
                _ => Body::AnticipatedTransitRecord(d),
            }
        }
        T::NotificationCrossingFrontier => {
            let p = section(doc.passage, "/passage")?;
            Body::NotificationCrossingFrontier(BorderCrossing {
                transit_office: office(&p.bureau, "/passage/bureau")?,
                crossing_date_time: date_time(&p.date_passage, "/passage/datePassage")?,
                automatic: p
                    .automatique
                    .as_ref()
                    .map(|a| {
                        Ok::<_, TranslateError>(AutomaticConfirmation {
                            provider: text(&a.fournisseur, "/passage/automatique/fournisseur")?,
                            event_id: text(&a.evenement, "/passage/automatique/evenement")?,
                        })
                    })
                    .transpose()?,
            })
        }
        T::ArrivalAdvice => {
            let a = section(doc.arrivee, "/arrivee")?;
            Body::ArrivalAdvice(ArrivalAdvice {
                destination_office: office(&a.bureau, "/arrivee/bureau")?,
                arrival_date_time: date_time(&a.date_arrivee, "/arrivee/dateArrivee")?,
            })
        }
        T::DestinationControlResults => {
            let c = section(doc.resultat_controle, "/resultatControle")?;
            Body::DestinationControlResults(ControlResults {
                destination_office: office(&c.bureau, "/resultatControle/bureau")?,
                control_date_time: date_time(&c.date_controle, "/resultatControle/dateControle")?,
                control_result_code: transit_national::values::control_result(
                    &c.code,
                    "/resultatControle/code",
                )?,
                seals_intact: c.scelles_intacts,
                discrepancies: c
                    .ecarts
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let at = format!("/resultatControle/ecarts/{i}");
                        Ok(Discrepancy {
                            pointer: text(&e.element, format!("{at}/element"))?,
                            description: text(&e.description, format!("{at}/description"))?,
                            major: e.majeur,
                        })
                    })
                    .collect::<Result<_, TranslateError>>()?,
            })
        }
        T::IncidentNotification | T::IncidentForwarded => {
            let i = incident(section(doc.incident, "/incident")?, mapping)?;
            if message_type == T::IncidentNotification {
                Body::IncidentNotification(i)
            } else {
                Body::IncidentForwarded(i)
            }
        }
        T::InvalidationNotification => {
            let i = section(doc.invalidation, "/invalidation")?;
            Body::InvalidationNotification(Invalidation {
                invalidation_date_time: date_time(
                    &i.date_invalidation,
                    "/invalidation/dateInvalidation",
                )?,
                reason: text(&i.motif, "/invalidation/motif")?,
            })
        }
        T::WriteOffNotification => {
            let a = section(doc.apurement, "/apurement")?;
            Body::WriteOffNotification(WriteOff {
                write_off_date_time: date_time(&a.date_apurement, "/apurement/dateApurement")?,
                guarantee_reference_id: text(
                    &a.reference_garantie,
                    "/apurement/referenceGarantie",
                )?,
                guarantee_released: a.garantie_liberee,
            })
        }
        T::FunctionalNack => {
            let r = section(doc.rejet, "/rejet")?;
            let kind = r.type_message_rejete.trim();
            Body::FunctionalNack(FunctionalNack {
                rejected_message_id: national_message_id(
                    mapping.country(),
                    r.numero_message_rejete.trim(),
                ),
                rejected_message_type: type_of(kind)
                    .or_else(|| MessageType::from_code(kind).ok())
                    .ok_or_else(|| {
                        TranslateError::new(
                            ErrorClass::UnknownCode,
                            "/rejet/typeMessageRejete",
                            format!("{kind:?} is not a message type"),
                        )
                    })?,
                errors: r
                    .erreurs
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let at = format!("/rejet/erreurs/{i}");
                        Ok(FunctionalError {
                            code: FunctionalErrorCode::try_from(e.code).map_err(|m| {
                                TranslateError::new(
                                    ErrorClass::UnknownCode,
                                    format!("{at}/code"),
                                    m,
                                )
                            })?,
                            pointer: text(&e.element, format!("{at}/element"))?,
                            reason: text(&e.motif, format!("{at}/motif"))?,
                        })
                    })
                    .collect::<Result<_, TranslateError>>()?,
            })
        }
        other => match crate::office::read(other, doc, mapping) {
            Some(body) => body?,
            None => {
                return Err(TranslateError::new(
                    ErrorClass::Unsupported,
                    "/entete/typeMessage",
                    format!("{} is not exchanged through SYDAM", other.code()),
                ))
            }
        },
    };
    envelope.into_translated(mapping.country(), body, "/entete/typeMessage")
}

fn incident(i: IncidentSection, mapping: &Mapping) -> Result<Incident, TranslateError> {
    Ok(Incident {
        reporting_office: mapping.office(i.bureau.trim(), "/incident/bureau")?,
        incident_code: IncidentCode::try_from(i.code)
            .map_err(|m| TranslateError::new(ErrorClass::UnknownCode, "/incident/code", m))?,
        incident_date_time: date_time(&i.date_incident, "/incident/dateIncident")?,
        country_code: country(&i.pays, "/incident/pays")?,
        place: text(&i.lieu, "/incident/lieu")?,
        description: text(&i.description, "/incident/description")?,
        replacement_transport_means: i
            .nouveau_moyen_transport
            .as_ref()
            .map(|m| means(m, "/incident/nouveauMoyenTransport", mapping))
            .transpose()?,
        new_seal_ids: i
            .nouveaux_scelles
            .iter()
            .enumerate()
            .map(|(j, s)| text(s, format!("/incident/nouveauxScelles/{j}")))
            .collect::<Result<_, _>>()?,
    })
}
