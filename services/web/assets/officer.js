// The border officer's app: find a movement, see what to check, confirm with one tap.
// Actions go to a queue kept on the phone; the queue is sent whenever the network allows,
// each action with its own Idempotency-Key so a retry never confirms twice.
"use strict";
const $ = id => document.getElementById(id);
const QUEUE = "sigmat.queue";

function queue() { try { return JSON.parse(localStorage.getItem(QUEUE)) || []; } catch { return []; } }
function saveQueue(q) { localStorage.setItem(QUEUE, JSON.stringify(q)); renderQueue(); }

function renderQueue() {
  const q = queue();
  const waiting = q.filter(a => a.status === "pending").length;
  $("pending").textContent = waiting;
  $("pending").dataset.count = waiting;
  $("pending-top").textContent = `${waiting} ${Sigmat.t("pending")}`;
  $("pending-top").classList.toggle("hidden", waiting === 0);
  const list = $("queue");
  list.replaceChildren();
  if (q.length === 0) list.append(Sigmat.el("li", { class: "muted" }, Sigmat.t("queueEmpty")));
  for (const a of q.slice().reverse().slice(0, 20)) {
    list.append(Sigmat.el("li", { "data-status": a.status, "data-key": a.key },
      `${a.label} — ${a.mrn} — `, Sigmat.el("strong", {}, Sigmat.t(a.status)), a.error ? ` (${a.error})` : ""));
  }
}

function setNetwork() {
  const on = navigator.onLine;
  $("net").classList.toggle("off", !on);
  $("net").textContent = Sigmat.t(on ? "online" : "offline");
  $("net").dataset.online = on;
}

let syncing = false;
async function sync() {
  if (syncing || !navigator.onLine || !Sigmat.session()) return;
  syncing = true;
  let changed = false;
  try {
    for (const action of queue().filter(a => a.status === "pending")) {
      let r;
      try {
        // A train's confirmation (train.js) or a movement's action.
        const url = action.train ? `/api/v1/trains/${encodeURIComponent(action.train)}/confirmations` : `/api/v1/movements/${action.mrn}/actions`;
        r = await Sigmat.api(url, {
          method: "POST", headers: { "Idempotency-Key": action.key }, body: JSON.stringify(action.body),
        });
      } catch { break; } // network gone: keep the rest for later
      if (r.status === 401) break; // log in again; nothing is lost
      if (r.status >= 500) break;  // the hub is busy: retry later, same key
      const q = queue();
      const item = q.find(a => a.key === action.key);
      if (item) {
        item.status = r.ok ? "synced" : "refused";
        item.error = r.ok ? null : (r.body && r.body.reason) || String(r.status);
        if (item.train && r.ok) item.result = r.body;
      }
      saveQueue(q);
      if (item && item.train && typeof showTrainResult === "function") showTrainResult(item.train);
      changed = changed || !(item && item.train);
    }
  } finally { syncing = false; }
  const shown = $("movement").dataset.mrn;
  if (changed && shown && navigator.onLine) refreshUntilApplied(shown, Number($("movement").dataset.version || 0));
}

// After actions were sent, show the movement as the hub now has it: ask every 1.5 s, for up to
// a minute, until the hub has applied them (its version moves). The screen is redrawn only then,
// so the buttons do not move while nothing changed.
let refreshTimer = null;
function refreshUntilApplied(mrn, seenVersion, tries = 40) {
  clearTimeout(refreshTimer);
  if (tries === 0) return;
  refreshTimer = setTimeout(async () => {
    if ($("movement").dataset.mrn !== mrn || !navigator.onLine) return;
    const r = await Sigmat.api(`/api/v1/movements/${mrn}`).catch(() => null);
    if (r && r.ok && r.body.version > seenVersion) {
      localStorage.setItem("sigmat.movement." + mrn, JSON.stringify(r.body));
      renderMovement(r.body, false);
    } else {
      refreshUntilApplied(mrn, seenVersion, tries - 1);
    }
  }, 1500);
}

