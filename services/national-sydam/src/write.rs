//! Standardized message → [`Document`].

use transit_model::{Body, StandardMessage};
use transit_national::values::format_date_time;
use transit_national::{
    national_participant, national_reference, Envelope, ErrorClass, Mapping, TranslateError,
};

use crate::declaration::{to_declaration, to_means};
use crate::document::*;
use crate::types::name_of;

/// A standardized message → a document.
pub fn to_document(
    message: &StandardMessage,
    mapping: &Mapping,
) -> Result<Document, TranslateError> {
    let envelope = Envelope::from_header(message.header());
    let kind = name_of(envelope.message_type).ok_or_else(|| {
        TranslateError::new(
            ErrorClass::Unsupported,
            "/entete/typeMessage",
            format!(
                "{} has no SYDAM form; it is delivered in the standardized JSON",
                envelope.message_type.code()
            ),
        )
    })?;
    let mut doc = Document {
        entete: Entete {
            type_message: kind.to_owned(),
            numero_message: envelope.reference.clone(),
            date_message: format_date_time(envelope.prepared_at),
            numero_mrn: envelope.mrn.as_str().to_owned(),
            emetteur: national_participant(mapping, &envelope.sender),
            destinataire: national_participant(mapping, &envelope.recipient),
            reference_correlation: envelope.correlation.clone(),
        },
        ..Document::default()
    };
    let office = |o: &transit_model::OfficeRef| mapping.national_office(o);
    match message.body() {
        Body::ReleaseForTransit(d)
        | Body::AnticipatedArrivalRecord(d)
        | Body::AnticipatedTransitRecord(d) => doc.declaration = Some(to_declaration(d, mapping)?),
        Body::NotificationCrossingFrontier(c) => {
            doc.passage = Some(Passage {
                bureau: office(&c.transit_office),
                date_passage: format_date_time(c.crossing_date_time),
                automatique: c.automatic.as_ref().map(|a| Automatique {
                    fournisseur: a.provider.as_str().to_owned(),
                    evenement: a.event_id.as_str().to_owned(),
                }),
            })
        }
        Body::ArrivalAdvice(a) => {
            doc.arrivee = Some(Arrivee {
                bureau: office(&a.destination_office),
                date_arrivee: format_date_time(a.arrival_date_time),
            })
        }
        Body::DestinationControlResults(c) => {
            doc.resultat_controle = Some(ResultatControle {
                bureau: office(&c.destination_office),
                date_controle: format_date_time(c.control_date_time),
                code: c.control_result_code.code().to_owned(),
                scelles_intacts: c.seals_intact,
                ecarts: c
                    .discrepancies
                    .iter()
                    .map(|d| Ecart {
                        element: d.pointer.as_str().to_owned(),
                        description: d.description.as_str().to_owned(),
                        majeur: d.major,
                    })
                    .collect(),
            })
        }
        Body::IncidentNotification(i) | Body::IncidentForwarded(i) => {
            doc.incident = Some(IncidentSection {
                bureau: office(&i.reporting_office),
                code: u8::from(i.incident_code),
                date_incident: format_date_time(i.incident_date_time),
                pays: i.country_code.as_str().to_owned(),
                lieu: i.place.as_str().to_owned(),
                description: i.description.as_str().to_owned(),
                nouveau_moyen_transport: i
                    .replacement_transport_means
                    .as_ref()
                    .map(|m| to_means(m, mapping))
                    .transpose()?,
                nouveaux_scelles: i
                    .new_seal_ids
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect(),
            })
        }
        Body::InvalidationNotification(i) => {
            doc.invalidation = Some(InvalidationSection {
                date_invalidation: format_date_time(i.invalidation_date_time),
                motif: i.reason.as_str().to_owned(),
            })
        }
        Body::WriteOffNotification(w) => {
            doc.apurement = Some(Apurement {
                date_apurement: format_date_time(w.write_off_date_time),
                reference_garantie: w.guarantee_reference_id.as_str().to_owned(),
                garantie_liberee: w.guarantee_released,
            })
        }
        Body::FunctionalNack(n) => {
            doc.rejet = Some(Rejet {
                numero_message_rejete: national_reference(n.rejected_message_id),
                type_message_rejete: name_of(n.rejected_message_type)
                    .unwrap_or(n.rejected_message_type.code())
                    .to_owned(),
                erreurs: n
                    .errors
                    .iter()
                    .map(|e| Erreur {
                        code: u8::from(e.code),
                        element: e.pointer.as_str().to_owned(),
                        motif: e.reason.as_str().to_owned(),
                    })
                    .collect(),
            })
        }
        other => match crate::office::write(other, &mut doc, mapping) {
            Some(written) => written?,
            None => {
                return Err(TranslateError::new(
                    ErrorClass::Unsupported,
                    "/entete/typeMessage",
                    format!("{} has no SYDAM form", other.message_type().code()),
                ))
            }
        },
    }
    Ok(doc)
}
