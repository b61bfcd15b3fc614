#!/usr/bin/env python3
"""Writes the JSON Schemas (json/) and XSDs (xsd/) of the standardized message set from the one
table below, so the two schema languages cannot disagree. The written files are what sigmat
publishes; the Rust tests (services/transit-codec/tests/schemas.rs) prove the Rust types agree
with both. Run it after changing the table:  python3 schemas/transit/v1/generate.py
"""
import json, os

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = "https://sigmat.example/schemas/transit/v1"
NS = "urn:sigmat:transit:v1"
P = "project-assigned"

# Simple types: name -> (description, json schema, xsd restriction (base, facets))
SIMPLE = {
  "MessageId": ("A UUID, unique per message.", {"type": "string", "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},
                ("xs:string", [("pattern", "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")])),
  "DateTime": ("A UTC or offset date-time (RFC 3339).", {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$"},
               ("xs:dateTime", [("pattern", ".+(Z|[+\\-][0-9]{2}:[0-9]{2})")])),
  "Participant": ("An 8-character office reference, or HUB.", {"type": "string", "pattern": "^(HUB|[A-Z]{2}[A-Z0-9]{6})$"},
                  ("xs:string", [("pattern", "HUB|[A-Z]{2}[A-Z0-9]{6}")])),
  "OfficeRef": ("A customs office reference: country code then 6 capitals or digits.", {"type": "string", "pattern": "^[A-Z]{2}[A-Z0-9]{6}$"},
                ("xs:string", [("pattern", "[A-Z]{2}[A-Z0-9]{6}")])),
  "Mrn": ("Movement Reference Number; the check digit (ISO 6346 method) is checked by the decoders, not by this pattern.", {"type": "string", "pattern": "^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[J-M][0-9]$"},
          ("xs:string", [("pattern", "[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[J-M][0-9]")])),
  "CountryCode": ("ISO 3166-1 alpha-2.", {"type": "string", "pattern": "^[A-Z]{2}$"}, ("xs:string", [("pattern", "[A-Z]{2}")])),
  "CurrencyCode": ("ISO 4217 alpha-3.", {"type": "string", "pattern": "^[A-Z]{3}$"}, ("xs:string", [("pattern", "[A-Z]{3}")])),
  "SchemaVersion": ("The message set's version.", {"type": "string", "const": "1"}, ("xs:string", [("enumeration", "1")])),
  "Lrn": ("Local reference number, an..22.", {"type": "string", "minLength": 1, "maxLength": 22, "pattern": "^[!-~]([ -~]*[!-~])?$"},
          ("xs:string", [("minLength", "1"), ("maxLength", "22"), ("pattern", "[!-~]([ -~]*[!-~])?")])),
  "Decimal16_6": ("A decimal, n..16,6.", {"type": "string", "maxLength": 17, "pattern": "^[0-9]{1,16}(\\.[0-9]{1,6})?$"},
                  ("xs:string", [("maxLength", "17"), ("pattern", "[0-9]{1,16}(\\.[0-9]{1,6})?")])),
  "Decimal16_3": ("An amount, n..16,3.", {"type": "string", "maxLength": 17, "pattern": "^[0-9]{1,16}(\\.[0-9]{1,3})?$"},
                  ("xs:string", [("maxLength", "17"), ("pattern", "[0-9]{1,16}(\\.[0-9]{1,3})?")])),
  "HsCode": ("HS code: 6 digits, or 8 or 10 with a national extension; chapter 01-97 (77 reserved).", {"type": "string", "pattern": "^(0[1-9]|[1-6][0-9]|7[0-689]|8[0-9]|9[0-7])([0-9]{4}|[0-9]{6}|[0-9]{8})$"},
             ("xs:string", [("pattern", "(0[1-9]|[1-6][0-9]|7[0-689]|8[0-9]|9[0-7])([0-9]{4}|[0-9]{6}|[0-9]{8})")])),
  "ContainerNumber": ("ISO 6346 container number; the check digit is checked by the decoders.", {"type": "string", "pattern": "^[A-Z]{3}[UJZ][0-9]{7}$"},
                      ("xs:string", [("pattern", "[A-Z]{3}[UJZ][0-9]{7}")])),
  "PackageType": ("UN/ECE Rec 21 package type.", {"type": "string", "pattern": "^[A-Z0-9]{2}$"}, ("xs:string", [("pattern", "[A-Z0-9]{2}")])),
  "TransportMode": ("UN/ECE Rec 19 mode of transport, 0-9.", {"type": "integer", "minimum": 0, "maximum": 9},
                    ("xs:unsignedByte", [("maxInclusive", "9")])),
  "MessageType": ("NCTS message code.", None, None),  # filled from the catalogue below
  "FunctionalErrorCode": ("NCTS functional error code.", {"type": "integer", "enum": [12, 13, 14, 15, 26, 90, 92, 93]},
                          ("xs:unsignedByte", [("enumeration", c) for c in ["12", "13", "14", "15", "26", "90", "92", "93"]])),
  "IncidentCode": ("Incident: 1 route deviation, 2 seals broken, 3 transhipment, 4 unloading, 5 accident or other.", {"type": "integer", "minimum": 1, "maximum": 5},
                   ("xs:unsignedByte", [("minInclusive", "1"), ("maxInclusive", "5")])),
  "ControlResultCode": ("A1 satisfactory, A2 considered satisfactory, B1 not satisfactory.", {"type": "string", "enum": ["A1", "A2", "B1"]},
                        ("xs:string", [("enumeration", c) for c in ["A1", "A2", "B1"]])),
  "RecordOutcome": ("Whether a record request was granted.", {"type": "string", "enum": ["Granted", "Refused"]},
                    ("xs:string", [("enumeration", c) for c in ["Granted", "Refused"]])),
  "DataGroup": ("A group of data elements an agreement shares or withholds.", {"type": "string", "enum": ["identification", "transport", "goods", "grossMass", "guarantee", "traders", "values", "documents"]},
                ("xs:string", [("enumeration", c) for c in ["identification", "transport", "goods", "grossMass", "guarantee", "traders", "values", "documents"]])),
  "SequenceNumber": ("n..5, from 1.", {"type": "integer", "minimum": 1, "maximum": 99999}, ("xs:unsignedInt", [("minInclusive", "1"), ("maxInclusive", "99999")])),
  "PackageCount": ("n..8.", {"type": "integer", "minimum": 0, "maximum": 99999999}, ("xs:unsignedInt", [("maxInclusive", "99999999")])),
  "Position": ("A line or column, 0 when unknown.", {"type": "integer", "minimum": 0, "maximum": 4294967295}, ("xs:unsignedInt", [])),
  "Boolean": ("true or false.", {"type": "boolean"}, None),
}
def text(n):
    # Not empty, no leading or trailing white space, no control characters but line break and tab:
    # what both encodings carry losslessly (services/transit-model/src/text.rs).
    SIMPLE["Text%d" % n] = ("Free text, an..%d: not empty, no leading or trailing white space, no control characters but line break and tab." % n,
        {"type": "string", "minLength": 1, "maxLength": n, "pattern": "^[^\\s\\x00-\\x08\\x0B-\\x1F\\x7F]([^\\x00-\\x08\\x0B-\\x1F\\x7F]*[^\\s\\x00-\\x08\\x0B-\\x1F\\x7F])?$"},
        ("xs:string", [("minLength", "1"), ("maxLength", str(n)), ("pattern", "\\S([\\s\\S]*\\S)?")]))
    return "Text%d" % n
for n in (4, 17, 35, 70, 512):
    text(n)

# Complex types, fields in the order the Rust types declare them:
# (json name, type, occurs: "1" required, "?" optional, "*" list, wco id or P, description)
COMPLEX = {
  "Header": [
    ("messageId", "MessageId", "1", P, "Unique per message; receivers drop a second message with the same id and content."),
    ("messageType", "MessageType", "1", P, "The catalogue entry; decides the body's shape."),
    ("preparedAt", "DateTime", "1", "D011", "When the sender prepared the message."),
    ("sender", "Participant", "1", P, "Who sent it."),
    ("recipient", "Participant", "1", P, "Who it is for; the hub routes by the recipient office's country."),
    ("mrn", "Mrn", "1", "D014", "The movement."),
    ("correlationId", "MessageId", "?", P, "For an answer or a copy: the id of the message answered or copied."),
    ("schemaVersion", "SchemaVersion", "1", P, "The message set's version."),
  ],
  "TransitDeclaration": [
    ("functionalReferenceId", "Lrn", "1", "D026", "LRN, the trader's reference."),
    ("declarationOfficeId", "OfficeRef", "1", "065", "Office of departure (office of declaration)."),
    ("transitOfficeIds", "OfficeRef", "*", P, "Declared offices of transit, in route order."),
    ("destinationOfficeId", "OfficeRef", "1", P, "Declared office of destination."),
    ("releaseDateTime", "DateTime", "1", P, "When the goods were released for transit."),
    ("arrivalTimeLimit", "DateTime", "1", P, "By when the goods must be presented at destination."),
    ("totalGrossMassMeasure", "Decimal16_6", "?", "131", "Total gross mass in kg. Every release carries it; a copy under an agreement that withholds gross masses does not."),
    ("declarant", "Declarant", "?", "R123", "The principal, who declares the transit and answers for it. Every release carries it; a copy under an agreement that withholds trader identities does not."),
    ("borderTransportMeans", "TransportMeans", "?", P, "The vehicle crossing the borders (WCO BorderTransportMeans). Every release carries it; a copy under an agreement that withholds transport does not."),
    ("consignment", "Consignment", "1", P, "Carrier and route (WCO Consignment)."),
    ("goodsShipment", "GoodsShipment", "1", P, "The goods and how they travel (WCO GoodsShipment)."),
    ("obligationGuarantee", "Guarantee", "?", "90A", "The guarantee engaged. Every release carries it; a copy under an agreement that withholds the guarantee does not."),
    ("withheld", "Withheld", "?", P, "In a copy the hub made under an agreement: the agreement and the groups of data it left out. Never in a release."),
  ],
  "Withheld": [
    ("agreement", "Text35", "1", P, "The agreement the copy was made under (schemas/reference/agreements.json)."),
    ("groups", "DataGroup", "*", P, "The groups of data left out of the copy."),
  ],
  "Declarant": [
    ("id", "Text17", "1", "R123", "Declarant, coded."),
    ("name", "Text70", "1", "R124", "Declarant name."),
  ],
  "Consignor": [
    ("id", "Text17", "1", "R021", "Consignor, coded."),
    ("name", "Text70", "1", "R020", "Consignor name."),
  ],
  "Consignee": [
    ("id", "Text17", "1", "R015", "Consignee, coded."),
    ("name", "Text70", "1", "R014", "Consignee name."),
  ],
  "Carrier": [
    ("id", "Text17", "1", "R012", "Carrier identification."),
    ("name", "Text70", "1", "R011", "Carrier name."),
  ],
  "TransportMeans": [
    ("id", "Text35", "1", "T006", "Registration plate or other identity."),
    ("registrationNationalityCode", "CountryCode", "1", "T014", "Nationality of the vehicle."),
    ("modeCode", "TransportMode", "1", "T022", "Mode of transport (3 road, 2 rail)."),
  ],
  "Consignment": [
    ("carrier", "Carrier", "?", "18A", "The carrier."),
    ("itinerary", "Itinerary", "*", "81A", "Countries of routing, in order."),
  ],
  "Itinerary": [
    ("sequenceNumeric", "SequenceNumber", "1", "006", "Position on the route."),
    ("routingCountryCode", "CountryCode", "1", "064", "Country of routing."),
  ],
  "GoodsShipment": [
    ("consignor", "Consignor", "?", P, "The consignor (WCO Consignor)."),
    ("consignee", "Consignee", "?", P, "The consignee (WCO Consignee)."),
    ("consignment", "ShipmentConsignment", "1", P, "Containers and seals (WCO Consignment)."),
    ("governmentAgencyGoodsItem", "GoodsItem", "*", P, "The goods items (WCO GovernmentAgencyGoodsItem)."),
  ],
  "ShipmentConsignment": [
    ("departureTransportMeans", "DepartureTransportMeans", "*", "46A", "The wagons of a rail movement, in the train's order; none by road."),
    ("transportEquipment", "TransportEquipment", "*", "31B", "Containers."),
  ],
  "DepartureTransportMeans": [
    ("sequenceNumeric", "SequenceNumber", "1", "006", "Position in the train, from 1."),
    ("id", "Text35", "1", "T004", "The wagon's number."),
    ("typeCode", "Text4", "?", "T009", "Wagon type (UN/ECE Rec 28 or the railway's series)."),
    ("registrationNationalityCode", "CountryCode", "?", P, "Nationality of the wagon."),
    ("seal", "Seal", "*", "44B", "Seals on the wagon itself, for goods loaded without a container."),
  ],
  "TransportEquipment": [
    ("sequenceNumeric", "SequenceNumber", "1", "006", "Position."),
    ("id", "ContainerNumber", "1", "159", "Container number."),
    ("wagonId", "Text35", "?", P, "The wagon (a departureTransportMeans id) the container is loaded on; rail only."),
    ("seal", "Seal", "*", "44B", "Seals."),
  ],
  "Seal": [
    ("sequenceNumeric", "SequenceNumber", "1", "006", "Position."),
    ("id", "Text35", "1", "165", "Seal number."),
  ],
  "Guarantee": [
    ("referenceId", "Text35", "1", "100", "Guarantee reference."),
    ("amountAmount", "Decimal16_3", "?", "492", "Security amount. Every release carries it; a copy under an agreement that withholds values does not."),
    ("currencyCode", "CurrencyCode", "1", "135", "Currency of the amount."),
  ],
  "GoodsItem": [
    ("sequenceNumeric", "SequenceNumber", "1", "006", "Item number."),
    ("commodity", "Commodity", "1", P, "What the goods are (WCO Commodity)."),
    ("packaging", "Packaging", "*", P, "How they are packed (WCO Packaging)."),
  ],
  "Commodity": [
    ("description", "Text512", "1", "137", "Description of goods."),
    ("classification", "Classification", "1", P, "HS classification (WCO Classification)."),
    ("goodsMeasure", "GoodsMeasure", "1", P, "Measures (WCO GoodsMeasure)."),
  ],
  "Classification": [
    ("id", "HsCode", "1", "145", "HS code."),
  ],
  "GoodsMeasure": [
    ("grossMassMeasure", "Decimal16_6", "?", "126", "Gross mass in kg. Every release carries it; a copy under an agreement that withholds gross masses does not."),
  ],
  "Packaging": [
    ("typeCode", "PackageType", "1", "141", "Package type."),
    ("quantityQuantity", "PackageCount", "1", "144", "Number of packages."),
  ],
  "BorderCrossing": [
    ("transitOffice", "OfficeRef", "1", P, "The office where the truck crossed."),
    ("crossingDateTime", "DateTime", "1", P, "When it crossed."),
    ("automatic", "AutomaticConfirmation", "?", P, "Set when the hub confirmed it from a tracking event, by the office's country's rule."),
  ],
  "AutomaticConfirmation": [
    ("provider", "Text35", "1", P, "The tracking provider."),
    ("eventId", "Text70", "1", P, "The provider's id of the event that entered the border zone."),
  ],
  "ArrivalAdvice": [
    ("destinationOffice", "OfficeRef", "1", P, "Where the goods were presented."),
    ("arrivalDateTime", "DateTime", "1", P, "When."),
  ],
  "FunctionalNack": [
    ("rejectedMessageId", "MessageId", "1", P, "The refused message."),
    ("rejectedMessageType", "MessageType", "1", P, "Its type."),
    ("errors", "FunctionalError", "*", P, "Why, one entry per problem."),
  ],
  "FunctionalError": [
    ("code", "FunctionalErrorCode", "1", P, "NCTS functional error code."),
    ("pointer", "Text512", "1", P, "JSON pointer to the element at fault."),
    ("reason", "Text512", "1", P, "What is wrong and what to do."),
  ],
  "OfficeRequest": [
    ("requestingOffice", "OfficeRef", "1", P, "The office asking."),
    ("requestDateTime", "DateTime", "1", P, "When."),
    ("text", "Text512", "?", "225", "Free text."),
  ],
  "RecordResponse": [
    ("requestingOffice", "OfficeRef", "1", P, "The office that asked."),
    ("outcome", "RecordOutcome", "1", P, "Granted or refused."),
    ("declaration", "TransitDeclaration", "?", "42A", "The record, when granted."),
    ("refusalReason", "Text512", "?", P, "Why it was refused."),
  ],
  "ControlResults": [
    ("destinationOffice", "OfficeRef", "1", P, "The office of destination."),
    ("controlDateTime", "DateTime", "1", P, "When the control ended."),
    ("controlResultCode", "ControlResultCode", "1", P, "The outcome."),
    ("sealsIntact", "Boolean", "1", P, "Whether every seal was intact."),
    ("discrepancies", "Discrepancy", "*", P, "Discrepancies found."),
  ],
  "Discrepancy": [
    ("pointer", "Text512", "1", P, "The declaration element concerned, as a JSON pointer."),
    ("description", "Text512", "1", P, "What was found."),
    ("major", "Boolean", "1", P, "Whether it is major."),
  ],
  "Invalidation": [
    ("invalidationDateTime", "DateTime", "1", P, "When."),
    ("reason", "Text512", "1", P, "Why."),
  ],
  "Incident": [
    ("reportingOffice", "OfficeRef", "1", P, "The office that recorded it."),
    ("incidentCode", "IncidentCode", "1", P, "What happened."),
    ("incidentDateTime", "DateTime", "1", P, "When."),
    ("countryCode", "CountryCode", "1", "064", "In which country."),
    ("place", "Text35", "1", P, "Where."),
    ("description", "Text512", "1", "225", "What the officer found."),
    ("replacementTransportMeans", "TransportMeans", "?", P, "The new vehicle after a transhipment."),
    ("newSealIds", "Text35", "*", "165", "New seals affixed."),
  ],
  "EnquiryAnswer": [
    ("respondingOffice", "OfficeRef", "1", P, "The office answering."),
    ("responseDateTime", "DateTime", "1", P, "When."),
    ("goodsArrived", "Boolean", "1", P, "Whether the goods were presented there."),
    ("arrivalDateTime", "DateTime", "?", P, "When they arrived."),
    ("text", "Text512", "?", "225", "Explanation."),
  ],
  "RecoveryNotice": [
    ("office", "OfficeRef", "1", P, "The office sending the notice."),
    ("recoveringOffice", "OfficeRef", "1", P, "The office expected to recover the duties."),
    ("noticeDateTime", "DateTime", "1", P, "When."),
    ("accepted", "Boolean", "?", P, "For an acceptance: whether recovery was accepted."),
    ("text", "Text512", "1", "225", "Explanation."),
  ],
  "StatusResponse": [
    ("state", "Text35", "1", P, "The movement's state."),
    ("lastEventDateTime", "DateTime", "1", P, "When its last event happened."),
    ("remarks", "Text512", "?", P, "What the hub tells the office besides the state (a copy it did not send, and why)."),
  ],
  "WriteOff": [
    ("writeOffDateTime", "DateTime", "1", P, "When."),
    ("guaranteeReferenceId", "Text35", "1", "100", "The guarantee released."),
    ("guaranteeReleased", "Boolean", "1", P, "Whether the guarantee was released."),
  ],
  "SyntaxError": [
    ("pointer", "Text512", "1", P, "Where."),
    ("line", "Position", "1", P, "Line, 1-based, 0 when unknown."),
    ("column", "Position", "1", P, "Column, 1-based, 0 when unknown."),
    ("reason", "Text512", "1", P, "What is wrong."),
  ],
  "SyntaxNack": [
    ("rejectedMessageId", "MessageId", "?", P, "The refused message's id, when readable."),
    ("errors", "SyntaxError", "*", P, "The errors."),
  ],
}

# The catalogue: code, name, body type (must match services/transit-model/src/catalogue.rs).
CATALOGUE = [
  ("IE001", "Anticipated arrival record", "TransitDeclaration"),
  ("IE002", "Anticipated arrival record request", "OfficeRequest"),
  ("IE003", "Anticipated arrival record response", "RecordResponse"),
  ("IE006", "Arrival advice", "ArrivalAdvice"),
  ("IE010", "Invalidation notification", "Invalidation"),
  ("IE018", "Destination control results", "ControlResults"),
  ("IE029", "Release for transit", "TransitDeclaration"),
  ("IE045", "Write-off notification", "WriteOff"),
  ("IE050", "Anticipated transit record", "TransitDeclaration"),
  ("IE094", "Status request", "OfficeRequest"),
  ("IE095", "Status response", "StatusResponse"),
  ("IE114", "Anticipated transit record request", "OfficeRequest"),
  ("IE115", "Anticipated transit record response", "RecordResponse"),
  ("IE118", "Notification crossing frontier", "BorderCrossing"),
  ("IE142", "Enquiry request", "OfficeRequest"),
  ("IE143", "Enquiry response", "EnquiryAnswer"),
  ("IE144", "Enquiry information", "EnquiryAnswer"),
  ("IE145", "Enquiry information request", "OfficeRequest"),
  ("IE150", "Recovery request", "RecoveryNotice"),
  ("IE151", "Recovery acceptance notification", "RecoveryNotice"),
  ("IE152", "Recovery dispatch notification", "RecoveryNotice"),
  ("IE180", "Incident notification", "Incident"),
  ("IE181", "Forwarded incident notification", "Incident"),
  ("IE906", "Functional NACK", "FunctionalNack"),
  ("IE917", "XML NACK", "SyntaxNack"),
]
codes = [c for c, _, _ in CATALOGUE]
SIMPLE["MessageType"] = ("NCTS message code.", {"type": "string", "enum": codes}, ("xs:string", [("enumeration", c) for c in codes]))

def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(content)

# ---- JSON Schema -----------------------------------------------------------------------------
defs = {}
for name, (desc, schema, _) in SIMPLE.items():
    defs[name] = dict(schema, description=desc)
for name, fields in COMPLEX.items():
    props, required = {}, []
    for fname, ftype, occurs, wco, fdesc in fields:
        ref = {"$ref": "#/$defs/%s" % ftype}
        prop = {"type": "array", "items": ref} if occurs == "*" else dict(ref)
        prop["description"] = fdesc
        prop["x-wco-id"] = wco
        props[fname] = prop
        if occurs == "1":
            required.append(fname)
    defs[name] = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
common = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": BASE + "/json/common.schema.json",
          "title": "sigmat standardized transit messages: shared definitions",
          "description": "x-wco-id gives each element's WCO Data Model ID, or project-assigned where the WCO DM 3.6 declaration package has none.",
          "$defs": defs}
write(os.path.join(HERE, "json", "common.schema.json"), json.dumps(common, indent=1, ensure_ascii=False) + "\n")
for code, name, body in CATALOGUE:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "%s/json/%s.schema.json" % (BASE, code),
              "title": "%s %s" % (code, name), "type": "object",
              "properties": {
                  "header": {"allOf": [{"$ref": "common.schema.json#/$defs/Header"},
                                        {"properties": {"messageType": {"const": code}}}]},
                  "body": {"$ref": "common.schema.json#/$defs/%s" % body}},
              "required": ["header", "body"], "additionalProperties": False}
    write(os.path.join(HERE, "json", "%s.schema.json" % code), json.dumps(schema, indent=1, ensure_ascii=False) + "\n")

