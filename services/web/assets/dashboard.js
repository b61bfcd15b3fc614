// The corridor dashboard: a map drawn from the office reference data (no tile server), the
// movements en route on each leg, counts by state, overdue movements, times between offices
// and guarantee exposure, kept current by server-sent events; the dead letters, with replay.
"use strict";
const $ = id => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
let reference = { offices: [], corridors: [] };
let movements = new Map(); // mrn → summary (open ones)
let events = null;

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function filters() { return { corridor: $("corridor").value, country: $("country").value }; }

function corridorOf(m) {
  return reference.corridors.find(c => c.offices[0] === m.departureOffice && c.offices[c.offices.length - 1] === m.destinationOffice);
}

function visible(m) {
  const f = filters();
  const c = corridorOf(m);
  if (f.corridor && (!c || c.id !== f.corridor)) return false;
  if (f.country && !(m.departureOffice.startsWith(f.country) || m.destinationOffice.startsWith(f.country))) return false;
  return true;
}

function drawMap() {
  const map = $("map");
  map.replaceChildren();
  const offices = new Map(reference.offices.map(o => [o.code, o]));
  const lons = reference.offices.map(o => o.longitude), lats = reference.offices.map(o => o.latitude);
  const [minX, maxX, minY, maxY] = [Math.min(...lons) - 0.8, Math.max(...lons) + 0.8, Math.min(...lats) - 0.6, Math.max(...lats) + 0.6];
  const x = lon => 20 + (lon - minX) / (maxX - minX) * 640; // room on the right for labels
  const y = lat => 500 - (lat - minY) / (maxY - minY) * 480;
  const f = filters();
  const shown = reference.corridors.filter(c => !f.corridor || c.id === f.corridor);
  // En-route counts per leg: from the last office a movement reached to the next one.
  const legCounts = new Map();
  for (const m of movements.values()) {
    if (!visible(m) || m.state === "WrittenOff" || m.state === "Cancelled") continue;
    const c = corridorOf(m);
    if (!c) continue;
    const i = c.offices.indexOf(m.lastOffice);
    const next = c.offices[Math.min(i + 1, c.offices.length - 1)];
    const key = `${m.lastOffice}>${i + 1 < c.offices.length ? next : m.lastOffice}`;
    legCounts.set(key, (legCounts.get(key) || []).concat(m.mrn));
  }
  for (const c of shown) {
    const points = c.offices.map(code => offices.get(code)).filter(Boolean);
    map.append(svg("polyline", { points: points.map(o => `${x(o.longitude)},${y(o.latitude)}`).join(" "), fill: "none", stroke: "#0b5394", "stroke-width": 3, "stroke-opacity": 0.5, "data-corridor": c.id }));
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const mrns = legCounts.get(`${a.code}>${b.code}`) || [];
      if (mrns.length) {
        const g = svg("g", { class: "leg", "data-leg": `${a.code}>${b.code}`, "data-mrns": mrns.join(" ") });
        const cx = (x(a.longitude) + x(b.longitude)) / 2, cy = (y(a.latitude) + y(b.latitude)) / 2;
        g.append(svg("circle", { cx, cy, r: 11, fill: "#b45309" }), svg("text", { x: cx, y: cy + 4, "text-anchor": "middle", fill: "#fff" }, String(mrns.length)));
        g.append(svg("title", {}, `${mrns.length} ${Sigmat.t("enRoute")}: ${mrns.join(", ")}`));
        map.append(g);
      }
    }
  }
  const used = new Set(shown.flatMap(c => c.offices));
  for (const o of reference.offices) {
    if (!used.has(o.code)) continue;
    map.append(svg("circle", { cx: x(o.longitude), cy: y(o.latitude), r: 5, fill: o.roles.includes("border") ? "#fff" : "#0b5394", stroke: "#0b5394", "stroke-width": 2, "data-office": o.code }));
    map.append(svg("text", { x: x(o.longitude) + 7, y: y(o.latitude) - 6 }, `${o.name} (${o.code})`));
  }
}

async function loadCounts() {
  const r = await Sigmat.api("/api/v1/stats/states");
  if (!r.ok) return;
  const f = filters();
  const rows = r.body.filter(c => !f.corridor || c.corridor === f.corridor);
  const states = [...new Set(rows.flatMap(c => Object.keys(c.states)))].sort();
  $("counts").replaceChildren(Sigmat.el("table", {},
    Sigmat.el("tr", {}, Sigmat.el("th", {}, Sigmat.t("corridor")), states.map(s => Sigmat.el("th", {}, s))),
    rows.map(c => Sigmat.el("tr", {}, Sigmat.el("td", {}, c.corridor),
      states.map(s => Sigmat.el("td", { id: `count-${c.corridor}-${s}` }, String(c.states[s] || 0)))))));
}

