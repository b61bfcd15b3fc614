//! The elements of CD001C / CD050C → the declaration.

use transit_model::{
    Classification, Commodity, Consignment, DepartureTransportMeans, GoodsItem, GoodsMeasure,
    GoodsShipment, Guarantee, Itinerary, Mrn, Packaging, Party, Seal, ShipmentConsignment,
    TransitDeclaration, TransportEquipment, TransportMeans,
};
use transit_national::{values, withheld, ErrorClass, Mapping, TranslateError};

use crate::extras::ReadExtras;
use crate::parts::read_office;
use crate::values::{read_date, read_date_time, read_decimal, read_mrn};
use crate::xml::Element;

fn read_party(e: &Element) -> Result<Party, TranslateError> {
    let (id, id_at) = e.text_of("identificationNumber")?;
    let (name, name_at) = e.text_of("name")?;
    Ok(Party {
        id: values::text(id, id_at)?,
        name: values::text(name, name_at)?,
    })
}

/// A `sequenceNumber`: 1 to 99999 (NCTS's `NumericWithoutZero_5`).
fn sequence(e: &Element) -> Result<u32, TranslateError> {
    let (value, place) = e.text_of("sequenceNumber")?;
    let n: u32 = values::number(value, place)?;
    if n == 0 || n > 99_999 {
        return Err(TranslateError::new(
            ErrorClass::InvalidValue,
            place,
            format!("{n} is not a sequence number: NCTS numbers from 1 to 99999"),
        ));
    }
    Ok(n)
}

/// The `SG…` entries name wagons and containers by sequence number: each is given once.
fn each_once(numbers: impl Iterator<Item = u32>, place: &str) -> Result<(), TranslateError> {
    let mut seen = std::collections::BTreeSet::new();
    for n in numbers {
        if !seen.insert(n) {
            return Err(TranslateError::new(
                ErrorClass::Duplicate,
                place,
                format!("sequence number {n} is given twice; each must name one element"),
            ));
        }
    }
    Ok(())
}

fn number<T: std::str::FromStr>(e: &Element, name: &str) -> Result<T, TranslateError> {
    let (value, place) = e.text_of(name)?;
    values::number(value, place)
}

fn words<'a, const N: usize>(
    text: &'a str,
    place: &str,
    what: &str,
) -> Result<[&'a str; N], TranslateError> {
    let parts: Vec<&str> = text.splitn(N, ' ').collect();
    parts.try_into().map_err(|_| {
        TranslateError::new(
            ErrorClass::InvalidValue,
            place,
            format!("{text:?}: expected {what}, separated by spaces"),
        )
    })
}

