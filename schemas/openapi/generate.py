"""Writes sigmat-api.json, the OpenAPI 3.1 document of the hub API. Edit here, run
`python3 schemas/openapi/generate.py`, commit both; services/transit-http tests check that the
router, the served document and this file agree."""
import json
import os
import sys

# Another path as the first argument writes there instead (the tests compare the two).
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "sigmat-api.json")
ref=lambda n: {"$ref": f"#/components/schemas/{n}"}
S={"type":"string"}; DT={"type":"string","format":"date-time"}; I={"type":"integer"}; B={"type":"boolean"}
nullable=lambda t: {**t, "type":[t["type"],"null"]} if "type" in t else {"oneOf":[t,{"type":"null"}]}
def obj(props, req=None): return {"type":"object","properties":props,"required":req if req is not None else list(props)}
def err(code, what): return {"description": what, "content":{"application/json":{"schema":ref("Error")}}}
E={"400":err(400,"The request is malformed: `pointer` names the part, `reason` says why."),
   "401":err(401,"No session, or it expired: log in again."),
   "403":err(403,"Logged in, but this account may not do this (another office, another country, not an operator)."),
   "404":err(404,"No such movement."),
   "409":err(409,"The Idempotency-Key was already used for a different request."),
   "422":err(422,"Not possible in the movement's current state or route; `nctsCode` gives the NCTS functional error (14 rule, 92 out of sequence, …)."),
   "503":err(503,"The database or the broker is unreachable: nothing was done; retry with the same Idempotency-Key.")}
def ok(schema, desc="OK", code="200"): return {code:{"description":desc,"content":{"application/json":{"schema":schema}}}}
def responses(success, *codes): 
    r=dict(success); [r.__setitem__(c,E[c]) for c in codes]; return r
