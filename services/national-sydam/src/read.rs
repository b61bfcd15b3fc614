//! [`Document`] → standardized message.

use transit_model::{
    ArrivalAdvice, AutomaticConfirmation, Body, BorderCrossing, Classification, Commodity,
    Consignment, ControlResults, DepartureTransportMeans, Discrepancy, FunctionalError,
    FunctionalErrorCode, FunctionalNack, GoodsItem, GoodsMeasure, GoodsShipment, Guarantee,
    Incident, IncidentCode, Invalidation, Itinerary, MessageType, Packaging, Party, Seal,
    ShipmentConsignment, TransitDeclaration, TransportEquipment, TransportMeans, WriteOff,
};
use transit_national::values::{
    container, country, date_time, decimal, hs_code, lrn, mrn, sequence, text,
};
use transit_national::{
    national_message_id, participant, withheld, Envelope, ErrorClass, Mapping, TranslateError,
    Translated,
};

use crate::document::*;
use crate::types::{type_of, TYPES};

pub(crate) fn section<T>(value: Option<T>, place: &str) -> Result<T, TranslateError> {
    value.ok_or_else(|| TranslateError::missing(place))
}

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

fn party(p: &Operateur, at: &str) -> Result<Party, TranslateError> {
    Ok(Party {
        id: text(&p.code, format!("{at}/code"))?,
        name: text(&p.raison_sociale, format!("{at}/raisonSociale"))?,
    })
}

fn means(
    m: &MoyenTransport,
    at: &str,
    mapping: &Mapping,
) -> Result<TransportMeans, TranslateError> {
    Ok(TransportMeans {
        id: text(&m.immatriculation, format!("{at}/immatriculation"))?,
        registration_nationality_code: country(&m.nationalite, format!("{at}/nationalite"))?,
        mode_code: mapping
            .transport_mode(m.mode_transport.trim(), format!("{at}/modeTransport"))?,
    })
}

/// The seals `scelles` of the wagon or container at `at`.
fn seals(scelles: &[String], at: &str) -> Result<Vec<Seal>, TranslateError> {
    scelles
        .iter()
        .enumerate()
        .map(|(j, s)| {
            Ok(Seal {
                sequence_numeric: sequence(j),
                id: text(s, format!("{at}/scelles/{j}"))?,
            })
        })
        .collect()
}

pub(crate) fn declaration(
    d: Declaration,
    mapping: &Mapping,
) -> Result<TransitDeclaration, TranslateError> {
    let at = "/declaration";
    let optional = |p: &Option<Operateur>, name: &str| {
        p.as_ref()
            .map(|p| party(p, &format!("{at}/{name}")))
            .transpose()
    };
    Ok(TransitDeclaration {
        functional_reference_id: lrn(&d.reference_declarant, "/declaration/referenceDeclarant")?,
        declaration_office_id: mapping
            .office(d.bureau_depart.trim(), "/declaration/bureauDepart")?,
        transit_office_ids: d
            .bureaux_passage
            .iter()
            .enumerate()
            .map(|(i, b)| mapping.office(b.trim(), format!("{at}/bureauxPassage/{i}")))
            .collect::<Result<_, _>>()?,
        destination_office_id: mapping.office(
            d.bureau_destination.trim(),
            "/declaration/bureauDestination",
        )?,
        release_date_time: date_time(&d.date_mainlevee, "/declaration/dateMainlevee")?,
        arrival_time_limit: date_time(&d.delai_acheminement, "/declaration/delaiAcheminement")?,
        total_gross_mass_measure: Some(decimal(
            &d.poids_brut_total,
            "/declaration/poidsBrutTotal",
        )?),
        declarant: Some(party(&d.declarant, "/declaration/declarant")?),
        border_transport_means: Some(means(
            &d.moyen_transport,
            "/declaration/moyenTransport",
            mapping,
        )?),
        consignment: Consignment {
            carrier: optional(&d.transporteur, "transporteur")?,
            itinerary: d
                .itineraire
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Ok(Itinerary {
                        sequence_numeric: sequence(i),
                        routing_country_code: country(c, format!("{at}/itineraire/{i}"))?,
                    })
                })
                .collect::<Result<_, TranslateError>>()?,
        },
        goods_shipment: GoodsShipment {
            consignor: optional(&d.expediteur, "expediteur")?,
            consignee: optional(&d.destinataire, "destinataire")?,
            consignment: ShipmentConsignment {
                departure_transport_means: d
                    .wagons
                    .iter()
                    .enumerate()
                    .map(|(i, w)| {
                        let at = format!("{at}/wagons/{i}");
                        Ok(DepartureTransportMeans {
                            sequence_numeric: sequence(i),
                            id: text(&w.numero, format!("{at}/numero"))?,
                            type_code: w
                                .type_wagon
                                .as_deref()
                                .map(|t| text(t, format!("{at}/type")))
                                .transpose()?,
                            registration_nationality_code: w
                                .nationalite
                                .as_deref()
                                .map(|c| country(c, format!("{at}/nationalite")))
                                .transpose()?,
                            seal: seals(&w.scelles, &at)?,
                        })
                    })
                    .collect::<Result<_, TranslateError>>()?,
                transport_equipment: d
                    .conteneurs
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let at = format!("{at}/conteneurs/{i}");
                        Ok(TransportEquipment {
                            sequence_numeric: sequence(i),
                            id: container(&c.numero, format!("{at}/numero"))?,
                            wagon_id: c
                                .wagon
                                .as_deref()
                                .map(|w| text(w, format!("{at}/wagon")))
                                .transpose()?,
                            seal: seals(&c.scelles, &at)?,
                        })
                    })
                    .collect::<Result<_, TranslateError>>()?,
            },
            government_agency_goods_item: d
                .articles
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let at = format!("{at}/articles/{i}");
                    Ok(GoodsItem {
                        sequence_numeric: sequence(i),
                        commodity: Commodity {
                            description: text(&a.designation, format!("{at}/designation"))?,
                            classification: Classification {
                                id: hs_code(&a.code_sh, format!("{at}/codeSH"))?,
                            },
                            goods_measure: GoodsMeasure {
                                gross_mass_measure: Some(decimal(
                                    &a.poids_brut,
                                    format!("{at}/poidsBrut"),
                                )?),
                            },
                        },
                        packaging: a
                            .colis
                            .iter()
                            .enumerate()
                            .map(|(j, c)| {
                                let place = format!("{at}/colis/{j}/nature");
                                Ok(Packaging {
                                    type_code: text(
                                        &mapping.package_kind(c.nature.trim(), &place)?,
                                        &place,
                                    )?,
                                    quantity_quantity: c.nombre,
                                })
                            })
                            .collect::<Result<_, TranslateError>>()?,
                    })
                })
                .collect::<Result<_, TranslateError>>()?,
        },
        obligation_guarantee: Some(Guarantee {
            reference_id: text(&d.garantie.reference, "/declaration/garantie/reference")?,
            amount_amount: Some(decimal(
                &d.garantie.montant,
                "/declaration/garantie/montant",
            )?),
            currency_code: text(
                &mapping.currency(d.garantie.devise.trim(), "/declaration/garantie/devise")?,
                "/declaration/garantie/devise",
            )?,
        }),
        withheld: d
            .donnees_retenues
            .as_deref()
            .map(|marker| withheld::parse_marker(marker, "/declaration/donneesRetenues"))
            .transpose()?,
    })
    .map(|mut declaration| {
        withheld::restore(&mut declaration);
        declaration
    })
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