function enqueue(mrn, label, body) {
  const key = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());
  const q = queue();
  q.push({ key, mrn, label, body: Object.assign({ at: new Date().toISOString() }, body), status: "pending", createdAt: new Date().toISOString() });
  saveQueue(q);
  sync();
}

function cached(mrn) { try { return JSON.parse(localStorage.getItem("sigmat.movement." + mrn)); } catch { return null; } }

async function find(mrn, quiet) {
  mrn = mrn.trim().toUpperCase();
  if (!mrn) return;
  $("find-message").textContent = "";
  let movement = null, fromCache = false;
  try {
    const r = await Sigmat.api(`/api/v1/movements/${mrn}`);
    if (r.status === 401) return showLogin();
    if (r.ok) { movement = r.body; localStorage.setItem("sigmat.movement." + mrn, JSON.stringify(movement)); }
    else if ((r.status === 403 || r.status === 404) && /^[0-9]{2}[A-Z]{2}[A-Z0-9]{14}$/.test(mrn)) return renderNotOurs(mrn);
    else if (!quiet) $("find-message").textContent = (r.body && r.body.reason) || Sigmat.t("notFound");
  } catch {
    // No network. The movement on screen stays as it is: it is at least as fresh as the phone's
    // copy, and redrawing it would move the buttons under the officer's finger.
    if ($("movement").dataset.mrn === mrn && !$("movement").classList.contains("hidden")) return;
    movement = cached(mrn); fromCache = !!movement;
    if (!movement && !quiet) $("find-message").textContent = Sigmat.t("notFound");
  }
  if (movement) renderMovement(movement, fromCache);
}

/// A one-tap action button; disabled while the same action on the same movement waits to be sent.
function actionButton(id, cls, label, mrn, body) {
  const waiting = queue().some(a => a.mrn === mrn && a.status === "pending" && a.body.action === body.action);
  const button = Sigmat.el("button", { id, class: cls, onclick: e => {
    e.currentTarget.disabled = true;
    e.currentTarget.textContent = `${label} — ${Sigmat.t("pending")}`;
    enqueue(mrn, label, body);
  } }, waiting ? `${label} — ${Sigmat.t("pending")}` : label);
  if (waiting) button.disabled = true;
  return button;
}

/// A movement that does not involve this office (or that the hub does not know): the goods
/// may still be here, with their transit document. The officer asks for the record — as the
/// destination they were diverted to (IE002), or as a border office off the declared route
/// (IE114) — and the movement becomes theirs once the hub has answered.
function renderNotOurs(mrn) {
  const box = $("movement");
  box.dataset.mrn = mrn;
  box.dataset.state = "";
  box.replaceChildren(
    Sigmat.el("h2", {}, mrn),
    Sigmat.el("p", { id: "not-ours" }, Sigmat.t("notOurs")),
    actionButton("request-diversion", "big", Sigmat.t("requestDiversion"), mrn, { action: "diversion" }),
    actionButton("request-passage", "big", Sigmat.t("requestPassage"), mrn, { action: "undeclaredPassage" }),
  );
  box.classList.remove("hidden");
}

/// The incident form, one question at a time (phones have small screens): what happened, what
/// the officer found, new seals, and the new vehicle after a transhipment.
function reportIncident(m, office) {
  const code = Number(prompt(Sigmat.t("incidentCode"), "2"));
  if (!(code >= 1 && code <= 5)) return;
  const what = prompt(Sigmat.t("incidentPrompt"));
  if (!what) return;
  const body = { action: "incident", code, place: office, description: what };
  const seals = (prompt(Sigmat.t("newSealsPrompt"), "") || "").split(",").map(x => x.trim()).filter(Boolean);
  if (seals.length) body.newSeals = seals;
  if (code === 3) {
    const [id, nationality] = (prompt(Sigmat.t("newVehiclePrompt"), "") || "").split(",").map(x => x.trim());
    if (id && nationality) body.replacementVehicle = { id, nationality: nationality.toUpperCase() };
  }
  enqueue(m.mrn, Sigmat.t("incident"), body);
}