async function loadOverdue() {
  const r = await Sigmat.api("/api/v1/stats/overdue");
  if (!r.ok) return;
  const rows = r.body.filter(visible);
  $("overdue").replaceChildren(...(rows.length ? rows.map(m => Sigmat.el("li", { "data-mrn": m.mrn },
    Sigmat.el("strong", {}, m.mrn), ` ${m.departureOffice} → ${m.destinationOffice}, ${Sigmat.t("timeLimit")} ${Sigmat.when(m.arrivalTimeLimit)}`)) : [Sigmat.el("li", { class: "muted" }, Sigmat.t("none"))]));
}

async function loadLegs() {
  const r = await Sigmat.api("/api/v1/stats/legs");
  if (!r.ok) return;
  const legs = r.body, chart = $("legs");
  chart.replaceChildren();
  chart.setAttribute("viewBox", `0 0 800 ${Math.max(40, legs.length * 26 + 10)}`);
  const max = Math.max(1, ...legs.map(l => l.p90Hours));
  legs.forEach((l, i) => {
    const yy = 6 + i * 26;
    chart.append(svg("text", { x: 0, y: yy + 13 }, `${l.fromOffice} → ${l.toOffice} (${l.movements})`));
    chart.append(svg("rect", { x: 230, y: yy, width: Math.max(2, l.p90Hours / max * 480), height: 16, fill: "#93c5fd" }));
    chart.append(svg("rect", { x: 230, y: yy + 4, width: Math.max(2, l.p50Hours / max * 480), height: 8, fill: "#0b5394" }));
    chart.append(svg("text", { x: 720, y: yy + 13 }, `${l.p50Hours.toFixed(1)} / ${l.p90Hours.toFixed(1)} h`));
  });
}

async function loadExposure() {
  const r = await Sigmat.api("/api/v1/stats/exposure");
  if (!r.ok) return;
  $("exposure").replaceChildren(Sigmat.el("table", {}, r.body.map(e => Sigmat.el("tr", {},
    Sigmat.el("td", {}, e.country), Sigmat.el("td", {}, `${Number(e.amount).toLocaleString()} ${e.currency}`), Sigmat.el("td", {}, `${e.movements} ${Sigmat.t("movements")}`)))));
}

// Each country's link to its national system: what waits, when it last pulled or took a
// push, and the alerts (red) its adapter's latest report raises. Polled: reports come every
// few seconds, not as movement events.
async function loadLinks() {
  const r = await Sigmat.api("/api/v1/links");
  if (!r.ok) return;
  const rows = r.body.map(l => Sigmat.el("tr", { "data-link": l.country, class: l.alerts.length ? "alert" : "" },
    Sigmat.el("td", {}, Sigmat.el("strong", {}, l.country)),
    Sigmat.el("td", {}, `${l.report.pending} ${Sigmat.t("waiting")}`),
    Sigmat.el("td", {}, l.report.lastAckAt || l.report.lastPushAt ? Sigmat.when(l.report.lastPushAt || l.report.lastAckAt) : "—"),
    Sigmat.el("td", {}, l.alerts.length ? l.alerts.map(a => Sigmat.el("div", { class: "error", "data-alert": a.kind }, a.message)) : Sigmat.el("span", { class: "muted" }, Sigmat.t("linkOk")))));
  $("links").replaceChildren(rows.length ? Sigmat.el("table", {}, rows) : Sigmat.el("p", { class: "muted" }, Sigmat.t("none")));
}

// Messages refused or set aside that nobody replayed yet, newest first, each with a replay
// button: the API publishes it again through the normal path, once (audited).
async function loadDeadLetters() {
  const r = await Sigmat.api("/api/v1/dead-letters?pending=true&limit=20");
  if (!r.ok) return;
  const rows = r.body.map(d => Sigmat.el("tr", { "data-dead-letter": d.id },
    Sigmat.el("td", {}, d.id), Sigmat.el("td", {}, Sigmat.when(d.receivedAt)),
    Sigmat.el("td", {}, d.sender || d.topic || ""), Sigmat.el("td", {}, d.mrn || ""),
    Sigmat.el("td", {}, d.messageType || ""), Sigmat.el("td", {}, d.reason),
    Sigmat.el("td", {}, Sigmat.el("button", { type: "button", class: "replay", onclick: () => replay(d.id) }, Sigmat.t("replay")))));
  $("dead-letters").replaceChildren(rows.length ? Sigmat.el("table", {}, rows) : Sigmat.el("p", { class: "muted" }, Sigmat.t("none")));
}