/// The MRN and declaration of a CD001C or CD050C.
pub(crate) fn read(
    root: &Element,
    mapping: &Mapping,
) -> Result<(Mrn, TransitDeclaration), TranslateError> {
    let operation = root.need("TransitOperation")?;
    let (mrn, mrn_at) = operation.text_of("MRN")?;
    let mrn = read_mrn(mrn, mrn_at)?;
    let consignment = root.need("Consignment")?;
    let extras = ReadExtras::read(consignment)?;
    let (lrn, lrn_at) = extras.need("SGLRN")?;
    let release = match extras.optional("SGREL") {
        Some((text, place)) => read_date_time(text, place)?,
        None => {
            let (day, place) = operation.text_of("releaseDate")?;
            read_date(day, place)?
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc()
        }
    };
    let (limit, limit_at) = extras.need("SGTLT")?;
    let (guarantee, guarantee_at) = extras.need("SGGRT")?;
    // The reference may hold spaces: amount and currency are the last two words.
    let mut last = guarantee.rsplitn(3, ' ');
    let (Some(currency), Some(amount), Some(reference)) = (last.next(), last.next(), last.next())
    else {
        return Err(TranslateError::new(
            ErrorClass::InvalidValue,
            guarantee_at,
            format!("{guarantee:?}: expected reference, amount and currency, separated by spaces"),
        ));
    };
    let mut transit_office_ids = Vec::new();
    for transit in root.all("CustomsOfficeOfTransitDeclared") {
        let (code, place) = transit.text_of("referenceNumber")?;
        transit_office_ids.push(mapping.office(code, place)?);
    }
    let mode = consignment.text_of("modeOfTransportAtTheBorder")?;
    let border = consignment.need("ActiveBorderTransportMeans")?;
    let (border_id, border_id_at) = border.text_of("identificationNumber")?;
    let (border_country, border_country_at) = border.text_of("nationality")?;
    let carrier = match consignment.child("Carrier")? {
        Some(c) => {
            let (id, id_at) = c.text_of("identificationNumber")?;
            let (name, name_at) = extras.need("SGCAR")?;
            Some(Party {
                id: values::text(id, id_at)?,
                name: values::text(name, name_at)?,
            })
        }
        None => None,
    };
    let itinerary = consignment
        .all("CountryOfRoutingOfConsignment")
        .map(|c| {
            let (country, place) = c.text_of("country")?;
            Ok(Itinerary {
                sequence_numeric: sequence(c)?,
                routing_country_code: values::country(country, place)?,
            })
        })
        .collect::<Result<Vec<_>, TranslateError>>()?;
    let (mass, mass_at) = consignment.text_of("grossMass")?;
    let declaration = TransitDeclaration {
        functional_reference_id: values::lrn(lrn, lrn_at)?,
        declaration_office_id: read_office(root, "CustomsOfficeOfDeparture", mapping)?,
        transit_office_ids,
        destination_office_id: read_office(root, "CustomsOfficeOfDestinationDeclared", mapping)?,
        release_date_time: release,
        arrival_time_limit: read_date_time(limit, limit_at)?,
        total_gross_mass_measure: Some(read_decimal(mass, mass_at)?),
        declarant: Some(read_party(root.need("HolderOfTheTransitProcedure")?)?),
        border_transport_means: Some(TransportMeans {
            id: values::text(border_id, border_id_at)?,
            registration_nationality_code: values::country(border_country, border_country_at)?,
            mode_code: mapping.transport_mode(mode.0, mode.1)?,
        }),
        consignment: Consignment { carrier, itinerary },
        goods_shipment: GoodsShipment {
            consignor: consignment
                .child("Consignor")?
                .map(read_party)
                .transpose()?,
            consignee: consignment
                .child("Consignee")?
                .map(read_party)
                .transpose()?,
            consignment: ShipmentConsignment {
                departure_transport_means: wagons(consignment, &extras)?,
                transport_equipment: equipment(consignment, &extras)?,
            },
            government_agency_goods_item: goods(consignment, mapping)?,
        },
        obligation_guarantee: Some(Guarantee {
            reference_id: values::text(reference, guarantee_at)?,
            amount_amount: Some(read_decimal(amount, guarantee_at)?),
            currency_code: values::text(&mapping.currency(currency, guarantee_at)?, guarantee_at)?,
        }),
        withheld: extras
            .optional("SGWHD")
            .map(|(text, place)| withheld::parse_marker(text, place))
            .transpose()?,
    };
    let mut declaration = declaration;
    withheld::restore(&mut declaration);
    Ok((mrn, declaration))
}

fn read_seals(e: &Element) -> Result<Vec<Seal>, TranslateError> {
    e.all("Seal")
        .map(|s| {
            let (id, place) = s.text_of("identifier")?;
            Ok(Seal {
                sequence_numeric: sequence(s)?,
                id: values::text(
                    crate::values::read_at_most(id, crate::values::SEAL_MAX, place)?,
                    place,
                )?,
            })
        })
        .collect()
}

fn equipment(
    consignment: &Element,
    extras: &ReadExtras<'_>,
) -> Result<Vec<TransportEquipment>, TranslateError> {
    let mut wagons = Vec::new();
    for (text, place) in extras.all("SGCWG") {
        let [sequence, wagon] = words::<2>(text, place, "container sequence number and wagon")?;
        wagons.push((
            values::number::<u32>(sequence, place)?,
            values::text(wagon, place)?,
        ));
    }
    let containers: Vec<&Element> = consignment.all("TransportEquipment").collect();
    each_once(
        containers
            .iter()
            .map(|e| sequence(e))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter(),
        &format!("{}/TransportEquipment/sequenceNumber", consignment.path),
    )?;
    containers
        .into_iter()
        .map(|e| {
            let sequence = sequence(e)?;
            let (id, place) = e.text_of("containerIdentificationNumber")?;
            Ok(TransportEquipment {
                sequence_numeric: sequence,
                id: values::container(id, place)?,
                wagon_id: wagons
                    .iter()
                    .find(|(s, _)| *s == sequence)
                    .map(|(_, w)| w.clone()),
                seal: read_seals(e)?,
            })
        })
        .collect()
}

