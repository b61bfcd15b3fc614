//! The transit declaration in ASYCUDA XML (IE015/IE029, and a granted record): one function
//! per section of the document — identification, traders, itinerary, transport, guarantee,
//! transit, weight, and each goods item — in the order ASYCUDA's schema gives them.

use transit_model::{
    DepartureTransportMeans, GoodsItem, Party, TransitDeclaration, TransportEquipment,
};
use transit_national::values::format_date_time;
use transit_national::{withheld, Mapping, TranslateError};

use super::{flag, means, seals};
use crate::tree::Node;

/// The declaration's sections, then one `Item` per goods item.
pub(super) fn declaration(
    d: &TransitDeclaration,
    mapping: &Mapping,
) -> Result<Vec<Node<'static>>, TranslateError> {
    let goods = &d.goods_shipment.government_agency_goods_item;
    let mut nodes = vec![
        Node::group(
            "Property",
            vec![Node::group(
                "Nbers",
                vec![Node::leaf("Total_number_of_items", goods.len().to_string())],
            )],
        ),
        identification(d, mapping),
        traders(d),
        declarant(d),
        Node::group(
            "General_information",
            vec![Node::group(
                "Itinerary",
                d.consignment
                    .itinerary
                    .iter()
                    .map(|i| Node::leaf("Country_code", i.routing_country_code.as_str()))
                    .collect(),
            )],
        ),
        transport(d, mapping)?,
        financial(d, mapping)?,
        transit(d, mapping),
        Node::group(
            "Valuation",
            vec![Node::group(
                "Weight",
                vec![Node::leaf(
                    "Gross_weight",
                    withheld::mass(&d.total_gross_mass_measure).as_str(),
                )],
            )],
        ),
    ];
    for item in goods {
        nodes.push(goods_item(item, mapping)?);
    }
    Ok(nodes)
}

fn party(name: &str, code_tag: &str, name_tag: &str, party: &Party) -> Node<'static> {
    Node::group(
        name,
        vec![
            Node::leaf(code_tag, party.id.as_str()),
            Node::leaf(name_tag, party.name.as_str()),
        ],
    )
}

/// Office of departure, type of declaration (always TR, T1) and release date.
fn identification(d: &TransitDeclaration, mapping: &Mapping) -> Node<'static> {
    Node::group(
        "Identification",
        vec![
            Node::group(
                "Office_segment",
                vec![Node::leaf(
                    "Customs_clearance_office_code",
                    mapping.national_office(&d.declaration_office_id),
                )],
            ),
            Node::group(
                "Type",
                vec![
                    Node::leaf("Type_of_declaration", "TR"),
                    Node::leaf("Type_of_transit_document", "T1"),
                ],
            ),
            Node::group(
                "Registration",
                vec![Node::leaf("Date", format_date_time(d.release_date_time))],
            ),
        ],
    )
}

/// Exporter and consignee, each when the declaration names them.
fn traders(d: &TransitDeclaration) -> Node<'static> {
    let shipment = &d.goods_shipment;
    let mut traders = Vec::new();
    if let Some(p) = &shipment.consignor {
        traders.push(party("Exporter", "Exporter_code", "Exporter_name", p));
    }
    if let Some(p) = &shipment.consignee {
        traders.push(party("Consignee", "Consignee_code", "Consignee_name", p));
    }
    Node::group("Traders", traders)
}

/// The declarant (a placeholder when an agreement withholds it) and the declaration's LRN.
fn declarant(d: &TransitDeclaration) -> Node<'static> {
    let mut declarant = party(
        "Declarant",
        "Declarant_code",
        "Declarant_name",
        &withheld::declarant(d),
    );
    declarant.children.push(Node::group(
        "Reference",
        vec![Node::leaf("Number", d.functional_reference_id.as_str())],
    ));
    declarant
}

