//! The declaration → the elements of CD001C / CD050C after the header.

use transit_model::{GoodsItem, Mrn, Party, Seal, TransitDeclaration};
use transit_national::{withheld, ErrorClass, Mapping, TranslateError};

use crate::extras::Extras;
use crate::parts::{office, operation};
use crate::values::{date, decimal, fits};
use crate::xml::Element;

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
    let mut out = vec![operation(
        mrn,
        vec![
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
        mapping.national_office(&d.declaration_office_id),
    ));
    out.push(office(
        "CustomsOfficeOfDestinationDeclared",
        mapping.national_office(&d.destination_office_id),
    ));
    crate::values::at_most(
        d.transit_office_ids.len(),
        9,
        "CustomsOfficeOfTransitDeclared",
    )?;
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
        &withheld::declarant(d),
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
    let (reference, amount, currency) = withheld::guarantee(d);
    extras.push(
        "SGGRT",
        format!(
            "{} {} {}",
            reference.as_str(),
            amount.as_str(),
            mapping.national_currency(currency.as_str())?
        ),
    );
    if let Some(marker) = &d.withheld {
        extras.push("SGWHD", withheld::marker_text(marker));
    }
    let mass = decimal(
        &withheld::mass(&d.total_gross_mass_measure),
        "Consignment/grossMass",
    )?;
    let border = withheld::border_transport_means(d);
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
    let equipment = &shipment.consignment.transport_equipment;
    crate::values::at_most(equipment.len(), 9999, "Consignment/TransportEquipment")?;
    for e in equipment {
        let mut equipment = vec![
            Element::leaf("sequenceNumber", e.sequence_numeric.to_string()),
            Element::leaf("containerIdentificationNumber", e.id.as_str()),
            Element::leaf("numberOfSeals", e.seal.len().to_string()),
        ];
        crate::values::at_most(e.seal.len(), 99, "Consignment/TransportEquipment/Seal")?;
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
    let wagons = &shipment.consignment.departure_transport_means;
    crate::values::at_most(wagons.len(), 999, "Consignment/DepartureTransportMeans")?;
    for w in wagons {
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
    crate::values::at_most(
        d.consignment.itinerary.len(),
        99,
        "Consignment/CountryOfRoutingOfConsignment",
    )?;
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
    crate::values::at_most(
        shipment.government_agency_goods_item.len(),
        999,
        "HouseConsignment/ConsignmentItem",
    )?;
    for item in &shipment.government_agency_goods_item {
        house.push(goods_item(item, mapping)?);
    }
    if shipment.government_agency_goods_item.is_empty() {
        return Err(TranslateError::new(
            ErrorClass::Unsupported,
            "HouseConsignment/ConsignmentItem",
            "NCTS needs at least one goods item; this declaration has none (a copy under an agreement that withholds the goods cannot be written in NCTS: share the goods with NCTS countries)",
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
            Element::leaf(
                "identifier",
                fits(s.id.as_str(), crate::values::SEAL_MAX, place)?,
            ),
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
                            &withheld::mass(&item.commodity.goods_measure.gross_mass_measure),
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
    crate::values::at_most(item.packaging.len(), 99, "ConsignmentItem/Packaging")?;
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