mrn={"name":"mrn","in":"path","required":True,"schema":{"type":"string","pattern":"^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[J-M][0-9]$"},"description":"Movement Reference Number (18 characters, check digit verified)."}
# Search words: at most 70 characters, no control characters (400 otherwise).
FT={"type":"string","minLength":1,"maxLength":70,"pattern":"^[^\\x00-\\x1f\\x7f]*$"}
q=lambda n,d,s=FT: {"name":n,"in":"query","required":False,"schema":s,"description":d}
sec=[{"bearer":[]}]
# The files of a reference data document (transit_model::reference::document::FILES).
REFERENCE_FILES=["reference/offices.json","reference/corridors.json","reference/guarantee-cover.json","codelists/iso3166-1-alpha2.json","codelists/iso4217.json","codelists/unece-rec19.json","codelists/unece-rec21-subset.json","codelists/hs-chapters.json"]
# Offices of the network, from the reference data (a fallback names one of them).
OFFICES=[o["code"] for o in json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference", "offices.json")))["offices"]]
uid={"name":"id","in":"path","required":True,"schema":{"type":"string","format":"uuid","pattern":"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},"description":"The id (a UUID)."}
dlid={"name":"id","in":"path","required":True,"schema":{"type":"string","pattern":"^(refused|poison|undecodable|unpublished)-[1-9][0-9]*$"},"description":"A dead letter's id, as listed: refused-12, poison-3, undecodable-4, unpublished-7."}
paths={
 "/api/v1/sessions":{
   "post":{"operationId":"login","summary":"Log in: open a session","tags":["sessions"],"requestBody":{"required":True,"content":{"application/json":{"schema":ref("LoginRequest")}}},
           "responses":{**responses(ok(ref("Session"),"Session opened","201"),"400","401"),
                        "429":{"description":"Too many failed logins for this account or from this address: wait the number of seconds in Retry-After.",
                               "headers":{"Retry-After":{"description":"Seconds to wait.","schema":{"type":"integer","minimum":1}}},
                               "content":{"application/json":{"schema":ref("Error")}}},
                        "503":E["503"]}},
   "delete":{"operationId":"logout","summary":"Log out: close this session","tags":["sessions"],"security":sec,"responses":responses({"204":{"description":"Closed"}},"401")}},
 "/api/v1/me":{"get":{"operationId":"me","summary":"Who am I","tags":["sessions"],"security":sec,"responses":responses(ok(ref("Principal")),"401")}},
 "/api/v1/movements":{"get":{"operationId":"searchMovements","summary":"Search movements, newest first, paged. Officers see their office's movements; scoped operators and adapter identities their country's.","tags":["movements"],"security":sec,
   "parameters":[q("state","Movement state: Released, EnquiryRecommended, UnderEnquiry, Arrived, UnderDiscrepancy, WrittenOff, UnderRecovery, Cancelled"),q("corridor","Corridor id (GET /api/v1/reference)"),q("office","An office anywhere on the route"),q("country","Country of departure or destination"),q("vehicle","Vehicle registration"),q("container","Container number"),q("seal","Seal number"),q("from","Received on or after",DT),q("to","Received before",DT),q("page","Page, from 1",I),q("pageSize","1 to 200, default 50",I)],
   "responses":responses(ok({"allOf":[ref("Page"),{"properties":{"items":{"type":"array","items":ref("MovementSummary")}}}]}),"400","401","403","503")}},
 "/api/v1/movements/{mrn}":{"get":{"operationId":"getMovement","summary":"One movement, with its declaration (what to check)","tags":["movements"],"security":sec,"parameters":[mrn],"responses":responses(ok(ref("Movement")),"400","401","403","404","503")}},
 "/api/v1/movements/{mrn}/timeline":{"get":{"operationId":"getTimeline","summary":"Every message about a movement, accepted or refused, in order","tags":["movements"],"security":sec,"parameters":[mrn],"responses":responses(ok({"type":"array","items":ref("TimelineEntry")}),"400","401","403","404","503")}},
 "/api/v1/movements/{mrn}/actions":{"post":{"operationId":"act","summary":"An officer's action at their office: confirm passage, confirm arrival, record control results, record an incident. Becomes the standardized message (IE118, IE006, IE018, IE180) published as an adapter would, so the departure country is informed.","tags":["actions"],"security":sec,
   "parameters":[mrn,{"name":"Idempotency-Key","in":"header","required":False,"schema":S,"description":"Any unique string per action; a retry with the same key gets the first answer (200, replayed) and produces no second message."},{"name":"X-Sigmat-Office","in":"header","required":False,"schema":S,"description":"Adapter identities: the office of their country they act for. Officers act at their own office."}],
   "requestBody":{"required":True,"content":{"application/json":{"schema":ref("OfficerAction")}}},
   "responses":responses({**ok(ref("ActionAccepted"),"Published","202"),**ok(ref("ActionAccepted"),"Replayed: the same key was already accepted")},"400","401","403","404","409","422","503")}},
 "/api/v1/stats/states":{"get":{"operationId":"stateCounts","summary":"Movement counts by state per corridor (operators)","tags":["operators"],"security":sec,"responses":responses(ok({"type":"array","items":ref("CorridorCounts")}),"401","403","503")}},
 "/api/v1/stats/overdue":{"get":{"operationId":"overdue","summary":"Open movements past their time limit, and arrived movements waiting longer than control_overdue_hours for their control result, most overdue first (operators)","tags":["operators"],"security":sec,"responses":responses(ok({"type":"array","items":ref("MovementSummary")}),"401","403","503")}},
 "/api/v1/stats/legs":{"get":{"operationId":"legs","summary":"Time between consecutive offices (release → passages → arrival), median and 90th percentile, over a period (operators)","tags":["operators"],"security":sec,"parameters":[q("from","Default: 30 days before to",DT),q("to","Default: now",DT)],"responses":responses(ok({"type":"array","items":ref("LegTime")}),"400","401","403","503")}},
 "/api/v1/stats/exposure":{"get":{"operationId":"exposure","summary":"Sum of guarantees on open movements per country along their routes: departure, transit and destination (operators)","tags":["operators"],"security":sec,"responses":responses(ok({"type":"array","items":ref("Exposure")}),"401","403","503")}},
 "/api/v1/fallbacks":{
   "post":{"operationId":"startFallback","summary":"Declare an office (its link or post) or a country's national system unavailable (operators, audited). Everyone logged in sees it; officers there record passages and arrivals on the phone against the printed transit document, and they reach the hub with their original times.","tags":["fallback"],"security":sec,
     "requestBody":{"required":True,"content":{"application/json":{"schema":ref("FallbackRequest")}}},
     "responses":responses(ok(ref("Fallback"),"Declared","201"),"400","401","403","503")},
   "get":{"operationId":"fallbacks","summary":"Fallback periods: those still on first, then the latest (every account)","tags":["fallback"],"security":sec,
     "responses":responses(ok({"type":"array","items":ref("Fallback")}),"401","503")}},
 "/api/v1/fallbacks/{id}/end":{"post":{"operationId":"endFallback","summary":"End a fallback period and reconcile it: what was recorded during it, what reached the hub late, what the hub refused (operators, audited)","tags":["fallback"],"security":sec,"parameters":[uid],
   "responses":responses(ok(ref("Reconciliation")),"400","401","403","404","503")}},
 "/api/v1/fallbacks/{id}/reconciliation":{"get":{"operationId":"reconciliation","summary":"The reconciliation of a fallback period, so far if it is still on (operators)","tags":["fallback"],"security":sec,"parameters":[uid],
   "responses":responses(ok(ref("Reconciliation")),"400","401","403","404","503")}},
 "/api/v1/subscriptions":{
   "post":{"operationId":"subscribe","summary":"Follow movements by webhook (traders and guarantors). A trader follows the movements it declares (party: its own TIN, the default); a guarantor a guarantee reference, for movements leaving its country. Each accepted event (release, passage, arrival, control, incident, enquiry, recovery, write-off, cancellation, guarantee released) is posted once as JSON (schemas/events/v1/notification.schema.json), signed with the secret returned here (X-Sigmat-Timestamp, X-Sigmat-Signature: sha256=HMAC-SHA256 of \"timestamp.body\"), retried with a doubling wait, parked after repeated refusals. Audited.","tags":["subscriptions"],"security":sec,
     "requestBody":{"required":True,"content":{"application/json":{"schema":ref("SubscriptionRequest")}}},
     "responses":responses(ok(ref("Subscription"),"Subscribed: the secret is shown this once","201"),"400","401","403","503")},
   "get":{"operationId":"subscriptions","summary":"My subscriptions (an operator's: all), without their secrets","tags":["subscriptions"],"security":sec,
     "responses":responses(ok({"type":"array","items":ref("Subscription")}),"401","403","503")}},
 "/api/v1/subscriptions/{id}":{"delete":{"operationId":"unsubscribe","summary":"Cancel a subscription: nothing more is sent for it. Audited.","tags":["subscriptions"],"security":sec,"parameters":[uid],
   "responses":responses({"204":{"description":"Cancelled"}},"400","401","403","404","503")}},
 "/api/v1/subscriptions/{id}/notifications":{"get":{"operationId":"notifications","summary":"A subscription's notifications, newest first, and how each delivery went","tags":["subscriptions"],"security":sec,"parameters":[uid],
   "responses":responses(ok({"type":"array","items":ref("Notification")}),"400","401","403","404","503")}},
 "/api/v1/notifications/{id}/resend":{"post":{"operationId":"resend","summary":"Send a notification again, at once (a parked one after a fix, or one the receiver lost); it keeps its id, so a receiver that has it drops it. Audited.","tags":["subscriptions"],"security":sec,"parameters":[uid],
   "responses":responses(ok(ref("Notification"),"Back in line","202"),"400","401","403","404","503")}},
 "/api/v1/links":{"get":{"operationId":"links","summary":"Each country's national link as its adapter last reported it (backlog, push failures, last pull and acknowledgement, consumer lag) with the alerts it raises against [links] in api.toml: silent, undelivered, pushFailing, lagging, parked (operators; a country's operator sees its own)","tags":["operators"],"security":sec,
   "responses":responses(ok({"type":"array","items":ref("Link")}),"401","403","503")}},
 "/api/v1/dead-letters":{"get":{"operationId":"deadLetters","summary":"Dead letters, newest first: messages the hub refused (answered with IE906/IE917), records its database refused (poison), records that were not standardized messages (undecodable) and copies the broker refused for good (unpublished), each with its reason, sender, MRN and replay (operators; a country's operator sees its own)","tags":["operators"],"security":sec,
   "parameters":[q("kind","refused, poison, undecodable or unpublished",{"enum":["refused","poison","undecodable","unpublished"]}),q("mrn","One movement's (an MRN: 18 characters, check digit verified)",mrn["schema"]),q("pending","Only those not replayed",B),q("limit","At most this many (default 100, at most 1,000)",{"type":"integer","minimum":1,"maximum":1000})],
   "responses":responses(ok({"type":"array","items":ref("DeadLetter")}),"400","401","403","503")}},
 "/api/v1/dead-letters/{id}":{"get":{"operationId":"deadLetter","summary":"One dead letter, with the record as received (operators)","tags":["operators"],"security":sec,"parameters":[dlid],
   "responses":responses(ok(ref("DeadLetterDetail")),"400","401","403","404","503")}},
 "/api/v1/dead-letters/{id}/replay":{"post":{"operationId":"replayDeadLetter","summary":"Replay a dead letter after a fix: it is published again to its country's to-hub topic and decided as new by the normal path. At most once per dead letter (a second call does nothing and says when it was replayed); audited (operators)","tags":["operators"],"security":sec,"parameters":[dlid],
   "responses":responses({**ok(ref("ReplayOutcome"),"Published again (or, for a copy the broker refused, back in the relay's line)","202"),**ok(ref("ReplayOutcome"),"Nothing done: already replayed, or accepted since")},"400","401","403","404","422","503")}},
 "/api/v1/events":{"get":{"operationId":"events","summary":"Live updates (server-sent events): one `movement` event, a MovementSummary as JSON, for each change. EventSource cannot send headers: open it with ?ticket= from POST /api/v1/events/tickets (a session token never goes in a URL); an Authorization header also works.","tags":["operators"],"security":sec,
   "parameters":[q("ticket","A one-use ticket from POST /api/v1/events/tickets, valid 30 s",S)],
   "responses":{"200":{"description":"An event stream","content":{"text/event-stream":{"schema":S}}},
                "401":{"description":"No ticket or session, or it was used, expired or closed: get a new ticket (or log in again).","content":{"application/json":{"schema":ref("Error")}}}}}},
 "/api/v1/events/tickets":{"post":{"operationId":"streamTicket","summary":"A one-use ticket that opens the live-update stream (GET /api/v1/events?ticket=) within 30 s, so the session token stays out of URLs.","tags":["operators"],"security":sec,
   "responses":responses(ok(ref("Ticket"),"The ticket","201"),"401")}},
 "/api/v1/reference":{"get":{"operationId":"reference","summary":"Offices (with coordinates) and corridors","tags":["reference"],"responses":ok({"type":"object","properties":{"offices":{"type":"array","items":{"type":"object"}},"corridors":{"type":"array","items":{"type":"object"}}},"required":["offices","corridors"]})}},
 "/api/v1/reference/document":{
   "get":{"operationId":"referenceDocument","summary":"The network's latest reference data version, with every file (offices, corridors, guarantee cover, code lists) as it was imported: what `sigmat reference show` and `diff` read (hub operators)","tags":["reference"],"security":sec,
     "responses":responses(ok(ref("ReferenceVersion")),"401","403","503")},
   "put":{"operationId":"importReference","summary":"Import the next reference data version (hub operators, audited): every file is checked (offices in their prefix's country, corridors of listed offices, validity dates in order) and compared with the latest version; if anything changed it is kept as the next version and sent to every service through the reference topic, which decide under it from their next batch without a restart. `sigmat reference import` calls this.","tags":["reference"],"security":sec,
     "requestBody":{"required":True,"content":{"application/json":{"schema":ref("ReferenceImport")}}},
     "responses":responses(ok(ref("ReferenceImportOutcome"),"Imported, or nothing changed (imported: false)"),"400","401","403","503") | {
       "409":err(409,"Another version was imported since basedOn: nothing was kept; diff again and import on top of it."),
       "422":err(422,"The files cannot be used: `pointer` names the file, `reason` the office, corridor or entry; nothing was kept.")}}},
 "/api/v1/risk/rules":{
   "get":{"operationId":"riskRules","summary":"The risk rules in force as the caller may read them (operators): every regional rule and every country's public rule, the caller's country's private rules; other countries' private rules are counted in hidden, not shown. What `sigmat rules show` and `diff` read. See docs/risk.md.","tags":["risk"],"security":sec,
     "responses":responses(ok(ref("RiskRules")),"401","403","503")},
   "put":{"operationId":"importRiskRules","summary":"Import changed risk rules as the next reference data version (operators, audited): a country's operator changes only its country's rules, a hub operator any rule and the lanes; other countries' private rules are kept as they are. Every rule is compiled and tried on a sample movement; the tracker scores every next event under them without a restart. `sigmat rules import` calls this.","tags":["risk"],"security":sec,
     "requestBody":{"required":True,"content":{"application/json":{"schema":ref("RiskRulesImport")}}},
     "responses":responses(ok(ref("ReferenceImportOutcome"),"Imported, or nothing changed (imported: false)"),"400","401","403","503") | {
       "409":err(409,"Another version was imported since basedOn: nothing was kept; diff again and import on top of it."),
       "422":err(422,"A rule cannot be used: `reason` names the rule and why (not CEL, a misspelt field, a weight above 100…); nothing was kept.")}}},
 "/api/v1/risk/figures":{"get":{"operationId":"riskFigures","summary":"Each risk rule's figures since the network began (operators; other countries' private rules left out): movements it fired on, of those controlled at destination, and of those found with discrepancies — the hit rate","tags":["risk"],"security":sec,
   "responses":responses(ok({"type":"array","items":ref("RuleFigures")}),"401","403","503")}},
 "/api/v1/movements/{mrn}/lane":{"post":{"operationId":"overrideLane","summary":"Set a movement's lane at a country's offices over the one its rules scored, with a reason (operators; a country's operator for its own country, a hub operator names one; audited). The officers there see the lane set, who set it and why; the red-lane rule for control results follows it. The latest setting per movement and country stands.","tags":["risk"],"security":sec,"parameters":[mrn],
   "requestBody":{"required":True,"content":{"application/json":{"schema":ref("LaneOverride")}}},
   "responses":responses(ok(ref("Risk"),"The movement's risk at that country's offices, as it now reads"),"400","401","403","404","503") | {
     "422":err(422,"No reason, or (a hub operator) no country named.")}}},
 "/api/v1/risk/anomalies":{"get":{"operationId":"riskAnomalies","summary":"What looks wrong on the network now (operators; a country's operator sees its country's movements and offices): trucks on their current leg for more than twice its 90th percentile, open movements scoring red, offices of destination receiving diverted movements more than twice as often as the network over seven days (at least 3), offices whose confirmations came in a burst after a long silence in the last 24 hours, and what tracked trucks and seals reported in the last seven days (off the corridor's road, standing still too long, a seal opened between offices; docs/telematics.md). The corridor dashboard shows it.","tags":["risk"],"security":sec,
   "parameters":[q("silenceMinutes","Minutes of silence before a burst (default 360)",I),q("burst","Messages that make a burst (default 10)",I),q("withinMinutes","Minutes a burst's messages come within (default 10)",I)],
   "responses":responses(ok(ref("RiskAnomalies")),"400","401","403","503")}},
 "/api/v1/risk/silences":{"post":{"operationId":"silenceRiskRule","summary":"Silence a risk rule at a country's offices, or lift its silence (operators, audited): the rule still fires and is counted, but no longer raises the lane there. A country's operator silences for its own country; a hub operator names the country. Kept as the next version of the rules (the reason in its history).","tags":["risk"],"security":sec,
   "requestBody":{"required":True,"content":{"application/json":{"schema":ref("RiskSilence")}}},
   "responses":responses(ok(ref("ReferenceImportOutcome"),"Silenced or lifted, or nothing changed (imported: false)"),"400","401","403","503") | {
     "409":err(409,"Another version was imported while this one was checked: retry."),
     "422":err(422,"No such rule the caller may read, no reason, or the rules cannot be used.")}}},
 "/api/v1/telematics/trucks":{"get":{"operationId":"telematicsTrucks","summary":"The tracked trucks on the road heard of in the last six hours (operators; a country's operator sees the movements through its country): last position, latest positions as [longitude, latitude], seals, whether off its road. The corridor dashboard draws them on its map (docs/telematics.md).","tags":["telematics"],"security":sec,
   "responses":responses(ok(ref("TrackedTrucks")),"401","403","503")}},
 "/api/v1/telematics/arriving":{"get":{"operationId":"telematicsArriving","summary":"Tracked trucks due at an office soon, soonest first: an officer's own office (adapter identities: X-Sigmat-Office), or the office an operator names. The estimate is the straight distance at 50 km/h; 0 when the truck is inside the office's zone.","tags":["telematics"],"security":sec,
   "parameters":[q("office","The office (operators name one; officers get their own)",{"type":"string","pattern":"^[A-Z]{2}[A-Z0-9]{6}$"}),q("withinMinutes","Minutes ahead (default 30, 0 to 1440)",I),{"name":"X-Sigmat-Office","in":"header","required":False,"schema":S,"description":"Adapter identities: the office of their country they ask for."}],
   "responses":responses(ok(ref("ArrivingTrucks")),"400","401","403","503")}},
 "/api/v1/movements/{mrn}/telematics":{"get":{"operationId":"movementTelematics","summary":"A movement's tracking, for the officers and operators who may see it: its truck's last position and latest positions, its seals' last status, and what tracking concluded (passages, expected arrival, seal breaches, off route, long stops).","tags":["telematics"],"security":sec,"parameters":[mrn],
   "responses":responses(ok(ref("MovementTelematics")),"400","401","403","404","503")}},
 "/api/v1/openapi.json":{"get":{"operationId":"openapi","summary":"This document","tags":["reference"],"responses":ok({"type":"object"})}},
}
schemas={
 "Error":obj({"status":I,"error":S,"pointer":S,"reason":S,"hint":S,"nctsCode":I},["status","error","pointer","reason","hint"]),
 "LoginRequest":{**obj({"username":S,"password":S}),"additionalProperties":False},
 "Principal":obj({"username":S,"displayName":S,"role":{"enum":["officer","operator","adapter","trader","guarantor"]},"office":nullable(S),"country":nullable(S),"party":nullable(S),"language":{"enum":["en","fr"]}}),
 "Session":obj({"token":S,"expiresAt":DT,"user":ref("Principal")}),
 "MovementSummary":obj({"mrn":S,"state":S,"departureOffice":S,"destinationOffice":S,"lastOffice":S,"vehicle":nullable(S),"arrivalTimeLimit":DT,"guaranteeAmount":nullable(S),"guaranteeCurrency":nullable(S),"createdAt":DT,"updatedAt":DT}),
 "Page":obj({"items":{"type":"array"},"page":I,"pageSize":I,"hasMore":B}),
 "Passage":obj({"office":S,"crossedAt":nullable(DT)}),
 "Movement":obj({"mrn":S,"state":S,"departureOffice":S,"route":{"type":"array","items":ref("Passage")},"destinationOffice":S,"arrivalTimeLimit":DT,"arrivedAt":nullable(DT),"version":I,"updatedAt":DT,"declaration":{"type":"object","description":"The declaration in its current state, in the WCO structure of schemas/transit/v1 (TransitDeclaration): as released, with the vehicle and seals incidents replaced."},"dischargedOffRoute":{**ref("OffRouteDischarge"),"description":"Present when the movement was discharged at an office in a country its declaration does not name (after the departure granted it the record): a flag for the departure's operators."},"risk":{**ref("Risk"),"description":"The movement's risk at the reader's offices (an officer's country, a country operator's country, or for the hub every rule); absent before it was first scored. See docs/risk.md."}},["mrn","state","departureOffice","route","destinationOffice","arrivalTimeLimit","arrivedAt","version","updatedAt","declaration"]),
 "Risk":obj({"lane":{"type":"string","enum":["green","yellow","red"],"description":"green: confirm as usual; yellow: check the documents; red: physical control (control results must say what was checked)"},"score":{**I,"description":"The weights of the rules that count at the reader's offices"},"rulesVersion":{**I,"description":"The reference data version whose rules scored it"},"reasons":{"type":"array","items":ref("RiskReason")},"raisedBy":{"type":"array","items":S,"description":"Countries whose private rules raised the lane (their effect only)"},"overridden":{**obj({"scoredLane":{"type":"string","enum":["green","yellow","red"]},"reason":S,"by":S,"at":DT}),"description":"Present when an operator set the lane at the reader's offices over the one scored: lane is then the one set"}},["lane","score","rulesVersion","reasons","raisedBy"]),
 "RiskReason":obj({"rule":S,"owner":{**S,"description":"region, or the country that owns the rule"},"reason":ref("Bilingual"),"check":ref("Bilingual")}),
 "Bilingual":obj({"en":S,"fr":S}),
 "OffRouteDischarge":obj({"office":S,"messageId":{"type":"string","format":"uuid"},"at":DT}),
 "TimelineEntry":obj({"messageId":S,"messageType":S,"sender":S,"eventTime":DT,"receivedAt":DT,"outcome":{"enum":["accepted","rejected"]},"stateAfter":nullable(S),"errorCode":nullable(I),"reason":nullable(S)}),
 "OfficerAction":{"oneOf":[
    {**obj({"action":{"const":"passage"},"at":DT},["action"]),"additionalProperties":False,"title":"Confirm passage at my border office (IE118)"},
    {**obj({"action":{"const":"arrival"},"at":DT},["action"]),"additionalProperties":False,"title":"Confirm arrival at my destination office (IE006)"},
    {**obj({"action":{"const":"control"},"sealsIntact":B,"discrepancies":{"type":"array","items":{**obj({"element":S,"description":S,"major":B}),"additionalProperties":False}},"checked":{**S,"maxLength":512,"description":"What was checked (seals, packages counted, goods opened…), kept in the audit log: required to confirm a red-lane movement with seals intact and nothing found"},"at":DT},["action","sealsIntact"]),"additionalProperties":False,"title":"Record control results (IE018): A1 with nothing found, A2 with minor discrepancies, B1 with a major one or broken seals"},
    {**obj({"action":{"const":"incident"},"code":{"type":"integer","minimum":1,"maximum":5},"place":S,"description":S,"newSeals":{"type":"array","items":S},"replacementVehicle":{**obj({"id":S,"nationality":S,"mode":{"type":"integer","default":3}},["id","nationality"]),"additionalProperties":False,"description":"The vehicle the goods were moved to (transhipment); it becomes the declaration's vehicle"},"at":DT},["action","code","place","description"]),"additionalProperties":False,"title":"Record an incident (IE180): 1 route deviation, 2 seals broken, 3 transhipment, 4 unloading, 5 accident; new seals on a one-container consignment become its seals"},
    {**obj({"action":{"const":"diversion"},"text":S,"at":DT},["action"]),"additionalProperties":False,"title":"The goods are presented at my office, which is not their declared destination: ask for the record and become their destination (IE002; the hub answers with IE003 and tells the departure)"},
    {**obj({"action":{"const":"undeclaredPassage"},"text":S,"at":DT},["action"]),"additionalProperties":False,"title":"The truck is at my border office, which is not on its declared route: ask for the record and join the route (IE114; the hub answers with IE115)"},
    {**obj({"action":{"const":"enquiryAnswer"},"goodsArrived":B,"arrivedAt":DT,"text":S,"at":DT},["action","goodsArrived"]),"additionalProperties":False,"title":"Answer the departure's enquiry as the destination (IE143): whether and when the goods were presented here; proof of arrival writes the movement off"}],
    "discriminator":{"propertyName":"action"}},
 "ActionAccepted":obj({"messageId":S,"messageType":S,"mrn":S,"replayed":B}),
 "CorridorCounts":obj({"corridor":S,"states":{"type":"object","additionalProperties":I}}),
 "LegTime":obj({"fromOffice":S,"toOffice":S,"movements":I,"p50Hours":{"type":"number"},"p90Hours":{"type":"number"}}),
 "Exposure":obj({"country":S,"currency":S,"amount":S,"movements":I}),
 "Link":obj({"country":S,"receivedAt":DT,"report":obj({"country":S,"reportedAt":DT,"pending":I,"oldestPendingAt":nullable(DT),"parked":I,"pushFailuresInARow":I,"lastPushError":nullable(S),"lastPushAt":nullable(DT),"lastPullAt":nullable(DT),"lastAckAt":nullable(DT),"lag":I}),"alerts":{"type":"array","items":obj({"kind":{"enum":["silent","undelivered","pushFailing","lagging","parked"]},"message":S})}}),
 "FallbackRequest":{"oneOf":[
    {**obj({"office":{"type":"string","enum":OFFICES},"reason":{"type":"string","minLength":1,"maxLength":300,"pattern":"\\S"}}),"additionalProperties":False,"title":"An office: its link or its post is down"},
    {**obj({"country":{"type":"string","pattern":"^[A-Z]{2}$"},"reason":{"type":"string","minLength":1,"maxLength":300,"pattern":"\\S"}}),"additionalProperties":False,"title":"A country: its national system is down"}]},
 "Fallback":obj({"id":S,"scopeKind":{"enum":["office","country"]},"scope":S,"reason":S,"startedAt":DT,"startedBy":S,"endedAt":nullable(DT),"endedBy":nullable(S)}),
 "FallbackEvent":obj({"mrn":S,"messageType":S,"office":S,"eventTime":DT,"receivedAt":DT,"stateAfter":nullable(S),"reason":nullable(S),"deadLetter":nullable(S)}),
 "Reconciliation":obj({"fallback":ref("Fallback"),"recorded":{"type":"array","items":ref("FallbackEvent")},"late":{"type":"array","items":ref("FallbackEvent")},"conflicts":{"type":"array","items":ref("FallbackEvent")},"summary":S}),
 "SubscriptionRequest":{**obj({"party":{**FT,"maxLength":35},"url":{"type":"string","format":"uri","maxLength":2000},"events":{"type":"array","items":{"enum":["release","passage","arrival","control","incident","enquiry","recovery","writeOff","cancelled","guaranteeReleased"]}}},["url"]),"additionalProperties":False},
 "Subscription":obj({"id":S,"partyKind":{"enum":["trader","guarantor"]},"party":S,"url":S,"events":nullable({"type":"array","items":S}),"createdAt":DT,"cancelledAt":nullable(DT),"secret":{**S,"description":"Only in the answer that creates the subscription"}},["id","partyKind","party","url","events","createdAt","cancelledAt"]),
 "Notification":obj({"id":S,"mrn":S,"payload":{"type":"object","description":"What is posted: schemas/events/v1/notification.schema.json"},"createdAt":DT,"attempts":I,"lastError":nullable(S),"nextAttemptAt":nullable(DT),"deliveredAt":nullable(DT),"parkedAt":nullable(DT)}),
 "Replay":obj({"requestedAt":DT,"requestedBy":S,"publishedAt":nullable(DT)}),
 "DeadLetter":obj({"id":S,"kind":{"enum":["refused","poison","undecodable","unpublished"]},"receivedAt":DT,"mrn":nullable(S),"sender":nullable(S),"topic":nullable(S),"messageType":nullable(S),"errorCode":nullable(I),"reason":S,"messageId":nullable(S),"replay":nullable(ref("Replay"))}),
 "DeadLetterDetail":{"allOf":[ref("DeadLetter"),obj({"payload":{**S,"description":"The record as received (bytes that are not UTF-8 shown as U+FFFD)"}})]},
 "ReplayOutcome":obj({"id":S,"outcome":{"enum":["published","requeued","alreadyReplayed","acceptedSince"]},"topic":nullable(S),"replay":nullable(ref("Replay")),"note":S}),
 "ReferenceDocument":{"type":"object","description":"Every reference file as its JSON, keyed by its path under schemas/ (the formats of schemas/reference/*.json and schemas/codelists/*.json; an office, a code and a guarantee cover entry may carry validFrom and validTo, both inclusive). risk/rules.json, the risk rules (schemas/risk/rules.schema.json), is optional: an import without it keeps the latest version's rules. So are telematics/geography.json (the office zones and corridor roads, GeoJSON) and telematics/rules.json (each country's automatic passages and limits, schemas/telematics/rules.schema.json): an import without them keeps the latest version's (docs/telematics.md).","properties":{f:{"type":"object"} for f in REFERENCE_FILES+["risk/rules.json","telematics/geography.json","telematics/rules.json"]},"required":REFERENCE_FILES,"additionalProperties":False},
 "ReferenceVersion":obj({"version":{**I,"description":"1: the data the network was seeded with; then one more per import"},"importedAt":DT,"importedBy":{**S,"description":"The operator, or seed"},"note":S,"document":ref("ReferenceDocument")}),
 "ReferenceImport":{**obj({"basedOn":{**I,"description":"The version the files were prepared from (GET's version)"},"note":{**S,"description":"Why, for the history and the audit log"},"document":ref("ReferenceDocument")}),"additionalProperties":False},
 "RiskRules":obj({"version":{**I,"description":"The reference data version the rules came with"},"rules":{"type":"object","description":"The rule set, in the format of schemas/risk/rules.schema.json"},"hidden":{"type":"array","items":obj({"owner":S,"count":I}),"description":"Other countries' private rules: how many each has"}}),
 "RiskRulesImport":{**obj({"basedOn":{**I,"description":"The version the rules were read from (GET's version)"},"note":{**S,"description":"Why, for the history and the audit log"},"rules":{"type":"object","description":"The rule set as read with GET, changed (schemas/risk/rules.schema.json)"}}),"additionalProperties":False},
 "RiskAnomalies":obj({"overdueOnLeg":{"type":"array","items":obj({"mrn":S,"from":S,"to":S,"hours":{"type":"number"},"p90Hours":{"type":"number"}})},"red":{"type":"array","items":obj({"mrn":S,"departureOffice":S,"destinationOffice":S,"state":S,"updatedAt":DT,"rules":{"type":"array","items":S},"raisedBy":{"type":"array","items":S}})},"diversionRates":{"type":"array","items":obj({"office":S,"movements":I,"diverted":I,"rate":{"type":"number"},"networkRate":{"type":"number"}})},"bursts":{"type":"array","items":obj({"office":S,"at":DT,"silenceHours":{"type":"number"},"messages":I})},"telematics":{"type":"array","items":obj({"mrn":S,"kind":{"type":"string","enum":["off-route","long-stop","seal-breach"]},"at":DT,"latitude":{"type":"number"},"longitude":{"type":"number"},"detail":S,"departureOffice":S,"destinationOffice":S})}}),
 "LaneOverride":{**obj({"lane":{"type":"string","enum":["green","yellow","red"]},"reason":{**S,"description":"Why: shown to the officers, kept in the audit log"},"country":{**S,"description":"The country whose offices (a country's operator: its own, may be left out; a hub operator names one)"}},["lane","reason"]),"additionalProperties":False},
 "RiskSilence":{**obj({"rule":S,"reason":{**S,"description":"Why: kept in the history and the audit log"},"country":{**S,"description":"The country whose offices (a country's operator: its own, may be left out; a hub operator names one)"},"lift":{**B,"description":"Lift the silence instead"}},["rule","reason"]),"additionalProperties":False},
 "Position":obj({"at":DT,"latitude":{"type":"number"},"longitude":{"type":"number"}}),
 "Seal":obj({"id":S,"manufacturer":S,"status":{"type":"string","enum":["sealed","opened","tampered","deactivated"]},"at":DT}),
 "TrackedTrucks":obj({"trucks":{"type":"array","items":obj({"mrn":S,"vehicle":S,"departureOffice":S,"destinationOffice":S,"headingTo":S,"last":ref("Position"),"track":{"type":"array","items":{"type":"array","items":{"type":"number"},"minItems":2,"maxItems":2}},"seals":{"type":"array","items":ref("Seal")},"offRoute":B})}}),
 "ArrivingTrucks":obj({"office":S,"withinMinutes":I,"trucks":{"type":"array","items":obj({"mrn":S,"vehicle":S,"etaMinutes":I,"distanceKm":{"type":"number"},"inZone":B,"last":ref("Position"),"sealBreached":B})}}),
 "MovementTelematics":obj({"tracked":B,"last":nullable(ref("Position")),"track":{"type":"array","items":{"type":"array","items":{"type":"number"},"minItems":2,"maxItems":2}},"seals":{"type":"array","items":ref("Seal")},"conclusions":{"type":"array","items":obj({"kind":{"type":"string","enum":["passage","arrival-expected","seal-breach","off-route","long-stop"]},"office":nullable(S),"at":DT,"detail":S})}}),
 "RuleFigures":obj({"rule":S,"owner":S,"fired":I,"controlled":I,"found":I,"hitRate":nullable({"type":"number"})}),
 "ReferenceImportOutcome":obj({"version":{**I,"description":"The latest version now"},"imported":{**B,"description":"Whether a new version was kept"},"changes":{"type":"array","items":S,"description":"One line per change: + added, - removed, ~ changed (with what it was)"}}),
 "Ticket":{"type":"object","required":["ticket","expiresAt"],"properties":{"ticket":{**S,"description":"The ticket"},"expiresAt":{**DT,"description":"When it stops working (30 s after it was issued)"}}},
}
doc={"openapi":"3.1.0","info":{"title":"sigmat hub API","version":"1.0.0","description":"Officers (one office each), corridor operators (read everything in their scope) and adapter identities (act for their own country) use the hub through this API. Log in with POST /api/v1/sessions and send `Authorization: Bearer <token>`. Every action is written to an append-only audit log. Errors are JSON: what (`error`), where (`pointer`), why (`reason`) and what to do (`hint`)."},
 "servers":[{"url":"/"}],"paths":paths,
 "components":{"schemas":schemas,"securitySchemes":{"bearer":{"type":"http","scheme":"bearer","description":"The token of POST /api/v1/sessions; it expires after the configured session length (12 hours by default)."}}}}
with open(OUT, "w") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
