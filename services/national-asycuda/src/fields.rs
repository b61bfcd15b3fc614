//! Which ASYCUDA field fills which standardized element (the mapping report's rows).

use transit_national::{field as f, FieldMapping};

/// Every mapped ASYCUDA field.
pub const FIELDS: &[FieldMapping] = &[
    f(
        "ASYCUDA/Message/Type",
        "/header/messageType",
        "type table (TRANSIT_RELEASE → IE029, …)",
    ),
    f(
        "ASYCUDA/Message/Reference",
        "/header/messageId",
        "UUID as is, else UUID v5 of country and reference",
    ),
    f("ASYCUDA/Message/Date", "/header/preparedAt", "RFC 3339"),
    f(
        "ASYCUDA/Message/MRN",
        "/header/mrn",
        "as is, check digit verified",
    ),
    f(
        "ASYCUDA/Message/Sender",
        "/header/sender",
        "office table; HUB",
    ),
    f(
        "ASYCUDA/Message/Recipient",
        "/header/recipient",
        "office table; HUB",
    ),
    f(
        "ASYCUDA/Message/Correlation",
        "/header/correlationId",
        "as the reference",
    ),
    f(
        "ASYCUDA/Identification/Office_segment/Customs_clearance_office_code",
        "/body/declarationOfficeId",
        "office table",
    ),
    f(
        "ASYCUDA/Identification/Registration/Date",
        "/body/releaseDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Traders/Exporter/Exporter_code",
        "/body/goodsShipment/consignor/id",
        "as is",
    ),
    f(
        "ASYCUDA/Traders/Exporter/Exporter_name",
        "/body/goodsShipment/consignor/name",
        "as is",
    ),
    f(
        "ASYCUDA/Traders/Consignee/Consignee_code",
        "/body/goodsShipment/consignee/id",
        "as is",
    ),
    f(
        "ASYCUDA/Traders/Consignee/Consignee_name",
        "/body/goodsShipment/consignee/name",
        "as is",
    ),
    f(
        "ASYCUDA/Declarant/Declarant_code",
        "/body/declarant/id",
        "as is",
    ),
    f(
        "ASYCUDA/Declarant/Declarant_name",
        "/body/declarant/name",
        "as is",
    ),
    f(
        "ASYCUDA/Declarant/Reference/Number",
        "/body/functionalReferenceId",
        "as is (LRN)",
    ),
    f(
        "ASYCUDA/General_information/Itinerary/Country_code",
        "/body/consignment/itinerary/*/routingCountryCode",
        "as is; order gives sequence",
    ),
    f(
        "ASYCUDA/Transport/Means_of_transport/Border_information/Identity",
        "/body/borderTransportMeans/id",
        "as is",
    ),
    f(
        "ASYCUDA/Transport/Means_of_transport/Border_information/Nationality",
        "/body/borderTransportMeans/registrationNationalityCode",
        "as is (ISO 3166)",
    ),
    f(
        "ASYCUDA/Transport/Means_of_transport/Border_information/Mode",
        "/body/borderTransportMeans/modeCode",
        "transport mode table",
    ),
    f(
        "ASYCUDA/Transport/Carrier/Code",
        "/body/consignment/carrier/id",
        "as is",
    ),
    f(
        "ASYCUDA/Transport/Carrier/Name",
        "/body/consignment/carrier/name",
        "as is",
    ),
    f(
        "ASYCUDA/Transport/Border_office/Code",
        "/body/transitOfficeIds/*",
        "office table; order kept",
    ),
    f(
        "ASYCUDA/Transport/Wagon/Identity",
        "/body/goodsShipment/consignment/departureTransportMeans/*/id",
        "as is; order gives sequence (rail)",
    ),
    f(
        "ASYCUDA/Transport/Wagon/Type",
        "/body/goodsShipment/consignment/departureTransportMeans/*/typeCode",
        "as is",
    ),
    f(
        "ASYCUDA/Transport/Wagon/Nationality",
        "/body/goodsShipment/consignment/departureTransportMeans/*/registrationNationalityCode",
        "as is (ISO 3166)",
    ),
    f(
        "ASYCUDA/Transport/Wagon/Seals/Identity",
        "/body/goodsShipment/consignment/departureTransportMeans/*/seal/*/id",
        "as is; Seals/Number must equal the count",
    ),
    f(
        "ASYCUDA/Transport/Container/Wagon",
        "/body/goodsShipment/consignment/transportEquipment/*/wagonId",
        "as is (rail)",
    ),
    f(
        "ASYCUDA/Transport/Container/Identity",
        "/body/goodsShipment/consignment/transportEquipment/*/id",
        "as is (ISO 6346)",
    ),
    f(
        "ASYCUDA/Transport/Container/Seals/Identity",
        "/body/goodsShipment/consignment/transportEquipment/*/seal/*/id",
        "as is; Seals/Number must equal the count",
    ),
    f(
        "ASYCUDA/Financial/Guarantee/Name",
        "/body/obligationGuarantee/referenceId",
        "as is",
    ),
    f(
        "ASYCUDA/Financial/Guarantee/Amount",
        "/body/obligationGuarantee/amountAmount",
        "decimal",
    ),
    f(
        "ASYCUDA/Financial/Guarantee/Currency",
        "/body/obligationGuarantee/currencyCode",
        "currency table",
    ),
    f(
        "ASYCUDA/Transit/Destination/Office",
        "/body/destinationOfficeId",
        "office table",
    ),
    f(
        "ASYCUDA/Transit/Time_limit",
        "/body/arrivalTimeLimit",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Valuation/Weight/Gross_weight",
        "/body/totalGrossMassMeasure",
        "decimal (kg)",
    ),
    f(
        "ASYCUDA/Item/Packages/Number_of_packages",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/packaging/*/quantityQuantity",
        "whole number",
    ),
    f(
        "ASYCUDA/Item/Packages/Kind_of_packages_code",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/packaging/*/typeCode",
        "package kind table",
    ),
    f(
        "ASYCUDA/Item/Tarification/HScode/Commodity_code",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/classification/id",
        "as is (HS)",
    ),
    f(
        "ASYCUDA/Item/Goods_description/Description_of_goods",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/description",
        "as is",
    ),
    f(
        "ASYCUDA/Item/Valuation_item/Weight_itm/Gross_weight_itm",
        "/body/goodsShipment/governmentAgencyGoodsItem/*/commodity/goodsMeasure/grossMassMeasure",
        "decimal (kg)",
    ),
    f(
        "ASYCUDA/Transit/Border_passage/Office",
        "/body/transitOffice",
        "office table",
    ),
    f(
        "ASYCUDA/Transit/Border_passage/Date",
        "/body/crossingDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Border_passage/Automatic/Provider",
        "/body/automatic/provider",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Border_passage/Automatic/Event",
        "/body/automatic/eventId",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Arrival/Office",
        "/body/destinationOffice",
        "office table",
    ),
    f(
        "ASYCUDA/Transit/Arrival/Date",
        "/body/arrivalDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Result_of_control/Office",
        "/body/destinationOffice",
        "office table",
    ),
    f(
        "ASYCUDA/Transit/Result_of_control/Date",
        "/body/controlDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Result_of_control/Code",
        "/body/controlResultCode",
        "A1, A2, B1",
    ),
    f(
        "ASYCUDA/Transit/Result_of_control/Seals_intact",
        "/body/sealsIntact",
        "true/false",
    ),
    f(
        "ASYCUDA/Transit/Result_of_control/Discrepancy/Element",
        "/body/discrepancies/*/pointer",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Result_of_control/Discrepancy/Description",
        "/body/discrepancies/*/description",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Result_of_control/Discrepancy/Major",
        "/body/discrepancies/*/major",
        "true/false",
    ),
    f(
        "ASYCUDA/Transit/Incident/Office",
        "/body/reportingOffice",
        "office table",
    ),
    f("ASYCUDA/Transit/Incident/Code", "/body/incidentCode", "1–5"),
    f(
        "ASYCUDA/Transit/Incident/Date",
        "/body/incidentDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Incident/Country",
        "/body/countryCode",
        "as is (ISO 3166)",
    ),
    f("ASYCUDA/Transit/Incident/Place", "/body/place", "as is"),
    f(
        "ASYCUDA/Transit/Incident/Description",
        "/body/description",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Incident/New_seal",
        "/body/newSealIds/*",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Invalidation/Date",
        "/body/invalidationDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Invalidation/Reason",
        "/body/reason",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Write_off/Date",
        "/body/writeOffDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Write_off/Guarantee_reference",
        "/body/guaranteeReferenceId",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Write_off/Guarantee_released",
        "/body/guaranteeReleased",
        "true/false",
    ),
    f(
        "ASYCUDA/Rejection/Message_reference",
        "/body/rejectedMessageId",
        "as the reference",
    ),
    f(
        "ASYCUDA/Rejection/Message_type",
        "/body/rejectedMessageType",
        "type table",
    ),
    f(
        "ASYCUDA/Rejection/Error/Code",
        "/body/errors/*/code",
        "NCTS functional error code",
    ),
    f(
        "ASYCUDA/Rejection/Error/Element",
        "/body/errors/*/pointer",
        "as is",
    ),
    f(
        "ASYCUDA/Rejection/Error/Reason",
        "/body/errors/*/reason",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Request/Office",
        "/body/requestingOffice",
        "office table (IE002, IE094, IE114, IE142, IE145)",
    ),
    f(
        "ASYCUDA/Transit/Request/Date",
        "/body/requestDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Request/Text",
        "/body/text",
        "as is; <null/> when absent",
    ),
    f(
        "ASYCUDA/Transit/Record_response/Office",
        "/body/requestingOffice",
        "office table (IE003, IE115)",
    ),
    f(
        "ASYCUDA/Transit/Record_response/Outcome",
        "/body/outcome",
        "GRANTED → Granted, REFUSED → Refused; a granted record carries the declaration in the segments of a release",
    ),
    f(
        "ASYCUDA/Transit/Record_response/Refusal_reason",
        "/body/refusalReason",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Status/State",
        "/body/state",
        "as is (IE095)",
    ),
    f(
        "ASYCUDA/Transit/Status/Last_event",
        "/body/lastEventDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Enquiry_answer/Office",
        "/body/respondingOffice",
        "office table (IE143, IE144)",
    ),
    f(
        "ASYCUDA/Transit/Enquiry_answer/Date",
        "/body/responseDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Enquiry_answer/Goods_arrived",
        "/body/goodsArrived",
        "true/false",
    ),
    f(
        "ASYCUDA/Transit/Enquiry_answer/Arrival_date",
        "/body/arrivalDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Enquiry_answer/Text",
        "/body/text",
        "as is",
    ),
    f(
        "ASYCUDA/Transit/Recovery/Office",
        "/body/office",
        "office table (IE150, IE151, IE152)",
    ),
    f(
        "ASYCUDA/Transit/Recovery/Recovering_office",
        "/body/recoveringOffice",
        "office table",
    ),
    f(
        "ASYCUDA/Transit/Recovery/Date",
        "/body/noticeDateTime",
        "RFC 3339",
    ),
    f(
        "ASYCUDA/Transit/Recovery/Accepted",
        "/body/accepted",
        "true/false (IE151)",
    ),
    f(
        "ASYCUDA/Transit/Recovery/Text",
        "/body/text",
        "as is",
    ),
];