/// Control results with a discrepancy the officer describes: what (element), what was found,
/// and whether it is major (B1) or minor (A2).
function recordDiscrepancy(m) {
  const element = prompt(Sigmat.t("discrepancyElement"));
  if (!element) return;
  const description = prompt(Sigmat.t("discrepancyDescription"));
  if (!description) return;
  const major = confirm(Sigmat.t("discrepancyMajor"));
  enqueue(m.mrn, Sigmat.t("controlDiscrepancy"), { action: "control", sealsIntact: true, discrepancies: [{ element, description, major }] });
}

/// The destination's answer to the departure's enquiry: the goods were presented here (on a
/// date the officer gives), or they were not.
function answerEnquiry(m, arrived) {
  const body = { action: "enquiryAnswer", goodsArrived: arrived };
  if (arrived) {
    const day = prompt(Sigmat.t("arrivedOnPrompt"), new Date().toISOString().slice(0, 10));
    const at = day && new Date(day + "T12:00:00Z");
    if (!at || isNaN(at)) return;
    body.arrivedAt = at.toISOString();
  }
  enqueue(m.mrn, Sigmat.t(arrived ? "enquiryArrived" : "enquiryNotHere"), body);
}

/// The movement's lane at this office, why, and what to check first (in the officer's
/// language). Nothing when the hub has not scored it.
function riskSection(m) {
  const risk = m.risk;
  if (!risk) return null;
  const lang = Sigmat.lang();
  const key = { green: "laneGreen", yellow: "laneYellow", red: "laneRed" }[risk.lane];
  return Sigmat.el("section", { id: "risk", class: "lane lane-" + risk.lane, "data-lane": risk.lane },
    Sigmat.el("h3", {}, `${Sigmat.t("lane")}: `, Sigmat.el("span", { id: "lane" }, Sigmat.t(key))),
    Sigmat.el("ul", { class: "plain", id: "reasons" }, risk.reasons.map(r =>
      Sigmat.el("li", { "data-rule": r.rule }, Sigmat.el("strong", {}, r.reason[lang] || r.reason.en), " ",
        Sigmat.el("span", { class: "check" }, `${Sigmat.t("checkFirst")}: ${r.check[lang] || r.check.en}`)))),
    risk.raisedBy.map(c => Sigmat.el("p", { class: "muted", "data-raised-by": c }, `${Sigmat.t("raisedBy")} ${c}.`)),
    risk.overridden ? Sigmat.el("p", { id: "lane-set" }, `${Sigmat.t("laneSetBy")} ${risk.overridden.by}: ${risk.overridden.reason} (${Sigmat.t("scored")}: ${Sigmat.t({ green: "laneGreen", yellow: "laneYellow", red: "laneRed" }[risk.overridden.scoredLane])})`) : null);
}

/// Control results in the red lane: the officer says what was checked before confirming that
/// all is in order (the hub refuses it otherwise).
function controlChecked(m) {
  const checked = (prompt(Sigmat.t("checkedPrompt")) || "").trim();
  if (!checked) return;
  enqueue(m.mrn, Sigmat.t("controlOk"), { action: "control", sealsIntact: true, checked });
}

