//! The transit declaration in ASYCUDA XML (IE015/IE029): the declaration, its goods items,
//! parties, guarantee, itinerary and transport.

use transit_model::{
    Classification, Commodity, Consignment, DepartureTransportMeans, GoodsItem, GoodsMeasure,
    GoodsShipment, Guarantee, Itinerary, Packaging, Seal, ShipmentConsignment, TransitDeclaration,
    TransportEquipment, TransportMeans,
};
use transit_national::values::{
    container, country, date_time, decimal, hs_code, lrn, number, sequence, text,
};
use transit_national::{withheld, ErrorClass, Mapping, TranslateError};

use super::party;
use crate::tree::Node;

/// The `Seals` of a container or wagon: `Number`, when given, must count the `Identity`s.
fn seals(holder: &Node<'_>) -> Result<Vec<Seal>, TranslateError> {
    let Some(seals) = holder.child("Seals")? else {
        return Ok(Vec::new());
    };
    let list: Vec<&Node<'_>> = seals.all("Identity").collect();
    if let Some((n, n_at)) = seals.value("Number")? {
        let declared: usize = number(n, n_at)?;
        if declared != list.len() {
            return Err(TranslateError::new(
                ErrorClass::InvalidValue,
                n_at,
                format!(
                    "{declared} seals declared but {} seal identities given",
                    list.len()
                ),
            ));
        }
    }
    list.into_iter()
        .enumerate()
        .map(|(j, s)| {
            Ok(Seal {
                sequence_numeric: sequence(j),
                id: text(&s.text, s.path())?,
            })
        })
        .collect()
}

