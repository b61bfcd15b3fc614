//! Standardized message → ASYCUDA XML.

use transit_model::{
    Body, ControlResults, FunctionalNack, Incident, RecordOutcome, RecordResponse, StandardMessage,
    TransportMeans,
};
use transit_national::values::format_date_time;
use transit_national::{
    national_participant, national_reference, Envelope, ErrorClass, Mapping, TranslateError,
};

use crate::tree::Node;
use crate::types::name_of;

mod declaration;
use declaration::declaration;

/// The `<ASYCUDA>` document of a standardized message.
pub(crate) fn message(
    message: &StandardMessage,
    mapping: &Mapping,
) -> Result<Node<'static>, TranslateError> {
    let envelope = Envelope::from_header(message.header());
    let kind = name_of(envelope.message_type).ok_or_else(|| {
        TranslateError::new(
            ErrorClass::Unsupported,
            "ASYCUDA/Message/Type",
            format!(
                "{} has no ASYCUDA form; it is delivered in the standardized JSON",
                envelope.message_type.code()
            ),
        )
    })?;
    let mut children = vec![Node::group(
        "Message",
        vec![
            Node::leaf("Type", kind),
            Node::leaf("Reference", envelope.reference.clone()),
            Node::leaf("Date", format_date_time(envelope.prepared_at)),
            Node::leaf("MRN", envelope.mrn.as_str()),
            Node::leaf("Sender", national_participant(mapping, &envelope.sender)),
            Node::leaf(
                "Recipient",
                national_participant(mapping, &envelope.recipient),
            ),
            Node::optional("Correlation", envelope.correlation.clone()),
        ],
    )];
    children.extend(body(message.body(), mapping)?);
    Ok(Node::group("ASYCUDA", children))
}

fn transit(children: Vec<Node<'static>>) -> Vec<Node<'static>> {
    vec![Node::group("Transit", children)]
}

pub(super) fn flag(value: bool) -> String {
    value.to_string()
}

fn body(body: &Body, mapping: &Mapping) -> Result<Vec<Node<'static>>, TranslateError> {
    let office = |o: &transit_model::OfficeRef| Node::leaf("Office", mapping.national_office(o));
    Ok(match body {
        Body::ReleaseForTransit(d)
        | Body::AnticipatedArrivalRecord(d)
        | Body::AnticipatedTransitRecord(d) => declaration(d, mapping)?,
        Body::NotificationCrossingFrontier(c) => {
            let mut passage = vec![
                office(&c.transit_office),
                Node::leaf("Date", format_date_time(c.crossing_date_time)),
            ];
            if let Some(a) = &c.automatic {
                passage.push(Node::group(
                    "Automatic",
                    vec![
                        Node::leaf("Provider", a.provider.as_str().to_owned()),
                        Node::leaf("Event", a.event_id.as_str().to_owned()),
                    ],
                ));
            }
            transit(vec![Node::group("Border_passage", passage)])
        }
        Body::ArrivalAdvice(a) => transit(vec![Node::group(
            "Arrival",
            vec![
                office(&a.destination_office),
                Node::leaf("Date", format_date_time(a.arrival_date_time)),
            ],
        )]),
        Body::DestinationControlResults(c) => transit(vec![control(c, mapping)]),
        Body::IncidentNotification(i) | Body::IncidentForwarded(i) => {
            transit(vec![incident(i, mapping)?])
        }
        Body::InvalidationNotification(i) => transit(vec![Node::group(
            "Invalidation",
            vec![
                Node::leaf("Date", format_date_time(i.invalidation_date_time)),
                Node::leaf("Reason", i.reason.as_str()),
            ],
        )]),
        Body::WriteOffNotification(w) => transit(vec![Node::group(
            "Write_off",
            vec![
                Node::leaf("Date", format_date_time(w.write_off_date_time)),
                Node::leaf("Guarantee_reference", w.guarantee_reference_id.as_str()),
                Node::leaf("Guarantee_released", flag(w.guarantee_released)),
            ],
        )]),
        Body::FunctionalNack(n) => vec![rejection(n)],
        Body::ArrivalRecordRequest(r)
        | Body::TransitRecordRequest(r)
        | Body::StatusRequest(r)
        | Body::EnquiryRequest(r)
        | Body::EnquiryInformationRequest(r) => transit(vec![Node::group(
            "Request",
            vec![
                office(&r.requesting_office),
                Node::leaf("Date", format_date_time(r.request_date_time)),
                Node::optional("Text", r.text.as_ref().map(|t| t.as_str())),
            ],
        )]),
        Body::ArrivalRecordResponse(r) | Body::TransitRecordResponse(r) => {
            record_response(r, mapping)?
        }
        Body::StatusResponse(s) => transit(vec![Node::group(
            "Status",
            [
                Node::leaf("State", s.state.as_str()),
                Node::leaf("Last_event", format_date_time(s.last_event_date_time)),
            ]
            .into_iter()
            .chain(
                s.remarks
                    .as_ref()
                    .map(|r| Node::leaf("Remarks", r.as_str())),
            )
            .collect(),
        )]),
        Body::EnquiryResponse(e) | Body::EnquiryInformation(e) => transit(vec![Node::group(
            "Enquiry_answer",
            vec![
                office(&e.responding_office),
                Node::leaf("Date", format_date_time(e.response_date_time)),
                Node::leaf("Goods_arrived", flag(e.goods_arrived)),
                Node::optional("Arrival_date", e.arrival_date_time.map(format_date_time)),
                Node::optional("Text", e.text.as_ref().map(|t| t.as_str())),
            ],
        )]),
        Body::RecoveryRequest(r) | Body::RecoveryAcceptance(r) | Body::RecoveryDispatch(r) => {
            transit(vec![Node::group(
                "Recovery",
                vec![
                    office(&r.office),
                    Node::leaf(
                        "Recovering_office",
                        mapping.national_office(&r.recovering_office),
                    ),
                    Node::leaf("Date", format_date_time(r.notice_date_time)),
                    Node::optional("Accepted", r.accepted.map(flag)),
                    Node::leaf("Text", r.text.as_str()),
                ],
            )])
        }
        other => {
            return Err(TranslateError::new(
                ErrorClass::Unsupported,
                "ASYCUDA/Message/Type",
                format!("{} has no ASYCUDA form", other.message_type().code()),
            ))
        }
    })
}