function renderMovement(m, fromCache) {
  const me = Sigmat.session().user;
  const office = me.office;
  const d = m.declaration || {};
  const box = $("movement");
  box.dataset.mrn = m.mrn;
  box.dataset.state = m.state;
  box.dataset.version = m.version;
  const equipment = (((d.goodsShipment || {}).consignment || {}).transportEquipment) || [];
  const items = ((d.goodsShipment || {}).governmentAgencyGoodsItem) || [];
  const onRoute = m.route.some(p => p.office === office);
  const atDestination = m.destinationOffice === office;
  const crossedHere = m.route.some(p => p.office === office && p.crossedAt);
  const red = m.risk && m.risk.lane === "red";
  box.replaceChildren(...[
    Sigmat.el("h2", {}, m.mrn, " ", Sigmat.el("span", { id: "state", class: "badge state-" + m.state }, m.state)),
    fromCache ? Sigmat.el("p", { class: "muted" }, Sigmat.t("fromCache")) : null,
    Sigmat.el("p", {}, `${Sigmat.t("departure")}: ${m.departureOffice} → ${Sigmat.t("destination")}: ${m.destinationOffice}`),
    Sigmat.el("p", { class: "muted" }, `${Sigmat.t("timeLimit")}: ${Sigmat.when(m.arrivalTimeLimit)}`),
    riskSection(m),
    Sigmat.el("section", { id: "tracking", class: "hidden" }),
    Sigmat.el("ul", { class: "plain", id: "route" }, m.route.map(p =>
      Sigmat.el("li", { "data-office": p.office }, `${p.office}: `, p.crossedAt ? `${Sigmat.t("crossed")} ${Sigmat.when(p.crossedAt)}` : Sigmat.t("notYet")))),
    Sigmat.el("h2", {}, Sigmat.t("check")),
    Sigmat.el("p", {}, Sigmat.el("strong", {}, Sigmat.t("vehicle") + ": "), (d.borderTransportMeans || {}).id || "",
      " (", (d.borderTransportMeans || {}).registrationNationalityCode || "", ")"),
    Sigmat.el("p", {}, Sigmat.el("strong", {}, Sigmat.t("containers") + ":")),
    Sigmat.el("ul", { class: "plain", id: "seals" }, equipment.map(e => Sigmat.el("li", {}, e.id, " — ", (e.seal || []).map(s => s.id).join(", ")))),
    Sigmat.el("p", {}, Sigmat.el("strong", {}, Sigmat.t("goods") + ":")),
    Sigmat.el("ul", { class: "plain" }, items.map(i => Sigmat.el("li", {}, `${i.commodity.description} (HS ${i.commodity.classification.id}, ${i.commodity.goodsMeasure.grossMassMeasure} kg)`))),
    Sigmat.el("p", {}, Sigmat.el("strong", {}, Sigmat.t("guarantee") + ": "), `${(d.obligationGuarantee || {}).amountAmount || ""} ${(d.obligationGuarantee || {}).currencyCode || ""}`),
    onRoute && !crossedHere ? actionButton("confirm-passage", "big", Sigmat.t("confirmPassage"), m.mrn, { action: "passage" }) : null,
    atDestination && !m.arrivedAt ? actionButton("confirm-arrival", "big", Sigmat.t("confirmArrival"), m.mrn, { action: "arrival" }) : null,
    atDestination && m.arrivedAt && m.state === "Arrived" && red ? Sigmat.el("button", { id: "control-checked", class: "big", onclick: () => controlChecked(m) }, Sigmat.t("controlChecked")) : null,
    atDestination && m.arrivedAt && m.state === "Arrived" && !red ? actionButton("control-ok", "big", Sigmat.t("controlOk"), m.mrn, { action: "control", sealsIntact: true }) : null,
    atDestination && m.arrivedAt && m.state === "Arrived" ? actionButton("control-broken", "danger", Sigmat.t("controlBroken"), m.mrn, { action: "control", sealsIntact: false, discrepancies: [{ element: "seals", description: "seals found broken", major: true }] }) : null,
    atDestination && m.arrivedAt && ["Arrived", "UnderDiscrepancy"].includes(m.state) ? Sigmat.el("button", { id: "control-discrepancy", class: "danger", onclick: () => recordDiscrepancy(m) }, Sigmat.t("controlDiscrepancy")) : null,
    atDestination && m.state === "UnderEnquiry" ? Sigmat.el("button", { id: "enquiry-arrived", class: "big", onclick: () => answerEnquiry(m, true) }, Sigmat.t("enquiryArrived")) : null,
    atDestination && m.state === "UnderEnquiry" ? Sigmat.el("button", { id: "enquiry-not-here", class: "danger", onclick: () => answerEnquiry(m, false) }, Sigmat.t("enquiryNotHere")) : null,
    (onRoute || atDestination) ? Sigmat.el("button", { id: "report-incident", class: "danger", onclick: () => reportIncident(m, office) }, Sigmat.t("incident")) : null,
    Sigmat.el("p", {}, Sigmat.el("a", { href: `/assets/document.html#${m.mrn}`, target: "_blank", class: "noprint" }, Sigmat.t("printDocument"))),
  ].filter(Boolean));
  box.classList.remove("hidden");
  if (!fromCache) loadTracking(m.mrn);
}

