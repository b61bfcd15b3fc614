//! The office-to-office sections, both ways: record requests and answers after a diversion
//! (IE002/IE003, IE114/IE115), status (IE094/IE095), enquiry (IE142-IE145) and recovery
//! (IE150-IE152). A granted record carries the declaration in the `declaration` section, as a
//! release does.

use transit_model::{
    Body, EnquiryAnswer, MessageType, OfficeRequest, RecordOutcome, RecordResponse, RecoveryNotice,
    StatusResponse,
};
use transit_national::values::{date_time, format_date_time, text};
use transit_national::{ErrorClass, Mapping, TranslateError};

use crate::declaration::{declaration, to_declaration};
use crate::document::*;

/// The body of an office-to-office `message_type` read from `doc`; `None` for another type.
pub(crate) fn read(
    message_type: MessageType,
    doc: Document,
    mapping: &Mapping,
) -> Option<Result<Body, TranslateError>> {
    use MessageType as T;
    let body = match message_type {
        T::ArrivalRecordRequest => request(doc, mapping).map(Body::ArrivalRecordRequest),
        T::TransitRecordRequest => request(doc, mapping).map(Body::TransitRecordRequest),
        T::StatusRequest => request(doc, mapping).map(Body::StatusRequest),
        T::EnquiryRequest => request(doc, mapping).map(Body::EnquiryRequest),
        T::EnquiryInformationRequest => request(doc, mapping).map(Body::EnquiryInformationRequest),
        T::ArrivalRecordResponse => record(doc, mapping).map(Body::ArrivalRecordResponse),
        T::TransitRecordResponse => record(doc, mapping).map(Body::TransitRecordResponse),
        T::StatusResponse => status(doc).map(Body::StatusResponse),
        T::EnquiryResponse => enquiry_answer(doc, mapping).map(Body::EnquiryResponse),
        T::EnquiryInformation => enquiry_answer(doc, mapping).map(Body::EnquiryInformation),
        T::RecoveryRequest => recovery(doc, mapping).map(Body::RecoveryRequest),
        T::RecoveryAcceptance => recovery(doc, mapping).map(Body::RecoveryAcceptance),
        T::RecoveryDispatch => recovery(doc, mapping).map(Body::RecoveryDispatch),
        _ => return None,
    };
    Some(body)
}

fn optional_text<const N: usize>(
    value: &Option<String>,
    at: &str,
) -> Result<Option<transit_model::Text<N>>, TranslateError> {
    value.as_deref().map(|t| text(t, at)).transpose()
}

fn request(doc: Document, mapping: &Mapping) -> Result<OfficeRequest, TranslateError> {
    let d = section(doc.demande, "/demande")?;
    Ok(OfficeRequest {
        requesting_office: mapping.office(d.bureau.trim(), "/demande/bureau")?,
        request_date_time: date_time(&d.date_demande, "/demande/dateDemande")?,
        text: optional_text(&d.texte, "/demande/texte")?,
    })
}

fn record(doc: Document, mapping: &Mapping) -> Result<RecordResponse, TranslateError> {
    let r = section(doc.reponse_dossier, "/reponseDossier")?;
    let outcome = match r.resultat.trim() {
        "ACCORDE" => RecordOutcome::Granted,
        "REFUSE" => RecordOutcome::Refused,
        other => {
            return Err(TranslateError::new(
                ErrorClass::UnknownCode,
                "/reponseDossier/resultat",
                format!("{other:?} is not a result; use ACCORDE or REFUSE"),
            ))
        }
    };
    Ok(RecordResponse {
        requesting_office: mapping.office(r.bureau.trim(), "/reponseDossier/bureau")?,
        outcome,
        declaration: match outcome {
            RecordOutcome::Granted => Some(declaration(
                section(doc.declaration, "/declaration")?,
                mapping,
            )?),
            RecordOutcome::Refused => None,
        },
        refusal_reason: optional_text(&r.motif_refus, "/reponseDossier/motifRefus")?,
    })
}

fn status(doc: Document) -> Result<StatusResponse, TranslateError> {
    let s = section(doc.statut, "/statut")?;
    Ok(StatusResponse {
        state: text(&s.etat, "/statut/etat")?,
        last_event_date_time: date_time(&s.date_dernier_evenement, "/statut/dateDernierEvenement")?,
        remarks: s
            .remarques
            .as_deref()
            .map(|r| text(r, "/statut/remarques"))
            .transpose()?,
    })
}