async function replay(id) {
  const r = await Sigmat.api(`/api/v1/dead-letters/${encodeURIComponent(id)}/replay`, { method: "POST" });
  const note = $("dead-note");
  note.textContent = r.body ? `${id}: ${r.body.note || r.body.reason}` : `${id}: ${r.status}`;
  note.classList.remove("hidden");
  loadDeadLetters();
}

async function loadMovements() {
  movements = new Map();
  for (const state of ["Released", "Arrived", "EnquiryRecommended", "UnderEnquiry"]) {
    const r = await Sigmat.api(`/api/v1/movements?state=${state}&pageSize=200`);
    if (r.ok) for (const m of r.body.items) movements.set(m.mrn, m);
  }
}

function noteChange(m) {
  const li = Sigmat.el("li", { "data-mrn": m.mrn, class: "flash" }, Sigmat.el("strong", {}, m.mrn), ` ${m.state} — ${m.lastOffice} — ${Sigmat.when(m.updatedAt)}`);
  $("recent").prepend(li);
  while ($("recent").children.length > 15) $("recent").lastChild.remove();
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => { loadCounts(); loadOverdue(); loadExposure(); loadLegs(); loadDeadLetters(); }, 300);
}

// The stream opens with a one-use ticket (the session token stays out of URLs); when it
// breaks, a new ticket reopens it.
async function listen() {
  if (events) events.close();
  events = null;
  if (!Sigmat.session()) return;
  let ticket;
  try {
    const r = await Sigmat.api("/api/v1/events/tickets", { method: "POST" });
    if (r.status === 401) return showLogin();
    if (!r.ok) throw new Error(String(r.status));
    ticket = r.body.ticket;
  } catch {
    $("live").classList.add("off");
    setTimeout(listen, 5000);
    return;
  }
  events = new EventSource(`/api/v1/events?ticket=${encodeURIComponent(ticket)}`);
  events.onopen = () => $("live").classList.remove("off");
  events.onerror = () => {
    $("live").classList.add("off");
    events.close();
    setTimeout(listen, 3000);
  };
  events.addEventListener("movement", e => {
    const m = JSON.parse(e.data);
    movements.set(m.mrn, m);
    noteChange(m);
    drawMap();
    refreshSoon();
  });
}

async function showApp() {
  const u = Sigmat.session().user;
  $("who").textContent = `${u.displayName} (${u.role})`;
  $("login").classList.add("hidden"); $("app").classList.remove("hidden"); $("logout").classList.remove("hidden");
  const r = await Sigmat.api("/api/v1/reference");
  reference = r.body;
  $("corridor").replaceChildren(Sigmat.el("option", { value: "" }, Sigmat.t("all")), reference.corridors.map(c => Sigmat.el("option", { value: c.id }, c.name)));
  const countries = [...new Set(reference.offices.map(o => o.country))].sort();
  $("country").replaceChildren(Sigmat.el("option", { value: "" }, Sigmat.t("all")), countries.map(c => Sigmat.el("option", { value: c }, c)));
  await loadMovements();
  drawMap();
  await Promise.all([loadCounts(), loadOverdue(), loadExposure(), loadLegs(), loadDeadLetters(), loadLinks()]);
  setInterval(() => { if (Sigmat.session()) { loadLinks(); loadDeadLetters(); } }, 5000);
  listen();
  document.body.dataset.ready = "true";
}

function showLogin() { if (events) events.close(); $("login").classList.remove("hidden"); $("app").classList.add("hidden"); $("logout").classList.add("hidden"); }

$("corridor").addEventListener("change", () => { drawMap(); loadCounts(); loadOverdue(); });
$("country").addEventListener("change", () => { drawMap(); loadOverdue(); });
$("lang").addEventListener("click", () => { Sigmat.toggleLanguage(); if (Sigmat.session()) { drawMap(); loadCounts(); loadOverdue(); loadExposure(); } });
$("logout").addEventListener("click", async () => { await Sigmat.logout(); showLogin(); });
$("login-form").addEventListener("submit", async e => {
  e.preventDefault();
  $("login-error").classList.add("hidden");
  const r = await Sigmat.login($("username").value.trim(), $("password").value).catch(() => ({ status: 0 }));
  if (r.status === 201) showApp(); else $("login-error").classList.remove("hidden");
});
Sigmat.translate();
if (Sigmat.session()) showApp().catch(showLogin); else showLogin();