/// The movement's electronic seals and its truck's last position, when it is tracked
/// (GET /api/v1/movements/{mrn}/telematics); nothing otherwise, or offline.
async function loadTracking(mrn) {
  const r = await Sigmat.api(`/api/v1/movements/${mrn}/telematics`).catch(() => null);
  const box = $("tracking");
  if (!r || !r.ok || !box || $("movement").dataset.mrn !== mrn || !r.body.tracked) return;
  const t = r.body;
  box.replaceChildren(
    Sigmat.el("h3", {}, Sigmat.t("trackedBy")),
    t.last ? Sigmat.el("p", { id: "last-seen" }, `${Sigmat.t("lastSeen")}: ${Sigmat.when(t.last.at)} (${t.last.latitude.toFixed(4)}, ${t.last.longitude.toFixed(4)})`) : null,
    t.seals.length ? Sigmat.el("p", {}, Sigmat.el("strong", {}, Sigmat.t("sealsTitle") + ":")) : null,
    Sigmat.el("ul", { class: "plain", id: "e-seals" }, t.seals.map(s => Sigmat.el("li", { "data-seal": s.id, "data-status": s.status,
      class: s.status === "opened" || s.status === "tampered" ? "error" : "" }, `${s.id} (${s.manufacturer}): ${Sigmat.t("seal_" + s.status)} ${Sigmat.when(s.at)}`))),
    Sigmat.el("ul", { class: "plain muted", id: "conclusions" }, t.conclusions.map(c => Sigmat.el("li", { "data-kind": c.kind }, `${Sigmat.when(c.at)}: ${c.detail}`))));
  box.classList.remove("hidden");
}

/// Tracked trucks due at this office within 30 minutes, soonest first; a tap finds the movement.
async function loadArriving() {
  if (!Sigmat.session() || !navigator.onLine) return;
  const r = await Sigmat.api("/api/v1/telematics/arriving?withinMinutes=30").catch(() => null);
  if (!r || !r.ok) return;
  const trucks = r.body.trucks;
  $("arriving").replaceChildren(trucks.length ? Sigmat.el("ul", { class: "plain" }, trucks.map(t =>
    Sigmat.el("li", { "data-arriving": t.mrn },
      Sigmat.el("button", { type: "button", class: t.sealBreached ? "danger" : "", onclick: () => { $("mrn").value = t.mrn; find(t.mrn); } },
        `${t.vehicle} — ${t.mrn}: ${t.inZone ? Sigmat.t("inZone") : `${t.etaMinutes} ${Sigmat.t("minutes")} (${t.distanceKm} km)`}${t.sealBreached ? " — " + Sigmat.t("sealOpenedWarning") : ""}`))))
    : Sigmat.el("p", { class: "muted" }, Sigmat.t("arrivingNone")));
}

