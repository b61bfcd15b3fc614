//! The declaration ↔ the body of CD001C (anticipated arrival record) and CD050C (anticipated
//! transit record): offices, holder (sigmat's declarant), consignment, goods in one house
//! consignment, and the [`crate::extras`] NCTS has no element for.

use transit_model::{
    Classification, Commodity, Consignment, DepartureTransportMeans, GoodsItem, GoodsMeasure,
    GoodsShipment, Guarantee, Itinerary, Mrn, OfficeRef, Packaging, Party, Seal,
    ShipmentConsignment, TransitDeclaration, TransportEquipment, TransportMeans,
};
use transit_national::{values, ErrorClass, Mapping, TranslateError};

use crate::extras::{Extras, ReadExtras};
use crate::values::{date, decimal, fits, read_date, read_date_time, read_decimal, read_mrn};
use crate::xml::Element;

/// What sigmat writes where NCTS requires an element it has no value for.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    (
        "TransitOperation/declarationType",
        "T1 (sigmat does not know the NCTS declaration type)",
    ),
    ("TransitOperation/security", "0"),
    ("TransitOperation/reducedDatasetIndicator", "0"),
    ("TransitOperation/bindingItinerary", "0"),
    (
        "TransitOperation/declarationAcceptanceDate",
        "the release date",
    ),
    (
        "ControlResult/code",
        "A1, dated the release date (the office released the goods)",
    ),
    ("*/Address/streetAndNumber", "- (sigmat keeps no addresses)"),
    ("*/Address/city", "- (sigmat keeps no addresses)"),
    (
        "*/Address/country",
        "the country of the office of departure (holder, consignor) or destination (consignee)",
    ),
    (
        "HouseConsignment/sequenceNumber",
        "1: the goods items travel in one house consignment",
    ),
    (
        "HouseConsignment/grossMass",
        "the declaration's total gross mass",
    ),
];

fn office(name: &str, office: &OfficeRef, mapping: &Mapping) -> Element {
    Element::group(
        name,
        vec![Element::leaf(
            "referenceNumber",
            mapping.national_office(office),
        )],
    )
}

fn party(name: &str, p: &Party, country: &str) -> Element {
    Element::group(
        name,
        vec![
            Element::leaf("identificationNumber", p.id.as_str()),
            Element::leaf("name", p.name.as_str()),
            Element::group(
                "Address",
                vec![
                    Element::leaf("streetAndNumber", "-"),
                    Element::leaf("city", "-"),
                    Element::leaf("country", country),
                ],
            ),
        ],
    )
}

/// The elements after the header of a CD001C or CD050C for `d`.
pub(crate) fn write(
    d: &TransitDeclaration,
    mrn: &Mrn,
    mapping: &Mapping,
) -> Result<Vec<Element>, TranslateError> {
    let departure_country = d.declaration_office_id.country().as_str().to_owned();
    let destination_country = d.destination_office_id.country().as_str().to_owned();
    let mut out = vec![Element::group(
        "TransitOperation",
        vec![
            Element::leaf("MRN", mrn.as_str()),
            Element::leaf("declarationType", "T1"),
            Element::leaf("declarationAcceptanceDate", date(d.release_date_time)),
            Element::leaf("releaseDate", date(d.release_date_time)),
            Element::leaf("security", "0"),
            Element::leaf("reducedDatasetIndicator", "0"),
            Element::leaf("bindingItinerary", "0"),
        ],
    )];
    out.push(office(
        "CustomsOfficeOfDeparture",
        &d.declaration_office_id,
        mapping,
    ));
    out.push(office(
        "CustomsOfficeOfDestinationDeclared",
        &d.destination_office_id,
        mapping,
    ));
    for (i, transit) in d.transit_office_ids.iter().enumerate() {
        out.push(Element::group(
            "CustomsOfficeOfTransitDeclared",
            vec![
                Element::leaf("sequenceNumber", (i + 1).to_string()),
                Element::leaf("referenceNumber", mapping.national_office(transit)),
            ],
        ));
    }
    out.push(party(
        "HolderOfTheTransitProcedure",
        &d.declarant,
        &departure_country,
    ));
    out.push(Element::group(
        "ControlResult",
        vec![
            Element::leaf("code", "A1"),
            Element::leaf("date", date(d.release_date_time)),
        ],
    ));
    out.push(consignment(
        d,
        mapping,
        &departure_country,
        &destination_country,
    )?);
    Ok(out)
}