fn enquiry_answer(doc: Document, mapping: &Mapping) -> Result<EnquiryAnswer, TranslateError> {
    let e = section(doc.reponse_enquete, "/reponseEnquete")?;
    Ok(EnquiryAnswer {
        responding_office: mapping.office(e.bureau.trim(), "/reponseEnquete/bureau")?,
        response_date_time: date_time(&e.date_reponse, "/reponseEnquete/dateReponse")?,
        goods_arrived: e.marchandises_arrivees,
        arrival_date_time: e
            .date_arrivee
            .as_deref()
            .map(|d| date_time(d, "/reponseEnquete/dateArrivee"))
            .transpose()?,
        text: optional_text(&e.texte, "/reponseEnquete/texte")?,
    })
}

fn recovery(doc: Document, mapping: &Mapping) -> Result<RecoveryNotice, TranslateError> {
    let r = section(doc.recouvrement, "/recouvrement")?;
    Ok(RecoveryNotice {
        office: mapping.office(r.bureau.trim(), "/recouvrement/bureau")?,
        recovering_office: mapping.office(
            r.bureau_recouvrement.trim(),
            "/recouvrement/bureauRecouvrement",
        )?,
        notice_date_time: date_time(&r.date_avis, "/recouvrement/dateAvis")?,
        accepted: r.accepte,
        text: text(&r.texte, "/recouvrement/texte")?,
    })
}

/// Writes an office-to-office `body` into `doc`; `None` for another type.
pub(crate) fn write(
    body: &Body,
    doc: &mut Document,
    mapping: &Mapping,
) -> Option<Result<(), TranslateError>> {
    let office = |o: &transit_model::OfficeRef| mapping.national_office(o);
    let texte = |t: &Option<transit_model::Text512>| t.as_ref().map(|t| t.as_str().to_owned());
    match body {
        Body::ArrivalRecordRequest(r)
        | Body::TransitRecordRequest(r)
        | Body::StatusRequest(r)
        | Body::EnquiryRequest(r)
        | Body::EnquiryInformationRequest(r) => {
            doc.demande = Some(Demande {
                bureau: office(&r.requesting_office),
                date_demande: format_date_time(r.request_date_time),
                texte: texte(&r.text),
            });
        }
        Body::ArrivalRecordResponse(r) | Body::TransitRecordResponse(r) => {
            doc.reponse_dossier = Some(ReponseDossier {
                bureau: office(&r.requesting_office),
                resultat: match r.outcome {
                    RecordOutcome::Granted => "ACCORDE",
                    RecordOutcome::Refused => "REFUSE",
                }
                .to_owned(),
                motif_refus: texte(&r.refusal_reason),
            });
            if let Some(d) = &r.declaration {
                match to_declaration(d, mapping) {
                    Ok(d) => doc.declaration = Some(d),
                    Err(e) => return Some(Err(e)),
                }
            }
        }
        Body::StatusResponse(s) => {
            doc.statut = Some(Statut {
                etat: s.state.as_str().to_owned(),
                date_dernier_evenement: format_date_time(s.last_event_date_time),
                remarques: s.remarks.as_ref().map(|r| r.as_str().to_owned()),
            });
        }
        Body::EnquiryResponse(e) | Body::EnquiryInformation(e) => {
            doc.reponse_enquete = Some(ReponseEnquete {
                bureau: office(&e.responding_office),
                date_reponse: format_date_time(e.response_date_time),
                marchandises_arrivees: e.goods_arrived,
                date_arrivee: e.arrival_date_time.map(format_date_time),
                texte: texte(&e.text),
            });
        }
        Body::RecoveryRequest(r) | Body::RecoveryAcceptance(r) | Body::RecoveryDispatch(r) => {
            doc.recouvrement = Some(Recouvrement {
                bureau: office(&r.office),
                bureau_recouvrement: office(&r.recovering_office),
                date_avis: format_date_time(r.notice_date_time),
                accepte: r.accepted,
                texte: r.text.as_str().to_owned(),
            });
        }
        _ => return None,
    }
    Some(Ok(()))
}