fn wagons(
    consignment: &Element,
    extras: &ReadExtras<'_>,
) -> Result<Vec<DepartureTransportMeans>, TranslateError> {
    let mut kinds = Vec::new();
    for (text, place) in extras.all("SGWTY") {
        let [sequence, kind] = words::<2>(text, place, "wagon sequence number and type")?;
        kinds.push((
            values::number::<u32>(sequence, place)?,
            values::text(kind, place)?,
        ));
    }
    let mut seals: Vec<(u32, Seal)> = Vec::new();
    for (text, place) in extras.all("SGWSL") {
        let [wagon, sequence, id] = words::<3>(
            text,
            place,
            "wagon sequence number, seal sequence number and seal",
        )?;
        seals.push((
            values::number(wagon, place)?,
            Seal {
                sequence_numeric: values::number(sequence, place)?,
                id: values::text(id, place)?,
            },
        ));
    }
    let wagons: Vec<&Element> = consignment.all("DepartureTransportMeans").collect();
    each_once(
        wagons
            .iter()
            .map(|w| sequence(w))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter(),
        &format!(
            "{}/DepartureTransportMeans/sequenceNumber",
            consignment.path
        ),
    )?;
    wagons
        .into_iter()
        .map(|w| {
            let sequence = sequence(w)?;
            let (id, id_at) = w.text_of("identificationNumber")?;
            Ok(DepartureTransportMeans {
                sequence_numeric: sequence,
                id: values::text(id, id_at)?,
                type_code: kinds
                    .iter()
                    .find(|(s, _)| *s == sequence)
                    .map(|(_, k)| k.clone()),
                registration_nationality_code: w
                    .value("nationality")?
                    .map(|(c, place)| values::country(c, place))
                    .transpose()?,
                seal: seals
                    .iter()
                    .filter(|(s, _)| *s == sequence)
                    .map(|(_, seal)| seal.clone())
                    .collect(),
            })
        })
        .collect()
}

fn goods(consignment: &Element, mapping: &Mapping) -> Result<Vec<GoodsItem>, TranslateError> {
    let mut items = Vec::new();
    for house in consignment.all("HouseConsignment") {
        for item in house.all("ConsignmentItem") {
            let commodity = item.need("Commodity")?;
            let (description, description_at) = commodity.text_of("descriptionOfGoods")?;
            let code = commodity.need("CommodityCode")?;
            let (heading, heading_at) = code.text_of("harmonizedSystemSubHeadingCode")?;
            let hs = match code.value("combinedNomenclatureCode")? {
                Some((cn, _)) => format!("{heading}{cn}"),
                None => heading.to_owned(),
            };
            let (mass, mass_at) = commodity.need("GoodsMeasure")?.text_of("grossMass")?;
            let packaging = item
                .all("Packaging")
                .map(|p| {
                    let (kind, kind_at) = p.text_of("typeOfPackages")?;
                    Ok(Packaging {
                        type_code: values::text(&mapping.package_kind(kind, kind_at)?, kind_at)?,
                        quantity_quantity: number(p, "numberOfPackages")?,
                    })
                })
                .collect::<Result<Vec<_>, TranslateError>>()?;
            items.push(GoodsItem {
                sequence_numeric: number(item, "declarationGoodsItemNumber")?,
                commodity: Commodity {
                    description: values::text(description, description_at)?,
                    classification: Classification {
                        id: values::hs_code(&hs, heading_at)?,
                    },
                    goods_measure: GoodsMeasure {
                        gross_mass_measure: Some(read_decimal(mass, mass_at)?),
                    },
                },
                packaging,
            });
        }
    }
    Ok(items)
}