fn consignment(
    d: &TransitDeclaration,
    mapping: &Mapping,
    departure_country: &str,
    destination_country: &str,
) -> Result<Element, TranslateError> {
    let shipment = &d.goods_shipment;
    let mut extras = Extras::default();
    extras.push("SGLRN", d.functional_reference_id.as_str());
    extras.push("SGREL", crate::values::date_time(d.release_date_time));
    extras.push("SGTLT", crate::values::date_time(d.arrival_time_limit));
    let g = &d.obligation_guarantee;
    extras.push(
        "SGGRT",
        format!(
            "{} {} {}",
            g.reference_id.as_str(),
            g.amount_amount.as_str(),
            mapping.national_currency(g.currency_code.as_str())?
        ),
    );
    let mass = decimal(&d.total_gross_mass_measure, "Consignment/grossMass")?;
    let border = &d.border_transport_means;
    let mut children = vec![
        Element::leaf(
            "containerIndicator",
            crate::values::flag(!shipment.consignment.transport_equipment.is_empty()),
        ),
        Element::leaf(
            "modeOfTransportAtTheBorder",
            mapping.national_transport_mode(border.mode_code)?,
        ),
        Element::leaf("grossMass", mass.clone()),
    ];
    if let Some(carrier) = &d.consignment.carrier {
        children.push(Element::group(
            "Carrier",
            vec![Element::leaf("identificationNumber", carrier.id.as_str())],
        ));
        extras.push("SGCAR", carrier.name.as_str());
    }
    if let Some(p) = &shipment.consignor {
        children.push(party("Consignor", p, departure_country));
    }
    if let Some(p) = &shipment.consignee {
        children.push(party("Consignee", p, destination_country));
    }
    for e in &shipment.consignment.transport_equipment {
        let mut equipment = vec![
            Element::leaf("sequenceNumber", e.sequence_numeric.to_string()),
            Element::leaf("containerIdentificationNumber", e.id.as_str()),
            Element::leaf("numberOfSeals", e.seal.len().to_string()),
        ];
        for s in &e.seal {
            equipment.push(seal(s, "Consignment/TransportEquipment/Seal/identifier")?);
        }
        children.push(Element::group("TransportEquipment", equipment));
        if let Some(wagon) = &e.wagon_id {
            extras.push(
                "SGCWG",
                format!("{} {}", e.sequence_numeric, wagon.as_str()),
            );
        }
    }
    for w in &shipment.consignment.departure_transport_means {
        let mut means = vec![
            Element::leaf("sequenceNumber", w.sequence_numeric.to_string()),
            Element::leaf("identificationNumber", w.id.as_str()),
        ];
        means.extend(Element::optional(
            "nationality",
            w.registration_nationality_code
                .map(|c| c.as_str().to_owned()),
        ));
        children.push(Element::group("DepartureTransportMeans", means));
        if let Some(kind) = &w.type_code {
            extras.push("SGWTY", format!("{} {}", w.sequence_numeric, kind.as_str()));
        }
        for s in &w.seal {
            extras.push(
                "SGWSL",
                format!(
                    "{} {} {}",
                    w.sequence_numeric,
                    s.sequence_numeric,
                    s.id.as_str()
                ),
            );
        }
    }
    for i in &d.consignment.itinerary {
        children.push(Element::group(
            "CountryOfRoutingOfConsignment",
            vec![
                Element::leaf("sequenceNumber", i.sequence_numeric.to_string()),
                Element::leaf("country", i.routing_country_code.as_str()),
            ],
        ));
    }
    children.push(Element::group(
        "ActiveBorderTransportMeans",
        vec![
            Element::leaf("sequenceNumber", "1"),
            Element::leaf(
                "identificationNumber",
                fits(
                    border.id.as_str(),
                    35,
                    "ActiveBorderTransportMeans/identificationNumber",
                )?,
            ),
            Element::leaf("nationality", border.registration_nationality_code.as_str()),
        ],
    ));
    children.extend(extras.elements()?);
    let mut house = vec![
        Element::leaf("sequenceNumber", "1"),
        Element::leaf("grossMass", mass),
    ];
    for item in &shipment.government_agency_goods_item {
        house.push(goods_item(item, mapping)?);
    }
    if shipment.government_agency_goods_item.is_empty() {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            "HouseConsignment/ConsignmentItem",
            "NCTS needs at least one goods item; this declaration has none",
        ));
    }
    children.push(Element::group("HouseConsignment", house));
    Ok(Element::group("Consignment", children))
}

