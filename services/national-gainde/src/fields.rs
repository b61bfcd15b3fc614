//! Which GAINDE segment element fills which standardized element (the mapping report's rows).

use transit_national::FieldMapping;

const fn f(
    national: &'static str,
    standard: &'static str,
    conversion: &'static str,
) -> FieldMapping {
    FieldMapping {
        national,
        standard,
        conversion,
    }
}

/// Every mapped GAINDE element (`TAG+qualifier` element:component, 1-based).
pub const FIELDS: &[FieldMapping] = &[
    f(
        "BGM 1",
        "/header/messageType",
        "document code (TRL → IE029, …)",
    ),
    f(
        "BGM 2",
        "/header/messageId",
        "UUID as is, else UUID v5 of country and reference",
    ),
    f("DTM+137 1:2", "/header/preparedAt", "format 204, UTC"),
    f("RFF+ABT 1:2", "/header/mrn", "as is, check digit verified"),
    f("RFF+ACW 1:2", "/header/correlationId", "as the reference"),
    f("NAD+MS 2", "/header/sender", "office table; HUB"),
    f("NAD+MR 2", "/header/recipient", "office table; HUB"),
    f("RFF+ABO 1:2", "/body/functionalReferenceId", "as is (LRN)"),
    f("LOC+118 2", "/body/declarationOfficeId", "office table"),
    f(
        "LOC+119 2",
        "/body/transitOfficeIds/*",
        "office table; order kept (IE118: /body/transitOffice)",
    ),
    f(
        "LOC+120 2",
        "/body/destinationOfficeId",
        "office table (IE006, IE018: /body/destinationOffice)",
    ),
    f(
        "LOC+101 2",
        "/body/consignment/itinerary/*/routingCountryCode",
        "as is; order gives sequence",
    ),
    f("DTM+182 1:2", "/body/releaseDateTime", "format 204, UTC"),
    f("DTM+268 1:2", "/body/arrivalTimeLimit", "format 204, UTC"),
    f(
        "MEA+AAE 3:2 (before CST)",
        "/body/totalGrossMassMeasure",
        "decimal, KGM",
    ),
    f(
        "NAD+DT 2 / 4",
        "/body/declarant/id",
        "as is; name in element 4",
    ),
    f(
        "NAD+CA 2 / 4",
        "/body/consignment/carrier/id",
        "as is; name in element 4",
    ),
    f(
        "NAD+CZ 2 / 4",
        "/body/goodsShipment/consignor/id",
        "as is; name in element 4",
    ),
    f(
        "NAD+CN 2 / 4",
        "/body/goodsShipment/consignee/id",
        "as is; name in element 4",
    ),
    f(
        "TDT+12 3",
        "/body/borderTransportMeans/modeCode",
        "transport mode table",
    ),
    f("TDT+12 8:1", "/body/borderTransportMeans/id", "as is"),
    f(
        "TDT+12 8:5",
        "/body/borderTransportMeans/registrationNationalityCode",
        "as is (ISO 3166)",
    ),
    f(
        "RFF+GN 1:2",
        "/body/obligationGuarantee/referenceId",
        "as is (IE045: /body/guaranteeReferenceId)",
    ),
    f(
        "MOA+GUA 1:2",
        "/body/obligationGuarantee/amountAmount",
        "decimal",
    ),
    f(
        "MOA+GUA 1:3",
        "/body/obligationGuarantee/currencyCode",
        "currency table",
    ),
    f(
        "EQD+RR 2:1",
        "/body/goodsShipment/consignment/departureTransportMeans/*/id",
        "as is; order gives sequence (rail)",
    ),
    f(
        "EQD+RR 3",
        "/body/goodsShipment/consignment/departureTransportMeans/*/typeCode",
        "as is",
    ),
    f(
        "EQD+RR 2:4",
        "/body/goodsShipment/consignment/departureTransportMeans/*/registrationNationalityCode",
        "as is (ISO 3166)",
    ),
    f(
        "SEL 1 (after EQD+RR)",
        "/body/goodsShipment/consignment/departureTransportMeans/*/seal/*/id",
        "as is",
    ),
    f(
        "EQA+RR 2",
        "/body/goodsShipment/consignment/transportEquipment/*/wagonId",
        "as is (rail)",
    ),
    f(
        "EQD+CN 2",
        "/body/goodsShipment/consignment/transportEquipment/*/id",
        "as is (ISO 6346)",
    ),
    f(
        "SEL 1 (after EQD)",
        "/body/goodsShipment/consignment/transportEquipment/*/seal/*/id",
        "as is",
    ),
    f(
        "CST 2:1",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/classification/id",
        "as is (HS)",
    ),
    f(
        "FTX+AAA 4:1 (after CST)",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/description",
        "as is",
    ),
    f(
        "MEA+AAE 3:2 (after CST)",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/goodsMeasure/grossMassMeasure",
        "decimal, KGM",
    ),
    f(
        "PAC 1",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/packaging/*/quantityQuantity",
        "whole number",
    ),
    f(
        "PAC 3",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/packaging/*/typeCode",
        "package kind table",
    ),
    f(
        "DTM+178 1:2",
        "/body/crossingDateTime",
        "format 204, UTC (IE006: /body/arrivalDateTime)",
    ),
    f("FTX+ZAU 4:1 (NCF)", "/body/automatic/provider", "as is"),
    f("FTX+ZAU 4:2 (NCF)", "/body/automatic/eventId", "as is"),
    f("DTM+9 1:2", "/body/controlDateTime", "format 204, UTC"),
    f("GIS 1 (IE018)", "/body/controlResultCode", "A1, A2, B1"),
    f("GIS 2 (IE018)", "/body/sealsIntact", "Y/N"),
    f(
        "FTX+DIS 3 / 4:1 / 4:2",
        "/body/discrepancies/*/pointer",
        "major Y/N, element, description",
    ),
    f("LOC+121 2", "/body/reportingOffice", "office table"),
    f("GIS 1 (IE180)", "/body/incidentCode", "1–5"),
    f("DTM+132 1:2", "/body/incidentDateTime", "format 204, UTC"),
    f("LOC+122 2", "/body/countryCode", "as is (ISO 3166)"),
    f("FTX+ACD 4:1", "/body/place", "as is"),
    f("FTX+AAA 4:1 (IE180)", "/body/description", "as is"),
    f("SEL 1 (IE180)", "/body/newSealIds/*", "as is"),
    f(
        "DTM+133 1:2",
        "/body/invalidationDateTime",
        "format 204, UTC",
    ),
    f("FTX+AAO 4:1 (IE010)", "/body/reason", "as is"),
    f("DTM+134 1:2", "/body/writeOffDateTime", "format 204, UTC"),
    f("GIS 1 (IE045)", "/body/guaranteeReleased", "Y/N"),
    f("RFF+AGO 1:2", "/body/rejectedMessageId", "as the reference"),
    f("DOC 1", "/body/rejectedMessageType", "document code"),
    f("ERC 1", "/body/errors/*/code", "NCTS functional error code"),
    f(
        "FTX+AAO 4:1 / 4:2 (after ERC)",
        "/body/errors/*/pointer",
        "element, reason",
    ),
    f(
        "LOC+ZRQ 2",
        "/body/requestingOffice",
        "office table (RQA RQT RQS ENQ ENF; RSA RST)",
    ),
    f("DTM+ZRQ 1:2", "/body/requestDateTime", "format 204, UTC"),
    f("FTX+ACB 4", "/body/text", "as is"),
    f(
        "STS 1 (RSA RST)",
        "/body/outcome",
        "GRANTED → Granted, REFUSED → Refused; a granted record carries the declaration's segments",
    ),
    f("FTX+AAO 4 (RSA RST)", "/body/refusalReason", "as is"),
    f("STS 1 (STA)", "/body/state", "as is"),
    f("DTM+ZLE 1:2", "/body/lastEventDateTime", "format 204, UTC"),
    f(
        "LOC+ZRS 2",
        "/body/respondingOffice",
        "office table (ENR ENI)",
    ),
    f("DTM+ZRS 1:2", "/body/responseDateTime", "format 204, UTC"),
    f("GIS 1 (ENR ENI)", "/body/goodsArrived", "Y/N"),
    f(
        "DTM+178 1:2 (ENR ENI)",
        "/body/arrivalDateTime",
        "format 204, UTC",
    ),
    f("LOC+ZOF 2", "/body/office", "office table (RCR RCA RCD)"),
    f("LOC+ZRV 2", "/body/recoveringOffice", "office table"),
    f("DTM+ZRV 1:2", "/body/noticeDateTime", "format 204, UTC"),
    f("GIS 1 (RCA)", "/body/accepted", "Y/N"),
];
