//! The SYDAM-style JSON document, field for field (French names, local codes).

use serde::{Deserialize, Serialize};
use transit_national::TranslateError;

/// A whole message: the header and the one section its type calls for.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Document {
    /// The header.
    pub entete: Entete,
    /// Declaration, released for transit, or its copy to a transit or destination office.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<Declaration>,
    /// A border passage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passage: Option<Passage>,
    /// An arrival at destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrivee: Option<Arrivee>,
    /// Control results at destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resultat_controle: Option<ResultatControle>,
    /// An incident en route.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<IncidentSection>,
    /// A cancellation after release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalidation: Option<InvalidationSection>,
    /// The discharge of the operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apurement: Option<Apurement>,
    /// A rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejet: Option<Rejet>,
    /// Office to office: a request for the record (after a diversion), for the status, for an
    /// enquiry or for information on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demande: Option<Demande>,
    /// The answer to a request for the record (with `declaration` when granted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reponse_dossier: Option<ReponseDossier>,
    /// A movement's status, as the hub knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statut: Option<Statut>,
    /// The destination's answer to an enquiry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reponse_enquete: Option<ReponseEnquete>,
    /// A step of the recovery of duties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recouvrement: Option<Recouvrement>,
}

/// A request from an office (IE002, IE114, IE094, IE142, IE145).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Demande {
    pub bureau: String,
    pub date_demande: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texte: Option<String>,
}

/// The answer to a request for the record (IE003, IE115): `ACCORDE` or `REFUSE`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReponseDossier {
    pub bureau: String,
    pub resultat: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub motif_refus: Option<String>,
}

/// A status (IE095).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Statut {
    pub etat: String,
    pub date_dernier_evenement: String,
    /// What the hub adds to the state: a copy it did not send, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarques: Option<String>,
}

/// An answer to an enquiry (IE143, IE144).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReponseEnquete {
    pub bureau: String,
    pub date_reponse: String,
    pub marchandises_arrivees: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_arrivee: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texte: Option<String>,
}

/// A step of the recovery (IE150, IE151 with `accepte`, IE152).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Recouvrement {
    pub bureau: String,
    pub bureau_recouvrement: String,
    pub date_avis: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepte: Option<bool>,
    pub texte: String,
}

/// The header.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entete {
    pub type_message: String,
    pub numero_message: String,
    pub date_message: String,
    #[serde(rename = "numeroMRN")]
    pub numero_mrn: String,
    pub emetteur: String,
    pub destinataire: String,
    #[serde(default)]
    pub reference_correlation: Option<String>,
}

/// A trader.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Operateur {
    pub code: String,
    pub raison_sociale: String,
}

/// A means of transport.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MoyenTransport {
    pub immatriculation: String,
    pub nationalite: String,
    pub mode_transport: String,
}

/// A wagon of a rail declaration, and the seals on it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Wagon {
    pub numero: String,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_wagon: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationalite: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scelles: Vec<String>,
}

/// A container and its seals.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Conteneur {
    pub numero: String,
    /// The wagon it is loaded on (rail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wagon: Option<String>,
    #[serde(default)]
    pub scelles: Vec<String>,
}

/// Packages of one kind.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Colis {
    pub nombre: u32,
    pub nature: String,
}

/// A goods item.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Article {
    pub designation: String,
    #[serde(rename = "codeSH")]
    pub code_sh: String,
    pub poids_brut: String,
    #[serde(default)]
    pub colis: Vec<Colis>,
}

/// The guarantee.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Garantie {
    pub reference: String,
    pub montant: String,
    pub devise: String,
}

/// A transit declaration.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Declaration {
    pub reference_declarant: String,
    pub bureau_depart: String,
    #[serde(default)]
    pub bureaux_passage: Vec<String>,
    pub bureau_destination: String,
    pub date_mainlevee: String,
    pub delai_acheminement: String,
    pub poids_brut_total: String,
    pub declarant: Operateur,
    #[serde(default)]
    pub transporteur: Option<Operateur>,
    #[serde(default)]
    pub expediteur: Option<Operateur>,
    #[serde(default)]
    pub destinataire: Option<Operateur>,
    pub moyen_transport: MoyenTransport,
    #[serde(default)]
    pub itineraire: Vec<String>,
    /// The wagons, in the train's order (rail only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wagons: Vec<Wagon>,
    #[serde(default)]
    pub conteneurs: Vec<Conteneur>,
    #[serde(default)]
    pub articles: Vec<Article>,
    pub garantie: Garantie,
    /// In a copy under a data-sharing agreement: the agreement, then each group of data
    /// withheld, separated by spaces (what the format requires of a withheld group holds a
    /// placeholder, - or 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub donnees_retenues: Option<String>,
}

/// A border passage.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Passage {
    pub bureau: String,
    pub date_passage: String,
    /// Set when the hub confirmed the passage from a tracking event (no officer did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatique: Option<Automatique>,
}

/// What confirmed a passage automatically: the tracking provider and its event.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Automatique {
    pub fournisseur: String,
    pub evenement: String,
}

/// An arrival.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Arrivee {
    pub bureau: String,
    pub date_arrivee: String,
}

/// A discrepancy found at control.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ecart {
    pub element: String,
    pub description: String,
    pub majeur: bool,
}

/// Control results.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResultatControle {
    pub bureau: String,
    pub date_controle: String,
    pub code: String,
    pub scelles_intacts: bool,
    #[serde(default)]
    pub ecarts: Vec<Ecart>,
}

/// An incident.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IncidentSection {
    pub bureau: String,
    pub code: u8,
    pub date_incident: String,
    pub pays: String,
    pub lieu: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nouveau_moyen_transport: Option<MoyenTransport>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nouveaux_scelles: Vec<String>,
}

/// An invalidation.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InvalidationSection {
    pub date_invalidation: String,
    pub motif: String,
}

/// A discharge (write-off).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Apurement {
    pub date_apurement: String,
    pub reference_garantie: String,
    pub garantie_liberee: bool,
}

/// One error of a rejection.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Erreur {
    pub code: u8,
    pub element: String,
    pub motif: String,
}

/// A rejection.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rejet {
    pub numero_message_rejete: String,
    pub type_message_rejete: String,
    #[serde(default)]
    pub erreurs: Vec<Erreur>,
}

/// The section `value` of a document, or a missing-element error at `place`.
pub(crate) fn section<T>(value: Option<T>, place: &str) -> Result<T, TranslateError> {
    value.ok_or_else(|| TranslateError::missing(place))
}
