//! The declaration section (a release for transit, an anticipated record, the copy in a
//! granted record), both ways, and the means of transport an incident also names.

use transit_model::{
    Classification, Commodity, Consignment, DepartureTransportMeans, GoodsItem, GoodsMeasure,
    GoodsShipment, Guarantee, Itinerary, Packaging, Party, Seal, ShipmentConsignment,
    TransitDeclaration, TransportEquipment, TransportMeans,
};
use transit_national::values::{
    container, country, date_time, decimal, format_date_time, hs_code, lrn, sequence, text,
};
use transit_national::{withheld, Mapping, TranslateError};

use crate::document::*;

fn party(p: &Operateur, at: &str) -> Result<Party, TranslateError> {
    Ok(Party {
        id: text(&p.code, format!("{at}/code"))?,
        name: text(&p.raison_sociale, format!("{at}/raisonSociale"))?,
    })
}

/// The means of transport `m` at `at`.
pub(crate) fn means(
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

/// The declaration section `d` → a transit declaration.
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

fn to_party(p: &Party) -> Operateur {
    Operateur {
        code: p.id.as_str().to_owned(),
        raison_sociale: p.name.as_str().to_owned(),
    }
}

/// The means of transport `m` as SYDAM writes it.
pub(crate) fn to_means(
    m: &TransportMeans,
    mapping: &Mapping,
) -> Result<MoyenTransport, TranslateError> {
    Ok(MoyenTransport {
        immatriculation: m.id.as_str().to_owned(),
        nationalite: m.registration_nationality_code.as_str().to_owned(),
        mode_transport: mapping.national_transport_mode(m.mode_code)?,
    })
}

/// A transit declaration → the declaration section.
pub(crate) fn to_declaration(
    d: &TransitDeclaration,
    mapping: &Mapping,
) -> Result<Declaration, TranslateError> {
    let s = &d.goods_shipment;
    let (reference, amount, currency) = withheld::guarantee(d);
    Ok(Declaration {
        reference_declarant: d.functional_reference_id.as_str().to_owned(),
        bureau_depart: mapping.national_office(&d.declaration_office_id),
        bureaux_passage: d
            .transit_office_ids
            .iter()
            .map(|o| mapping.national_office(o))
            .collect(),
        bureau_destination: mapping.national_office(&d.destination_office_id),
        date_mainlevee: format_date_time(d.release_date_time),
        delai_acheminement: format_date_time(d.arrival_time_limit),
        poids_brut_total: withheld::mass(&d.total_gross_mass_measure)
            .as_str()
            .to_owned(),
        declarant: to_party(&withheld::declarant(d)),
        transporteur: d.consignment.carrier.as_ref().map(to_party),
        expediteur: s.consignor.as_ref().map(to_party),
        destinataire: s.consignee.as_ref().map(to_party),
        moyen_transport: to_means(&withheld::border_transport_means(d), mapping)?,
        itineraire: d
            .consignment
            .itinerary
            .iter()
            .map(|i| i.routing_country_code.as_str().to_owned())
            .collect(),
        wagons: s
            .consignment
            .departure_transport_means
            .iter()
            .map(|w| Wagon {
                numero: w.id.as_str().to_owned(),
                type_wagon: w.type_code.as_ref().map(|t| t.as_str().to_owned()),
                nationalite: w
                    .registration_nationality_code
                    .map(|c| c.as_str().to_owned()),
                scelles: w.seal.iter().map(|s| s.id.as_str().to_owned()).collect(),
            })
            .collect(),
        conteneurs: s
            .consignment
            .transport_equipment
            .iter()
            .map(|e| Conteneur {
                numero: e.id.as_str().to_owned(),
                wagon: e.wagon_id.as_ref().map(|w| w.as_str().to_owned()),
                scelles: e.seal.iter().map(|s| s.id.as_str().to_owned()).collect(),
            })
            .collect(),
        articles: s
            .government_agency_goods_item
            .iter()
            .map(|g| {
                Ok(Article {
                    designation: g.commodity.description.as_str().to_owned(),
                    code_sh: g.commodity.classification.id.as_str().to_owned(),
                    poids_brut: withheld::mass(&g.commodity.goods_measure.gross_mass_measure)
                        .as_str()
                        .to_owned(),
                    colis: g
                        .packaging
                        .iter()
                        .map(|p| {
                            Ok(Colis {
                                nombre: p.quantity_quantity,
                                nature: mapping.national_package_kind(p.type_code.as_str())?,
                            })
                        })
                        .collect::<Result<_, TranslateError>>()?,
                })
            })
            .collect::<Result<_, TranslateError>>()?,
        garantie: Garantie {
            reference: reference.as_str().to_owned(),
            montant: amount.as_str().to_owned(),
            devise: mapping.national_currency(currency.as_str())?,
        },
        donnees_retenues: d.withheld.as_ref().map(withheld::marker_text),
    })
}
