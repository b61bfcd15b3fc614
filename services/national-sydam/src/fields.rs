//! Which SYDAM field fills which standardized element (the mapping report's rows).

use transit_national::{field as f, FieldMapping};

/// Every mapped SYDAM field (JSON pointers; `*` for any list index).
pub const FIELDS: &[FieldMapping] = &[
    f(
        "/entete/typeMessage",
        "/header/messageType",
        "type table (DECLARATION_TRANSIT → IE029, …)",
    ),
    f(
        "/entete/numeroMessage",
        "/header/messageId",
        "UUID as is, else UUID v5 of country and number",
    ),
    f("/entete/dateMessage", "/header/preparedAt", "RFC 3339"),
    f(
        "/entete/numeroMRN",
        "/header/mrn",
        "as is, check digit verified",
    ),
    f("/entete/emetteur", "/header/sender", "office table; HUB"),
    f(
        "/entete/destinataire",
        "/header/recipient",
        "office table; HUB",
    ),
    f(
        "/entete/referenceCorrelation",
        "/header/correlationId",
        "as the message number",
    ),
    f(
        "/declaration/referenceDeclarant",
        "/body/functionalReferenceId",
        "as is (LRN)",
    ),
    f(
        "/declaration/bureauDepart",
        "/body/declarationOfficeId",
        "office table",
    ),
    f(
        "/declaration/bureauxPassage/*",
        "/body/transitOfficeIds/*",
        "office table; order kept",
    ),
    f(
        "/declaration/bureauDestination",
        "/body/destinationOfficeId",
        "office table",
    ),
    f(
        "/declaration/dateMainlevee",
        "/body/releaseDateTime",
        "RFC 3339",
    ),
    f(
        "/declaration/delaiAcheminement",
        "/body/arrivalTimeLimit",
        "RFC 3339",
    ),
    f(
        "/declaration/poidsBrutTotal",
        "/body/totalGrossMassMeasure",
        "decimal (kg), as text",
    ),
    f("/declaration/declarant/code", "/body/declarant/id", "as is"),
    f(
        "/declaration/declarant/raisonSociale",
        "/body/declarant/name",
        "as is",
    ),
    f(
        "/declaration/transporteur/code",
        "/body/consignment/carrier/id",
        "as is",
    ),
    f(
        "/declaration/transporteur/raisonSociale",
        "/body/consignment/carrier/name",
        "as is",
    ),
    f(
        "/declaration/expediteur/code",
        "/body/goodsShipment/consignor/id",
        "as is",
    ),
    f(
        "/declaration/expediteur/raisonSociale",
        "/body/goodsShipment/consignor/name",
        "as is",
    ),
    f(
        "/declaration/destinataire/code",
        "/body/goodsShipment/consignee/id",
        "as is",
    ),
    f(
        "/declaration/destinataire/raisonSociale",
        "/body/goodsShipment/consignee/name",
        "as is",
    ),
    f(
        "/declaration/moyenTransport/immatriculation",
        "/body/borderTransportMeans/id",
        "as is",
    ),
    f(
        "/declaration/moyenTransport/nationalite",
        "/body/borderTransportMeans/registrationNationalityCode",
        "as is (ISO 3166)",
    ),
    f(
        "/declaration/moyenTransport/modeTransport",
        "/body/borderTransportMeans/modeCode",
        "transport mode table (ROUTE → 3)",
    ),
    f(
        "/declaration/itineraire/*",
        "/body/consignment/itinerary/*/routingCountryCode",
        "as is; order gives sequence",
    ),
    f(
        "/declaration/wagons/*/numero",
        "/body/goodsShipment/consignment/departureTransportMeans/*/id",
        "as is; order gives sequence (rail)",
    ),
    f(
        "/declaration/wagons/*/type",
        "/body/goodsShipment/consignment/departureTransportMeans/*/typeCode",
        "as is",
    ),
    f(
        "/declaration/wagons/*/nationalite",
        "/body/goodsShipment/consignment/departureTransportMeans/*/registrationNationalityCode",
        "as is (ISO 3166)",
    ),
    f(
        "/declaration/wagons/*/scelles/*",
        "/body/goodsShipment/consignment/departureTransportMeans/*/seal/*/id",
        "as is",
    ),
    f(
        "/declaration/conteneurs/*/wagon",
        "/body/goodsShipment/consignment/transportEquipment/*/wagonId",
        "as is (rail)",
    ),
    f(
        "/declaration/conteneurs/*/numero",
        "/body/goodsShipment/consignment/transportEquipment/*/id",
        "as is (ISO 6346)",
    ),
    f(
        "/declaration/conteneurs/*/scelles/*",
        "/body/goodsShipment/consignment/transportEquipment/*/seal/*/id",
        "as is",
    ),
    f(
        "/declaration/articles/*/designation",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/description",
        "as is",
    ),
    f(
        "/declaration/articles/*/codeSH",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/classification/id",
        "as is (HS)",
    ),
    f(
        "/declaration/articles/*/poidsBrut",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/goodsMeasure/grossMassMeasure",
        "decimal (kg), as text",
    ),
    f(
        "/declaration/articles/*/colis/*/nombre",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/packaging/*/quantityQuantity",
        "whole number",
    ),
    f(
        "/declaration/articles/*/colis/*/nature",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/packaging/*/typeCode",
        "package kind table (SAC → BG)",
    ),
    f(
        "/declaration/garantie/reference",
        "/body/obligationGuarantee/referenceId",
        "as is",
    ),
    f(
        "/declaration/garantie/montant",
        "/body/obligationGuarantee/amountAmount",
        "decimal, as text",
    ),
    f(
        "/declaration/garantie/devise",
        "/body/obligationGuarantee/currencyCode",
        "currency table (FCFA → XOF)",
    ),
    f("/passage/bureau", "/body/transitOffice", "office table"),
    f("/passage/datePassage", "/body/crossingDateTime", "RFC 3339"),
    f(
        "/passage/automatique/fournisseur",
        "/body/automatic/provider",
        "as is",
    ),
    f(
        "/passage/automatique/evenement",
        "/body/automatic/eventId",
        "as is",
    ),
    f("/arrivee/bureau", "/body/destinationOffice", "office table"),
    f("/arrivee/dateArrivee", "/body/arrivalDateTime", "RFC 3339"),
    f(
        "/resultatControle/bureau",
        "/body/destinationOffice",
        "office table",
    ),
    f(
        "/resultatControle/dateControle",
        "/body/controlDateTime",
        "RFC 3339",
    ),
    f(
        "/resultatControle/code",
        "/body/controlResultCode",
        "A1, A2, B1",
    ),
    f(
        "/resultatControle/scellesIntacts",
        "/body/sealsIntact",
        "true/false",
    ),
    f(
        "/resultatControle/ecarts/*/element",
        "/body/discrepancies/*/pointer",
        "as is",
    ),
    f(
        "/resultatControle/ecarts/*/description",
        "/body/discrepancies/*/description",
        "as is",
    ),
    f(
        "/resultatControle/ecarts/*/majeur",
        "/body/discrepancies/*/major",
        "true/false",
    ),
    f("/incident/bureau", "/body/reportingOffice", "office table"),
    f("/incident/code", "/body/incidentCode", "1–5"),
    f(
        "/incident/dateIncident",
        "/body/incidentDateTime",
        "RFC 3339",
    ),
    f("/incident/pays", "/body/countryCode", "as is (ISO 3166)"),
    f("/incident/lieu", "/body/place", "as is"),
    f("/incident/description", "/body/description", "as is"),
    f("/incident/nouveauxScelles/*", "/body/newSealIds/*", "as is"),
    f(
        "/invalidation/dateInvalidation",
        "/body/invalidationDateTime",
        "RFC 3339",
    ),
    f("/invalidation/motif", "/body/reason", "as is"),
    f(
        "/apurement/dateApurement",
        "/body/writeOffDateTime",
        "RFC 3339",
    ),
    f(
        "/apurement/referenceGarantie",
        "/body/guaranteeReferenceId",
        "as is",
    ),
    f(
        "/apurement/garantieLiberee",
        "/body/guaranteeReleased",
        "true/false",
    ),
    f(
        "/rejet/numeroMessageRejete",
        "/body/rejectedMessageId",
        "as the message number",
    ),
    f(
        "/rejet/typeMessageRejete",
        "/body/rejectedMessageType",
        "type table",
    ),
    f(
        "/rejet/erreurs/*/code",
        "/body/errors/*/code",
        "NCTS functional error code",
    ),
    f(
        "/rejet/erreurs/*/element",
        "/body/errors/*/pointer",
        "as is",
    ),
    f("/rejet/erreurs/*/motif", "/body/errors/*/reason", "as is"),
    f(
        "/demande/bureau",
        "/body/requestingOffice",
        "office table (IE002, IE094, IE114, IE142, IE145)",
    ),
    f("/demande/dateDemande", "/body/requestDateTime", "RFC 3339"),
    f("/demande/texte", "/body/text", "as is"),
    f(
        "/reponseDossier/bureau",
        "/body/requestingOffice",
        "office table (IE003, IE115)",
    ),
    f(
        "/reponseDossier/resultat",
        "/body/outcome",
        "ACCORDE → Granted, REFUSE → Refused; a granted record carries the declaration section",
    ),
    f("/reponseDossier/motifRefus", "/body/refusalReason", "as is"),
    f("/statut/etat", "/body/state", "as is (IE095)"),
    f(
        "/statut/dateDernierEvenement",
        "/body/lastEventDateTime",
        "RFC 3339",
    ),
    f(
        "/reponseEnquete/bureau",
        "/body/respondingOffice",
        "office table (IE143, IE144)",
    ),
    f(
        "/reponseEnquete/dateReponse",
        "/body/responseDateTime",
        "RFC 3339",
    ),
    f(
        "/reponseEnquete/marchandisesArrivees",
        "/body/goodsArrived",
        "true/false",
    ),
    f(
        "/reponseEnquete/dateArrivee",
        "/body/arrivalDateTime",
        "RFC 3339",
    ),
    f("/reponseEnquete/texte", "/body/text", "as is"),
    f(
        "/recouvrement/bureau",
        "/body/office",
        "office table (IE150, IE151, IE152)",
    ),
    f(
        "/recouvrement/bureauRecouvrement",
        "/body/recoveringOffice",
        "office table",
    ),
    f("/recouvrement/dateAvis", "/body/noticeDateTime", "RFC 3339"),
    f(
        "/recouvrement/accepte",
        "/body/accepted",
        "true/false (IE151)",
    ),
    f("/recouvrement/texte", "/body/text", "as is"),
];