/// The vehicle at the border, carrier, offices of transit, wagons and containers.
fn transport(d: &TransitDeclaration, mapping: &Mapping) -> Result<Node<'static>, TranslateError> {
    let consignment = &d.goods_shipment.consignment;
    let mut transport = vec![
        Node::group(
            "Means_of_transport",
            vec![means(
                "Border_information",
                &withheld::border_transport_means(d),
                mapping,
            )?],
        ),
        Node::leaf(
            "Container_flag",
            flag(!consignment.transport_equipment.is_empty()),
        ),
    ];
    if let Some(carrier) = &d.consignment.carrier {
        transport.push(party("Carrier", "Code", "Name", carrier));
    }
    for office in &d.transit_office_ids {
        transport.push(Node::group(
            "Border_office",
            vec![Node::leaf("Code", mapping.national_office(office))],
        ));
    }
    transport.extend(consignment.departure_transport_means.iter().map(wagon));
    transport.extend(consignment.transport_equipment.iter().map(container));
    Ok(Node::group("Transport", transport))
}

fn wagon(wagon: &DepartureTransportMeans) -> Node<'static> {
    let mut children = vec![Node::leaf("Identity", wagon.id.as_str())];
    if let Some(kind) = &wagon.type_code {
        children.push(Node::leaf("Type", kind.as_str()));
    }
    if let Some(country) = &wagon.registration_nationality_code {
        children.push(Node::leaf("Nationality", country.as_str()));
    }
    if !wagon.seal.is_empty() {
        children.push(seals(&wagon.seal));
    }
    Node::group("Wagon", children)
}

fn container(equipment: &TransportEquipment) -> Node<'static> {
    let mut children = vec![Node::leaf("Identity", equipment.id.as_str())];
    if let Some(wagon) = &equipment.wagon_id {
        children.push(Node::leaf("Wagon", wagon.as_str()));
    }
    children.push(seals(&equipment.seal));
    Node::group("Container", children)
}

/// The guarantee (placeholders when an agreement withholds it).
fn financial(d: &TransitDeclaration, mapping: &Mapping) -> Result<Node<'static>, TranslateError> {
    let (reference, amount, currency) = withheld::guarantee(d);
    Ok(Node::group(
        "Financial",
        vec![Node::group(
            "Guarantee",
            vec![
                Node::leaf("Name", reference.as_str()),
                Node::leaf("Amount", amount.as_str()),
                Node::leaf("Currency", mapping.national_currency(currency.as_str())?),
            ],
        )],
    ))
}

/// Office of destination, time limit, and the agreement's marker when data was withheld.
fn transit(d: &TransitDeclaration, mapping: &Mapping) -> Node<'static> {
    let mut children = vec![
        Node::group(
            "Destination",
            vec![Node::leaf(
                "Office",
                mapping.national_office(&d.destination_office_id),
            )],
        ),
        Node::leaf("Time_limit", format_date_time(d.arrival_time_limit)),
    ];
    if let Some(w) = &d.withheld {
        children.push(Node::leaf("Withheld", withheld::marker_text(w)));
    }
    Node::group("Transit", children)
}

/// One goods item: packages, HS code, description, gross weight.
fn goods_item(item: &GoodsItem, mapping: &Mapping) -> Result<Node<'static>, TranslateError> {
    let mut children = Vec::new();
    for p in &item.packaging {
        children.push(Node::group(
            "Packages",
            vec![
                Node::leaf("Number_of_packages", p.quantity_quantity.to_string()),
                Node::leaf(
                    "Kind_of_packages_code",
                    mapping.national_package_kind(p.type_code.as_str())?,
                ),
            ],
        ));
    }
    let group = |name: &str, inner: &str, leaf: &str, value: &str| {
        Node::group(
            name,
            vec![Node::group(inner, vec![Node::leaf(leaf, value.to_owned())])],
        )
    };
    children.push(group(
        "Tarification",
        "HScode",
        "Commodity_code",
        item.commodity.classification.id.as_str(),
    ));
    children.push(Node::group(
        "Goods_description",
        vec![Node::leaf(
            "Description_of_goods",
            item.commodity.description.as_str(),
        )],
    ));
    children.push(group(
        "Valuation_item",
        "Weight_itm",
        "Gross_weight_itm",
        withheld::mass(&item.commodity.goods_measure.gross_mass_measure).as_str(),
    ));
    Ok(Node::group("Item", children))
}