# ---- XSD -------------------------------------------------------------------------------------
def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
x = ['<?xml version="1.0" encoding="UTF-8"?>',
     '<!-- Written by generate.py from the same table as json/common.schema.json. -->',
     '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="%s" targetNamespace="%s" elementFormDefault="qualified">' % (NS, NS)]
for name, (desc, _, restriction) in SIMPLE.items():
    if restriction is None:
        continue
    base, facets = restriction
    x.append('  <xs:simpleType name="%s">' % name)
    x.append('    <xs:annotation><xs:documentation>%s</xs:documentation></xs:annotation>' % esc(desc))
    x.append('    <xs:restriction base="%s">' % base)
    for facet, value in facets:
        x.append('      <xs:%s value="%s"/>' % (facet, esc(value)))
    x.append('    </xs:restriction>')
    x.append('  </xs:simpleType>')
def xsd_type(t):
    return "xs:boolean" if t == "Boolean" else t
for name, fields in COMPLEX.items():
    x.append('  <xs:complexType name="%s">' % name)
    x.append('    <xs:sequence>')
    for fname, ftype, occurs, wco, fdesc in fields:
        occ = {"1": "", "?": ' minOccurs="0"', "*": ' minOccurs="0" maxOccurs="unbounded"'}[occurs]
        x.append('      <xs:element name="%s" type="%s"%s>' % (fname, xsd_type(ftype), occ))
        x.append('        <xs:annotation><xs:appinfo>wco-id: %s</xs:appinfo><xs:documentation>%s</xs:documentation></xs:annotation>' % (wco, esc(fdesc)))
        x.append('      </xs:element>')
    x.append('    </xs:sequence>')
    x.append('  </xs:complexType>')
x.append('</xs:schema>')
write(os.path.join(HERE, "xsd", "common.xsd"), "\n".join(x) + "\n")
for code, name, body in CATALOGUE:
    write(os.path.join(HERE, "xsd", "%s.xsd" % code), "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!-- %s %s. Written by generate.py. -->' % (code, name),
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="%s" targetNamespace="%s" elementFormDefault="qualified">' % (NS, NS),
        '  <xs:include schemaLocation="common.xsd"/>',
        '  <xs:element name="%s">' % code,
        '    <xs:annotation><xs:documentation>%s %s</xs:documentation></xs:annotation>' % (code, esc(name)),
        '    <xs:complexType>',
        '      <xs:sequence>',
        '        <xs:element name="header" type="Header"/>',
        '        <xs:element name="body" type="%s"/>' % body,
        '      </xs:sequence>',
        '    </xs:complexType>',
        '  </xs:element>',
        '</xs:schema>']) + "\n")
print("wrote json/ and xsd/ for %d message types" % len(CATALOGUE))
