//! Shared by the codec's integration tests: example files, schema validators, and proptest
//! strategies that generate any valid message of any type.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, TimeZone, Utc};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use transit_model::*;

pub fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/transit/v1")
}

pub fn example(code: &str) -> Vec<u8> {
    std::fs::read(schema_dir().join(format!("examples/{code}.json"))).unwrap()
}

/// Serves the schemas' `$ref`s from `schemas/transit/v1/json/` — never from the network.
struct LocalSchemas;

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let bytes = std::fs::read(schema_dir().join("json").join(&name))?;
        Ok(serde_json::from_slice(&bytes)?)
    }
}

/// The JSON Schema validator of one message type, its `$ref`s resolved locally.
pub fn json_validator(code: &str) -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_slice(
        &std::fs::read(schema_dir().join(format!("json/{code}.schema.json"))).unwrap(),
    )
    .unwrap();
    jsonschema::options()
        .with_retriever(LocalSchemas)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{code}.schema.json does not compile: {e}"))
}

/// Validates XML documents against one type's XSD with xmllint; returns xmllint's complaints.
pub fn xsd_errors(code: &str, documents: &[Vec<u8>]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("sigmat-xsd-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let files: Vec<PathBuf> = documents
        .iter()
        .enumerate()
        .map(|(i, doc)| {
            let path = dir.join(format!("{code}-{i}.xml"));
            std::fs::write(&path, doc).unwrap();
            path
        })
        .collect();
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema_dir().join(format!("xsd/{code}.xsd")))
        .args(&files)
        .output()
        .expect("xmllint is missing: install libxml2-utils (deploy/local/install-prereqs does)");
    let _ = std::fs::remove_dir_all(&dir);
    if output.status.success() {
        None
    } else {
        Some(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

// ---- strategies -------------------------------------------------------------------------------

fn office() -> impl Strategy<Value = OfficeRef> {
    "(CI|BF|NE|ML|TG|BJ|SN|GH)[A-Z0-9]{6}".prop_map(|s| OfficeRef::parse(&s).unwrap())
}

fn country() -> impl Strategy<Value = CountryCode> {
    "[A-Z]{2}".prop_map(|s| CountryCode::parse(&s).unwrap())
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (1_700_000_000i64..1_900_000_000, 0u32..1_000_000_000)
        .prop_map(|(s, ns)| Utc.timestamp_opt(s, ns).single().unwrap())
}

/// Free text within `N` characters: letters with accents, digits, punctuation, XML's special
/// characters and line breaks — but not starting or ending with white space.
fn text<const N: usize>() -> impl Strategy<Value = Text<N>> {
    let pattern = format!(
        "[A-Za-z0-9éèàôçÉ<&][A-Za-z0-9éèàôçÉ <>&'\"/.,;:\\n\\t-]{{0,{}}}[A-Za-z0-9.>]",
        N.saturating_sub(2)
    );
    proptest::string::string_regex(&pattern)
        .unwrap()
        .prop_map(|s| Text::parse(&s).unwrap())
}

fn code<const N: usize>(pattern: &'static str) -> impl Strategy<Value = Text<N>> {
    pattern.prop_map(|s| Text::parse(&s).unwrap())
}

fn decimal(frac: usize) -> impl Strategy<Value = Decimal> {
    proptest::string::string_regex(&format!("[1-9][0-9]{{0,9}}(\\.[0-9]{{1,{frac}}})?"))
        .unwrap()
        .prop_map(|s| Decimal::parse(&s).unwrap())
}

fn message_id() -> impl Strategy<Value = MessageId> {
    any::<u128>().prop_map(|n| MessageId::from_uuid(uuid::Uuid::from_u128(n)))
}

fn transport_means() -> impl Strategy<Value = TransportMeans> {
    (text::<35>(), country(), 0u8..10).prop_map(|(id, registration_nationality_code, mode_code)| {
        TransportMeans {
            id,
            registration_nationality_code,
            mode_code,
        }
    })
}

fn container() -> impl Strategy<Value = ContainerNumber> {
    ("[A-Z]{3}[UJZ]", "[0-9]{6}").prop_map(|(owner, serial)| {
        (0..10)
            .map(|d| format!("{owner}{serial}{d}"))
            .find_map(|c| ContainerNumber::parse(&c).ok())
            .unwrap()
    })
}

fn party() -> impl Strategy<Value = Party> {
    (text::<17>(), text::<70>()).prop_map(|(id, name)| Party { id, name })
}

/// A declaration, whole or as a copy under an agreement: each element a copy may leave out
/// left out or not, with a marker or not (the codecs carry each combination).
fn declaration() -> impl Strategy<Value = TransitDeclaration> {
    (
        whole_declaration(),
        any::<u8>(),
        option::of((
            text::<35>(),
            proptest::sample::subsequence(DataGroup::ALL.to_vec(), 0..8),
        )),
    )
        .prop_map(|(mut d, drop, marker)| {
            let dropped = |bit: u8| drop & (1 << bit) != 0;
            if dropped(0) {
                d.total_gross_mass_measure = None;
            }
            if dropped(1) {
                d.declarant = None;
            }
            if dropped(2) {
                d.border_transport_means = None;
            }
            if dropped(3) {
                d.obligation_guarantee = None;
            } else if dropped(4) {
                if let Some(g) = &mut d.obligation_guarantee {
                    g.amount_amount = None;
                }
            }
            if dropped(5) {
                for item in &mut d.goods_shipment.government_agency_goods_item {
                    item.commodity.goods_measure.gross_mass_measure = None;
                }
            }
            d.withheld = marker.map(|(agreement, groups)| Withheld { agreement, groups });
            d
        })
}

fn whole_declaration() -> impl Strategy<Value = TransitDeclaration> {
    (
        (
            "[A-Z0-9][A-Z0-9-]{0,20}".prop_map(|s| Lrn::parse(&s).unwrap()),
            office(),
            vec(office(), 0..4),
            office(),
            time(),
            time(),
            decimal(6),
        ),
        (
            party(),
            transport_means(),
            option::of(party()),
            vec(country(), 0..4),
        ),
        (
            option::of(party()),
            option::of(party()),
            vec(
                (
                    container(),
                    option::of(text::<35>()),
                    vec(text::<35>(), 0..3),
                ),
                0..3,
            ),
            vec(goods_item(), 0..4),
            vec(
                (
                    text::<35>(),
                    option::of(text::<4>()),
                    option::of(country()),
                    vec(text::<35>(), 0..2),
                ),
                0..3,
            ),
        ),
        (text::<35>(), decimal(3), code("[A-Z]{3}")).prop_map(
            |(reference_id, amount_amount, currency_code)| Guarantee {
                reference_id,
                amount_amount: Some(amount_amount),
                currency_code,
            },
        ),
    )
        .prop_map(
            |(
                (lrn, departure, transit, destination, released, limit, mass),
                (declarant, means, carrier, route),
                (consignor, consignee, equipment, goods, wagons),
                guarantee,
            )| {
                let seq = |i: usize| u32::try_from(i + 1).unwrap();
                TransitDeclaration {
                    functional_reference_id: lrn,
                    declaration_office_id: departure,
                    transit_office_ids: transit,
                    destination_office_id: destination,
                    release_date_time: released,
                    arrival_time_limit: limit,
                    total_gross_mass_measure: Some(mass),
                    declarant: Some(declarant),
                    border_transport_means: Some(means),
                    consignment: Consignment {
                        carrier,
                        itinerary: route
                            .into_iter()
                            .enumerate()
                            .map(|(i, routing_country_code)| Itinerary {
                                sequence_numeric: seq(i),
                                routing_country_code,
                            })
                            .collect(),
                    },
                    goods_shipment: GoodsShipment {
                        consignor,
                        consignee,
                        consignment: ShipmentConsignment {
                            departure_transport_means: wagons
                                .into_iter()
                                .enumerate()
                                .map(|(i, (id, type_code, nationality, seals))| {
                                    DepartureTransportMeans {
                                        sequence_numeric: seq(i),
                                        id,
                                        type_code,
                                        registration_nationality_code: nationality,
                                        seal: seals
                                            .into_iter()
                                            .enumerate()
                                            .map(|(j, id)| Seal {
                                                sequence_numeric: seq(j),
                                                id,
                                            })
                                            .collect(),
                                    }
                                })
                                .collect(),
                            transport_equipment: equipment
                                .into_iter()
                                .enumerate()
                                .map(|(i, (id, wagon_id, seals))| TransportEquipment {
                                    sequence_numeric: seq(i),
                                    id,
                                    wagon_id,
                                    seal: seals
                                        .into_iter()
                                        .enumerate()
                                        .map(|(j, id)| Seal {
                                            sequence_numeric: seq(j),
                                            id,
                                        })
                                        .collect(),
                                })
                                .collect(),
                        },
                        government_agency_goods_item: goods,
                    },
                    obligation_guarantee: Some(guarantee),
                    withheld: None,
                }
            },
        )
}

fn goods_item() -> impl Strategy<Value = GoodsItem> {
    (
        1u32..99_999,
        text::<512>(),
        "(0[1-9]|[1-6][0-9]|8[0-9])[0-9]{4}",
        decimal(6),
        vec((code("[A-Z]{2}"), 0u32..99_999_999), 0..3),
    )
        .prop_map(
            |(sequence_numeric, description, hs, gross_mass_measure, packages)| GoodsItem {
                sequence_numeric,
                commodity: Commodity {
                    description,
                    classification: Classification {
                        id: HsCode::parse(&hs).unwrap(),
                    },
                    goods_measure: GoodsMeasure {
                        gross_mass_measure: Some(gross_mass_measure),
                    },
                },
                packaging: packages
                    .into_iter()
                    .map(|(type_code, quantity_quantity)| Packaging {
                        type_code,
                        quantity_quantity,
                    })
                    .collect(),
            },
        )
}

fn office_request() -> impl Strategy<Value = OfficeRequest> {
    (office(), time(), option::of(text::<512>())).prop_map(
        |(requesting_office, request_date_time, text)| OfficeRequest {
            requesting_office,
            request_date_time,
            text,
        },
    )
}

fn record_response() -> impl Strategy<Value = RecordResponse> {
    (
        office(),
        option::of(declaration()),
        option::of(text::<512>()),
    )
        .prop_map(
            |(requesting_office, declaration, refusal_reason)| RecordResponse {
                requesting_office,
                outcome: if declaration.is_some() {
                    RecordOutcome::Granted
                } else {
                    RecordOutcome::Refused
                },
                declaration,
                refusal_reason,
            },
        )
}

fn incident() -> impl Strategy<Value = Incident> {
    (
        office(),
        1u8..6,
        time(),
        country(),
        text::<35>(),
        text::<512>(),
        option::of(transport_means()),
        vec(text::<35>(), 0..3),
    )
        .prop_map(
            |(
                reporting_office,
                code,
                incident_date_time,
                country_code,
                place,
                description,
                replacement,
                seals,
            )| Incident {
                reporting_office,
                incident_code: IncidentCode::try_from(code).unwrap(),
                incident_date_time,
                country_code,
                place,
                description,
                replacement_transport_means: replacement,
                new_seal_ids: seals,
            },
        )
}

fn enquiry_answer() -> impl Strategy<Value = EnquiryAnswer> {
    (
        office(),
        time(),
        any::<bool>(),
        option::of(time()),
        option::of(text::<512>()),
    )
        .prop_map(
            |(responding_office, response_date_time, goods_arrived, arrival_date_time, text)| {
                EnquiryAnswer {
                    responding_office,
                    response_date_time,
                    goods_arrived,
                    arrival_date_time,
                    text,
                }
            },
        )
}

fn recovery() -> impl Strategy<Value = RecoveryNotice> {
    (
        office(),
        office(),
        time(),
        option::of(any::<bool>()),
        text::<512>(),
    )
        .prop_map(
            |(office, recovering_office, notice_date_time, accepted, text)| RecoveryNotice {
                office,
                recovering_office,
                notice_date_time,
                accepted,
                text,
            },
        )
}

const ERROR_CODES: [u8; 8] = [12, 13, 14, 15, 26, 90, 92, 93];

/// Any valid body of `message_type`.
pub fn body(message_type: MessageType) -> BoxedStrategy<Body> {
    use MessageType as T;
    match message_type {
        T::ReleaseForTransit => declaration().prop_map(Body::ReleaseForTransit).boxed(),
        T::AnticipatedArrivalRecord => declaration()
            .prop_map(Body::AnticipatedArrivalRecord)
            .boxed(),
        T::AnticipatedTransitRecord => declaration()
            .prop_map(Body::AnticipatedTransitRecord)
            .boxed(),
        T::ArrivalRecordRequest => office_request()
            .prop_map(Body::ArrivalRecordRequest)
            .boxed(),
        T::TransitRecordRequest => office_request()
            .prop_map(Body::TransitRecordRequest)
            .boxed(),
        T::StatusRequest => office_request().prop_map(Body::StatusRequest).boxed(),
        T::EnquiryRequest => office_request().prop_map(Body::EnquiryRequest).boxed(),
        T::EnquiryInformationRequest => office_request()
            .prop_map(Body::EnquiryInformationRequest)
            .boxed(),
        T::ArrivalRecordResponse => record_response()
            .prop_map(Body::ArrivalRecordResponse)
            .boxed(),
        T::TransitRecordResponse => record_response()
            .prop_map(Body::TransitRecordResponse)
            .boxed(),
        T::NotificationCrossingFrontier => (office(), time())
            .prop_map(|(transit_office, crossing_date_time)| {
                Body::NotificationCrossingFrontier(BorderCrossing {
                    transit_office,
                    crossing_date_time,
                    automatic: None,
                })
            })
            .boxed(),
        T::ArrivalAdvice => (office(), time())
            .prop_map(|(destination_office, arrival_date_time)| {
                Body::ArrivalAdvice(ArrivalAdvice {
                    destination_office,
                    arrival_date_time,
                })
            })
            .boxed(),
        T::InvalidationNotification => (time(), text::<512>())
            .prop_map(|(invalidation_date_time, reason)| {
                Body::InvalidationNotification(Invalidation {
                    invalidation_date_time,
                    reason,
                })
            })
            .boxed(),
        T::DestinationControlResults => (
            office(),
            time(),
            prop_oneof![
                Just(ControlResultCode::A1),
                Just(ControlResultCode::A2),
                Just(ControlResultCode::B1)
            ],
            any::<bool>(),
            vec(
                (text::<512>(), text::<512>(), any::<bool>()).prop_map(
                    |(pointer, description, major)| Discrepancy {
                        pointer,
                        description,
                        major,
                    },
                ),
                0..3,
            ),
        )
            .prop_map(
                |(
                    destination_office,
                    control_date_time,
                    control_result_code,
                    seals_intact,
                    discrepancies,
                )| {
                    Body::DestinationControlResults(ControlResults {
                        destination_office,
                        control_date_time,
                        control_result_code,
                        seals_intact,
                        discrepancies,
                    })
                },
            )
            .boxed(),
        T::WriteOffNotification => (time(), text::<35>(), any::<bool>())
            .prop_map(
                |(write_off_date_time, guarantee_reference_id, guarantee_released)| {
                    Body::WriteOffNotification(WriteOff {
                        write_off_date_time,
                        guarantee_reference_id,
                        guarantee_released,
                    })
                },
            )
            .boxed(),
        T::StatusResponse => (
            code("(Released|Arrived)"),
            time(),
            option::of(text::<512>()),
        )
            .prop_map(|(state, last_event_date_time, remarks)| {
                Body::StatusResponse(StatusResponse {
                    state,
                    last_event_date_time,
                    remarks,
                })
            })
            .boxed(),
        T::EnquiryResponse => enquiry_answer().prop_map(Body::EnquiryResponse).boxed(),
        T::EnquiryInformation => enquiry_answer().prop_map(Body::EnquiryInformation).boxed(),
        T::RecoveryRequest => recovery().prop_map(Body::RecoveryRequest).boxed(),
        T::RecoveryAcceptance => recovery().prop_map(Body::RecoveryAcceptance).boxed(),
        T::RecoveryDispatch => recovery().prop_map(Body::RecoveryDispatch).boxed(),
        T::IncidentNotification => incident().prop_map(Body::IncidentNotification).boxed(),
        T::IncidentForwarded => incident().prop_map(Body::IncidentForwarded).boxed(),
        T::FunctionalNack => (
            message_id(),
            prop::sample::select(MessageType::ALL.to_vec()),
            vec(
                (
                    prop::sample::select(ERROR_CODES.to_vec()),
                    text::<512>(),
                    text::<512>(),
                ),
                0..3,
            ),
        )
            .prop_map(|(rejected_message_id, rejected_message_type, errors)| {
                Body::FunctionalNack(FunctionalNack {
                    rejected_message_id,
                    rejected_message_type,
                    errors: errors
                        .into_iter()
                        .map(|(code, pointer, reason)| FunctionalError {
                            code: FunctionalErrorCode::try_from(code).unwrap(),
                            pointer,
                            reason,
                        })
                        .collect(),
                })
            })
            .boxed(),
        T::SyntaxNack => (
            option::of(message_id()),
            vec(
                (text::<512>(), any::<u32>(), any::<u32>(), text::<512>()).prop_map(
                    |(pointer, line, column, reason)| SyntaxError {
                        pointer,
                        line,
                        column,
                        reason,
                    },
                ),
                0..3,
            ),
        )
            .prop_map(|(rejected_message_id, errors)| {
                Body::SyntaxNack(SyntaxNack {
                    rejected_message_id,
                    errors,
                })
            })
            .boxed(),
    }
}

/// Any valid message of `message_type`.
pub fn message(message_type: MessageType) -> impl Strategy<Value = StandardMessage> {
    let participant = prop_oneof![
        Just(Participant::Hub),
        office().prop_map(Participant::Office)
    ];
    (
        message_id(),
        time(),
        participant.clone(),
        participant,
        "[0-9]{2}(CI|BF|NE|SN)[A-Z0-9]{12}[J-M]",
        option::of(message_id()),
        body(message_type),
    )
        .prop_map(
            move |(message_id, prepared_at, sender, recipient, mrn, correlation_id, body)| {
                let mrn = Mrn::from_parts(
                    mrn[..2].parse().unwrap(),
                    CountryCode::parse(&mrn[2..4]).unwrap(),
                    &mrn[4..16],
                    match &mrn[16..] {
                        "J" => ProcedureLetter::J,
                        "K" => ProcedureLetter::K,
                        "L" => ProcedureLetter::L,
                        _ => ProcedureLetter::M,
                    },
                )
                .unwrap();
                let header = Header {
                    message_id,
                    message_type,
                    prepared_at,
                    sender,
                    recipient,
                    mrn,
                    correlation_id,
                    schema_version: SCHEMA_VERSION.to_owned(),
                };
                StandardMessage::new(header, body).unwrap()
            },
        )
}

/// Any valid message of any type.
pub fn any_message() -> impl Strategy<Value = StandardMessage> {
    prop::sample::select(MessageType::ALL.to_vec()).prop_flat_map(message)
}