function showLogin() { $("login").classList.remove("hidden"); $("app").classList.add("hidden"); $("logout").classList.add("hidden"); $("who").textContent = ""; }
// A fallback declared for this office or its country: record passages and arrivals here
// against the printed transit document (scan its QR code); they reach the hub with their times.
async function showFallback() {
  const u = Sigmat.session()?.user;
  const r = await Sigmat.api("/api/v1/fallbacks").catch(() => null);
  if (!u || !r || !r.ok) return;
  const mine = r.body.find(f => !f.endedAt && (f.scope === u.office || (u.office && u.office.startsWith(f.scope) && f.scopeKind === "country") || f.scope === u.country));
  $("fallback").textContent = mine ? `${Sigmat.t("fallbackOn")} ${mine.scope} — ${mine.reason} (${Sigmat.when(mine.startedAt)}). ${Sigmat.t("fallbackHowTo")}` : "";
  $("fallback").classList.toggle("hidden", !mine);
}

function showApp() {
  const u = Sigmat.session().user;
  Sigmat.translate(); // now in the account's language, unless one was chosen with the button
  $("who").textContent = `${u.displayName} (${u.office || u.country || u.role})`;
  $("login").classList.add("hidden"); $("app").classList.remove("hidden"); $("logout").classList.remove("hidden");
  renderQueue(); sync(); showFallback();
  loadArriving();
  if (!arrivingTimer) arrivingTimer = setInterval(loadArriving, 30000);
}
let arrivingTimer = null;

async function scan() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { $("find-message").textContent = Sigmat.t("scanUnavailable"); return; }
  const video = $("camera");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = stream; video.classList.remove("hidden"); await video.play();
  const detector = new BarcodeDetector({ formats: ["qr_code"] });
  const tick = async () => {
    const codes = await detector.detect(video).catch(() => []);
    if (codes.length) { stream.getTracks().forEach(t => t.stop()); video.classList.add("hidden"); $("mrn").value = codes[0].rawValue; find(codes[0].rawValue); }
    else requestAnimationFrame(tick);
  };
  tick();
}

window.addEventListener("online", () => { setNetwork(); sync(); });
window.addEventListener("offline", setNetwork);
setInterval(sync, 4000);
$("lang").addEventListener("click", () => { Sigmat.toggleLanguage(); setNetwork(); renderQueue(); const m = $("movement").dataset.mrn; if (m) find(m, true); });
// Logging out leaves nothing of this officer's work on a shared phone: the queue and the
// copies of movements go (after a warning if some actions were never sent).
$("logout").addEventListener("click", async () => {
  const waiting = queue().filter(a => a.status === "pending").length;
  if (waiting > 0 && !confirm(Sigmat.t("logoutPending").replace("{n}", waiting))) return;
  clearTimeout(refreshTimer);
  await Sigmat.logout();
  forgetThisOfficer();
  showLogin();
});

function forgetThisOfficer() {
  localStorage.removeItem(QUEUE);
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith("sigmat.movement.") || key.startsWith("sigmat.train.")) localStorage.removeItem(key);
  }
  const box = $("movement");
  box.replaceChildren();
  box.classList.add("hidden");
  delete box.dataset.mrn;
  delete box.dataset.state;
  delete box.dataset.version;
  const train = $("train-view");
  train.replaceChildren();
  train.classList.add("hidden");
  delete train.dataset.train;
  renderQueue();
}
$("scan").addEventListener("click", () => scan().catch(() => { $("find-message").textContent = Sigmat.t("scanUnavailable"); }));
$("find-form").addEventListener("submit", e => { e.preventDefault(); find($("mrn").value); });
$("login-form").addEventListener("submit", async e => {
  e.preventDefault();
  $("login-error").classList.add("hidden");
  const r = await Sigmat.login($("username").value.trim(), $("password").value).catch(() => ({ status: 0 }));
  if (r.status === 201) showApp(); else $("login-error").classList.remove("hidden");
});
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});
Sigmat.translate(); setNetwork();
if (Sigmat.session()) showApp(); else showLogin();