/// IE003 / IE115: the answer in `Transit/Record_response`; a granted record carries the
/// declaration in the segments of a release, the answer last in their `Transit` segment.
fn record_response(
    r: &RecordResponse,
    mapping: &Mapping,
) -> Result<Vec<Node<'static>>, TranslateError> {
    let answer = Node::group(
        "Record_response",
        vec![
            Node::leaf("Office", mapping.national_office(&r.requesting_office)),
            Node::leaf(
                "Outcome",
                match r.outcome {
                    RecordOutcome::Granted => "GRANTED",
                    RecordOutcome::Refused => "REFUSED",
                },
            ),
            Node::optional(
                "Refusal_reason",
                r.refusal_reason.as_ref().map(|t| t.as_str()),
            ),
        ],
    );
    let Some(d) = &r.declaration else {
        return Ok(transit(vec![answer]));
    };
    let mut nodes = declaration(d, mapping)?;
    match nodes.iter_mut().find(|n| n.name() == "Transit") {
        Some(transit) => transit.children.push(answer),
        None => nodes.extend(transit(vec![answer])),
    }
    Ok(nodes)
}

pub(super) fn means(
    name: &str,
    m: &TransportMeans,
    mapping: &Mapping,
) -> Result<Node<'static>, TranslateError> {
    Ok(Node::group(
        name,
        vec![
            Node::leaf("Identity", m.id.as_str()),
            Node::leaf("Nationality", m.registration_nationality_code.as_str()),
            Node::leaf("Mode", mapping.national_transport_mode(m.mode_code)?),
        ],
    ))
}

fn control(c: &ControlResults, mapping: &Mapping) -> Node<'static> {
    let mut children = vec![
        Node::leaf("Office", mapping.national_office(&c.destination_office)),
        Node::leaf("Date", format_date_time(c.control_date_time)),
        Node::leaf("Code", c.control_result_code.code()),
        Node::leaf("Seals_intact", flag(c.seals_intact)),
    ];
    for d in &c.discrepancies {
        children.push(Node::group(
            "Discrepancy",
            vec![
                Node::leaf("Element", d.pointer.as_str()),
                Node::leaf("Description", d.description.as_str()),
                Node::leaf("Major", flag(d.major)),
            ],
        ));
    }
    Node::group("Result_of_control", children)
}

fn incident(i: &Incident, mapping: &Mapping) -> Result<Node<'static>, TranslateError> {
    let mut children = vec![
        Node::leaf("Office", mapping.national_office(&i.reporting_office)),
        Node::leaf("Code", u8::from(i.incident_code).to_string()),
        Node::leaf("Date", format_date_time(i.incident_date_time)),
        Node::leaf("Country", i.country_code.as_str()),
        Node::leaf("Place", i.place.as_str()),
        Node::leaf("Description", i.description.as_str()),
    ];
    if let Some(m) = &i.replacement_transport_means {
        children.push(means("Replacement_means", m, mapping)?);
    }
    children.extend(
        i.new_seal_ids
            .iter()
            .map(|s| Node::leaf("New_seal", s.as_str())),
    );
    Ok(Node::group("Incident", children))
}

fn rejection(n: &FunctionalNack) -> Node<'static> {
    let mut children = vec![
        Node::leaf(
            "Message_reference",
            national_reference(n.rejected_message_id),
        ),
        Node::leaf(
            "Message_type",
            name_of(n.rejected_message_type).unwrap_or(n.rejected_message_type.code()),
        ),
    ];
    for e in &n.errors {
        children.push(Node::group(
            "Error",
            vec![
                Node::leaf("Code", u8::from(e.code).to_string()),
                Node::leaf("Element", e.pointer.as_str()),
                Node::leaf("Reason", e.reason.as_str()),
            ],
        ));
    }
    Node::group("Rejection", children)
}

/// `Seals`: their count, then each seal's identity.
pub(super) fn seals(list: &[transit_model::Seal]) -> Node<'static> {
    let mut seals = vec![Node::leaf("Number", list.len().to_string())];
    seals.extend(list.iter().map(|s| Node::leaf("Identity", s.id.as_str())));
    Node::group("Seals", seals)
}