pub(super) fn declaration(
    root: &Node<'_>,
    mapping: &Mapping,
) -> Result<TransitDeclaration, TranslateError> {
    let identification = root.need("Identification")?;
    let (office, office_at) = identification
        .need("Office_segment")?
        .text_of("Customs_clearance_office_code")?;
    let (released, released_at) = identification.need("Registration")?.text_of("Date")?;
    let declarant_node = root.need("Declarant")?;
    let (reference, reference_at) = declarant_node.need("Reference")?.text_of("Number")?;
    let declarant = party(Some(declarant_node), "Declarant_code", "Declarant_name")?
        .ok_or_else(|| TranslateError::missing("ASYCUDA/Declarant"))?;
    let traders = root.child("Traders")?;
    let consignor = match traders {
        Some(t) => party(t.child("Exporter")?, "Exporter_code", "Exporter_name")?,
        None => None,
    };
    let consignee = match traders {
        Some(t) => party(t.child("Consignee")?, "Consignee_code", "Consignee_name")?,
        None => None,
    };
    let itinerary = match root.child("General_information")? {
        Some(g) => match g.child("Itinerary")? {
            Some(it) => it
                .all("Country_code")
                .enumerate()
                .map(|(i, c)| {
                    Ok(Itinerary {
                        sequence_numeric: sequence(i),
                        routing_country_code: country(&c.text, c.path())?,
                    })
                })
                .collect::<Result<Vec<_>, TranslateError>>()?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let transport = root.need("Transport")?;
    let border = transport
        .need("Means_of_transport")?
        .need("Border_information")?;
    let (identity, identity_at) = border.text_of("Identity")?;
    let (nationality, nationality_at) = border.text_of("Nationality")?;
    let (mode, mode_at) = border.text_of("Mode")?;
    let carrier = party(transport.child("Carrier")?, "Code", "Name")?;
    let transit_office_ids = transport
        .all("Border_office")
        .map(|b| {
            let (code, at) = b.text_of("Code")?;
            mapping.office(code.trim(), at)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let departure_transport_means = transport
        .all("Wagon")
        .enumerate()
        .map(|(i, w)| {
            let (id, id_at) = w.text_of("Identity")?;
            Ok(DepartureTransportMeans {
                sequence_numeric: sequence(i),
                id: text(id, id_at)?,
                type_code: w.value("Type")?.map(|(t, at)| text(t, at)).transpose()?,
                registration_nationality_code: w
                    .value("Nationality")?
                    .map(|(c, at)| country(c, at))
                    .transpose()?,
                seal: seals(w)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    let transport_equipment = transport
        .all("Container")
        .enumerate()
        .map(|(i, c)| {
            let (id, id_at) = c.text_of("Identity")?;
            Ok(TransportEquipment {
                sequence_numeric: sequence(i),
                id: container(id, id_at)?,
                wagon_id: c.value("Wagon")?.map(|(w, at)| text(w, at)).transpose()?,
                seal: seals(c)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    let guarantee = root.need("Financial")?.need("Guarantee")?;
    let (g_ref, g_ref_at) = guarantee.text_of("Name")?;
    let (g_amount, g_amount_at) = guarantee.text_of("Amount")?;
    let (g_currency, g_currency_at) = guarantee.text_of("Currency")?;
    let transit = root.need("Transit")?;
    let (destination, destination_at) = transit.need("Destination")?.text_of("Office")?;
    let (limit, limit_at) = transit.text_of("Time_limit")?;
    let (mass, mass_at) = root
        .need("Valuation")?
        .need("Weight")?
        .text_of("Gross_weight")?;
    let items: Vec<&Node<'_>> = root.all("Item").collect();
    if let Some(declared) = root
        .child("Property")?
        .and_then(|p| p.child("Nbers").ok().flatten())
    {
        if let Some((n, n_at)) = declared.value("Total_number_of_items")? {
            let n: usize = number(n, n_at)?;
            if n != items.len() {
                return Err(TranslateError::new(
                    ErrorClass::InvalidValue,
                    n_at,
                    format!(
                        "{n} items declared but {} <Item> segments sent",
                        items.len()
                    ),
                ));
            }
        }
    }
    let government_agency_goods_item = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| goods_item(i, item, mapping))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(TransitDeclaration {
        functional_reference_id: lrn(reference, reference_at)?,
        declaration_office_id: mapping.office(office.trim(), office_at)?,
        transit_office_ids,
        destination_office_id: mapping.office(destination.trim(), destination_at)?,
        release_date_time: date_time(released, released_at)?,
        arrival_time_limit: date_time(limit, limit_at)?,
        total_gross_mass_measure: Some(decimal(mass, mass_at)?),
        declarant: Some(declarant),
        border_transport_means: Some(TransportMeans {
            id: text(identity, identity_at)?,
            registration_nationality_code: country(nationality, nationality_at)?,
            mode_code: mapping.transport_mode(mode.trim(), mode_at)?,
        }),
        consignment: Consignment { carrier, itinerary },
        goods_shipment: GoodsShipment {
            consignor,
            consignee,
            consignment: ShipmentConsignment {
                departure_transport_means,
                transport_equipment,
            },
            government_agency_goods_item,
        },
        obligation_guarantee: Some(Guarantee {
            reference_id: text(g_ref, g_ref_at)?,
            amount_amount: Some(decimal(g_amount, g_amount_at)?),
            currency_code: text(
                &mapping.currency(g_currency.trim(), g_currency_at)?,
                g_currency_at,
            )?,
        }),
        withheld: transit
            .value("Withheld")?
            .map(|(marker, at)| withheld::parse_marker(marker, at))
            .transpose()?,
    })
    .map(|mut declaration| {
        withheld::restore(&mut declaration);
        declaration
    })
}

fn goods_item(
    index: usize,
    item: &Node<'_>,
    mapping: &Mapping,
) -> Result<GoodsItem, TranslateError> {
    let packaging = item
        .all("Packages")
        .map(|p| {
            let (count, count_at) = p.text_of("Number_of_packages")?;
            let (kind, kind_at) = p.text_of("Kind_of_packages_code")?;
            Ok(Packaging {
                type_code: text(&mapping.package_kind(kind.trim(), kind_at)?, kind_at)?,
                quantity_quantity: number(count, count_at)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    let (hs, hs_at) = item
        .need("Tarification")?
        .need("HScode")?
        .text_of("Commodity_code")?;
    let (description, description_at) = item
        .need("Goods_description")?
        .text_of("Description_of_goods")?;
    let (mass, mass_at) = item
        .need("Valuation_item")?
        .need("Weight_itm")?
        .text_of("Gross_weight_itm")?;
    Ok(GoodsItem {
        sequence_numeric: sequence(index),
        commodity: Commodity {
            description: text(description, description_at)?,
            classification: Classification {
                id: hs_code(hs, hs_at)?,
            },
            goods_measure: GoodsMeasure {
                gross_mass_measure: Some(decimal(mass, mass_at)?),
            },
        },
        packaging,
    })
}