fn seal(s: &Seal, place: &str) -> Result<Element, TranslateError> {
    Ok(Element::group(
        "Seal",
        vec![
            Element::leaf("sequenceNumber", s.sequence_numeric.to_string()),
            Element::leaf("identifier", fits(s.id.as_str(), 20, place)?),
        ],
    ))
}

fn goods_item(item: &GoodsItem, mapping: &Mapping) -> Result<Element, TranslateError> {
    let hs = item.commodity.classification.id.as_str();
    if hs.len() > 8 {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            "ConsignmentItem/Commodity/CommodityCode",
            format!("{hs}: NCTS carries 8 digits of a commodity code (subheading and combined nomenclature), not 10"),
        ));
    }
    let mut code = vec![Element::leaf("harmonizedSystemSubHeadingCode", &hs[..6])];
    if hs.len() == 8 {
        code.push(Element::leaf("combinedNomenclatureCode", &hs[6..]));
    }
    let mut children = vec![
        Element::leaf("goodsItemNumber", item.sequence_numeric.to_string()),
        Element::leaf(
            "declarationGoodsItemNumber",
            item.sequence_numeric.to_string(),
        ),
        Element::group(
            "Commodity",
            vec![
                Element::leaf("descriptionOfGoods", item.commodity.description.as_str()),
                Element::group("CommodityCode", code),
                Element::group(
                    "GoodsMeasure",
                    vec![Element::leaf(
                        "grossMass",
                        decimal(
                            &item.commodity.goods_measure.gross_mass_measure,
                            "ConsignmentItem/Commodity/GoodsMeasure/grossMass",
                        )?,
                    )],
                ),
            ],
        ),
    ];
    if item.packaging.is_empty() {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            "ConsignmentItem/Packaging",
            format!(
                "NCTS needs the packages of goods item {}; it has none",
                item.sequence_numeric
            ),
        ));
    }
    for (i, p) in item.packaging.iter().enumerate() {
        children.push(Element::group(
            "Packaging",
            vec![
                Element::leaf("sequenceNumber", (i + 1).to_string()),
                Element::leaf(
                    "typeOfPackages",
                    mapping.national_package_kind(p.type_code.as_str())?,
                ),
                Element::leaf("numberOfPackages", p.quantity_quantity.to_string()),
            ],
        ));
    }
    Ok(Element::group("ConsignmentItem", children))
}

fn read_office(
    parent: &Element,
    name: &str,
    mapping: &Mapping,
) -> Result<OfficeRef, TranslateError> {
    let (code, place) = parent.need(name)?.text_of("referenceNumber")?;
    mapping.office(code, place)
}

fn read_party(e: &Element) -> Result<Party, TranslateError> {
    let (id, id_at) = e.text_of("identificationNumber")?;
    let (name, name_at) = e.text_of("name")?;
    Ok(Party {
        id: values::text(id, id_at)?,
        name: values::text(name, name_at)?,
    })
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
    let [reference, amount, currency] =
        words::<3>(guarantee, guarantee_at, "reference, amount and currency")?;
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
                sequence_numeric: number(c, "sequenceNumber")?,
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
        total_gross_mass_measure: read_decimal(mass, mass_at)?,
        declarant: read_party(root.need("HolderOfTheTransitProcedure")?)?,
        border_transport_means: TransportMeans {
            id: values::text(border_id, border_id_at)?,
            registration_nationality_code: values::country(border_country, border_country_at)?,
            mode_code: mapping.transport_mode(mode.0, mode.1)?,
        },
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
        obligation_guarantee: Guarantee {
            reference_id: values::text(reference, guarantee_at)?,
            amount_amount: read_decimal(amount, guarantee_at)?,
            currency_code: values::text(&mapping.currency(currency, guarantee_at)?, guarantee_at)?,
        },
    };
    Ok((mrn, declaration))
}

fn read_seals(e: &Element) -> Result<Vec<Seal>, TranslateError> {
    e.all("Seal")
        .map(|s| {
            let (id, place) = s.text_of("identifier")?;
            Ok(Seal {
                sequence_numeric: number(s, "sequenceNumber")?,
                id: values::text(id, place)?,
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
    consignment
        .all("TransportEquipment")
        .map(|e| {
            let sequence: u32 = number(e, "sequenceNumber")?;
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
    consignment
        .all("DepartureTransportMeans")
        .map(|w| {
            let sequence: u32 = number(w, "sequenceNumber")?;
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
                        gross_mass_measure: read_decimal(mass, mass_at)?,
                    },
                },
                packaging,
            });
        }
    }
    Ok(items)
}
