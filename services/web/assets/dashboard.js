// The corridor dashboard: a map of the region drawn from embedded data (no tile server), the
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

// The map: the region's countries and coasts (Natural Earth, /assets/region.json), the
// corridors leg by leg coloured by how late their movements run, the offices, and labels
// placed where they overlap nothing.
let region = null;
const WIDTH = 800, HEIGHT = 520;

function projection() {
  const lons = reference.offices.map(o => o.longitude), lats = reference.offices.map(o => o.latitude);
  const [west, east, south, north] = [Math.min(...lons) - 1.2, Math.max(...lons) + 1.2, Math.min(...lats) - 0.8, Math.max(...lats) + 0.8];
  const squeeze = Math.cos((south + north) / 2 * Math.PI / 180); // a degree of longitude is shorter
  const k = Math.min(WIDTH / ((east - west) * squeeze), HEIGHT / (north - south));
  const ox = (WIDTH - (east - west) * squeeze * k) / 2, oy = (HEIGHT - (north - south) * k) / 2;
  return { x: lon => ox + (lon - west) * squeeze * k, y: lat => oy + (north - lat) * k };
}

function drawCountries(map, p) {
  if (!region) return [];
  const names = [];
  for (const c of region.countries) {
    const d = c.rings.map(r => "M" + r.map(([lon, lat]) => `${p.x(lon).toFixed(1)},${p.y(lat).toFixed(1)}`).join("L") + "Z").join("");
    map.append(svg("path", { d, class: "country", fill: "#f7f4ec", stroke: "#9aa5b1", "stroke-width": 0.8, "data-country": c.name }));
    const biggest = c.rings.reduce((a, b) => (b.length > a.length ? b : a));
    const cx = biggest.reduce((s, [lon]) => s + p.x(lon), 0) / biggest.length, cy = biggest.reduce((s, [, lat]) => s + p.y(lat), 0) / biggest.length;
    if (cx > 10 && cx < WIDTH - 10 && cy > 10 && cy < HEIGHT - 10) names.push({ text: c.name, x: cx, y: cy, cls: "country-label", priority: 2, centred: true });
  }
  return names;
}

// How late a leg runs: its en-route movements against their time limit.
function lateness(mrns, now) {
  let worst = 0;
  for (const mrn of mrns) {
    const m = movements.get(mrn);
    if (!m) continue;
    const left = new Date(m.arrivalTimeLimit) - now;
    worst = Math.max(worst, left < 0 ? 2 : left < 24 * 3600 * 1000 ? 1 : 0);
  }
  return ["#0b5394", "#d97706", "#b91c1c"][worst];
}

const overlaps = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

// Places each label beside its point, trying nearer spots first and farther ones (with a
// leader line) after; a label that fits nowhere is not drawn (its point keeps a tooltip).
// Offices first, country names where room is left.
function placeLabels(map, items, taken) {
  const inside = r => r.x >= 2 && r.y >= 2 && r.x + r.w <= WIDTH - 2 && r.y + r.h <= HEIGHT - 2;
  for (const item of items.sort((a, b) => a.priority - b.priority)) {
    const t = svg("text", { x: 0, y: 0, class: item.cls }, item.text);
    if (item.office) t.dataset.office = item.office;
    map.append(t);
    const box = t.getBBox();
    const spots = item.centred ? [[0, 0, 0]] : [8, 18, 32, 48, 70, 100, 140].flatMap(d => [[d, -1, -1], [d, 1, -1], [d, -1, 1], [d, 1, 1], [d, 0, -1], [d, 0, 1], [d, 1, 0], [d, -1, 0]]);
    let placed = null;
    for (const [d, sx, sy] of spots) {
      const x = item.centred ? item.x - box.width / 2 : sx > 0 ? item.x + d : sx < 0 ? item.x - d - box.width : item.x - box.width / 2;
      const y = item.centred ? item.y - box.height / 2 : sy > 0 ? item.y + d * 0.6 : sy < 0 ? item.y - d * 0.6 - box.height : item.y - box.height / 2;
      const r = { x, y, w: box.width, h: box.height };
      if (inside(r) && !taken.some(o => overlaps(o, r))) { placed = { r, d }; break; }
    }
    if (!placed) { t.remove(); continue; }
    t.setAttribute("x", placed.r.x - box.x);
    t.setAttribute("y", placed.r.y - box.y);
    taken.push(placed.r);
    if (!item.centred && placed.d > 8) {
      const tx = Math.min(Math.max(item.x, placed.r.x), placed.r.x + placed.r.w), ty = Math.min(Math.max(item.y, placed.r.y), placed.r.y + placed.r.h);
      map.insertBefore(svg("line", { x1: item.x, y1: item.y, x2: tx, y2: ty, stroke: "#334155", "stroke-width": 1, "stroke-dasharray": "3 2", class: "leader" }), t);
    }
  }
}

function drawMap() {
  const map = $("map");
  map.replaceChildren();
  const p = projection();
  const offices = new Map(reference.offices.map(o => [o.code, o]));
  const f = filters();
  const shown = reference.corridors.filter(c => !f.corridor || c.id === f.corridor);
  const countryNames = drawCountries(map, p);
  // En-route movements per leg: from the last office a movement reached to the next one.
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
  const taken = [];
  const now = Date.now();
  for (const c of shown) {
    // A rail line is drawn through its stations, dashed, in the railway's brown; road legs in
    // the colour of how late their movements run.
    if (c.mode === "rail") { drawRailLine(map, p, c, taken); continue; }
    const points = c.offices.map(code => offices.get(code)).filter(Boolean);
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const mrns = legCounts.get(`${a.code}>${b.code}`) || [];
      const colour = lateness(mrns, now);
      map.append(svg("line", { x1: p.x(a.longitude), y1: p.y(a.latitude), x2: p.x(b.longitude), y2: p.y(b.latitude), stroke: colour, "stroke-width": mrns.length ? 4 : 3, "stroke-opacity": mrns.length ? 0.9 : 0.45, "data-corridor": c.id }));
      if (mrns.length) {
        const g = svg("g", { class: "leg", "data-leg": `${a.code}>${b.code}`, "data-mrns": mrns.join(" "), "data-late": colour });
        const cx = (p.x(a.longitude) + p.x(b.longitude)) / 2, cy = (p.y(a.latitude) + p.y(b.latitude)) / 2;
        g.append(svg("circle", { cx, cy, r: 11, fill: colour }), svg("text", { x: cx, y: cy + 4, "text-anchor": "middle", fill: "#fff" }, String(mrns.length)));
        g.append(svg("title", {}, `${mrns.length} ${Sigmat.t("enRoute")}: ${mrns.join(", ")}`));
        map.append(g);
        taken.push({ x: cx - 11, y: cy - 11, w: 22, h: 22 });
      }
    }
  }
  const used = new Set(shown.flatMap(c => c.offices));
  const labels = [];
  for (const o of reference.offices) {
    if (!used.has(o.code)) continue;
    const [ox, oy] = [p.x(o.longitude), p.y(o.latitude)];
    const dot = svg("circle", { cx: ox, cy: oy, r: 5, fill: o.roles.includes("border") ? "#fff" : "#0b5394", stroke: "#0b5394", "stroke-width": 2, "data-office": o.code });
    dot.append(svg("title", {}, `${o.name} (${o.code})`));
    map.append(dot);
    taken.push({ x: ox - 6, y: oy - 6, w: 12, h: 12 });
    const main = o.roles.includes("departure") || o.roles.includes("destination");
    labels.push({ text: `${o.name} (${o.code})`, x: ox, y: oy, cls: "office-label", office: o.code, priority: main ? 0 : 1 });
  }
  placeLabels(map, labels.concat(countryNames), taken);
  drawTrucks(map, p);
}

function drawRailLine(map, p, c, taken) {
  const points = (c.stations || []).map(st => `${p.x(st.longitude)},${p.y(st.latitude)}`).join(" ");
  const line = svg("polyline", { points, fill: "none", stroke: "#7a4b2a", "stroke-width": 3, "stroke-dasharray": "8 5", "data-corridor": c.id, "data-mode": "rail" });
  line.append(svg("title", {}, `${c.name} (${Sigmat.t("rail")})`));
  map.append(line);
  for (const st of c.stations || []) {
    const [x, y] = [p.x(st.longitude), p.y(st.latitude)];
    const mark = svg("rect", { x: x - 4, y: y - 4, width: 8, height: 8, fill: "#fff", stroke: "#7a4b2a", "stroke-width": 2, "data-station": st.office });
    mark.append(svg("title", {}, `${Sigmat.t("station")} ${st.name} (${st.office})`));
    map.append(mark);
    taken.push({ x: x - 5, y: y - 5, w: 10, h: 10 });
  }
}

// Tracked trucks (GET /api/v1/telematics/trucks): each one's latest positions as a line and its
// last position as a dot — red when off its road or a seal reported opened — on top of the map.
let trucks = [];
function drawTrucks(map, p) {
  const old = map.querySelector("#trucks");
  if (old) old.remove();
  const f = filters();
  const layer = svg("g", { id: "trucks" });
  for (const t of trucks) {
    const m = movements.get(t.mrn);
    if (m && !visible(m)) continue;
    if (f.corridor) {
      const c = reference.corridors.find(x => x.id === f.corridor);
      if (c && !(c.offices.includes(t.departureOffice) && c.offices.includes(t.destinationOffice))) continue;
    }
    const alarm = t.offRoute || t.seals.some(s => s.status === "opened" || s.status === "tampered");
    const colour = alarm ? "#b91c1c" : "#0f766e";
    if (t.track.length > 1) {
      layer.append(svg("polyline", { points: t.track.map(([lon, lat]) => `${p.x(lon).toFixed(1)},${p.y(lat).toFixed(1)}`).join(" "), fill: "none", stroke: colour, "stroke-width": 2, "stroke-opacity": 0.6, "data-track": t.mrn }));
    }
    const dot = svg("circle", { cx: p.x(t.last.longitude), cy: p.y(t.last.latitude), r: 6, fill: colour, stroke: "#fff", "stroke-width": 1, "data-truck": t.mrn, "data-alarm": alarm ? "true" : "false" });
    const seals = t.seals.map(s => `${s.id} ${Sigmat.t("seal_" + s.status)}`).join(", ");
    dot.append(svg("title", {}, `${t.vehicle} — ${t.mrn} → ${t.headingTo} (${Sigmat.when(t.last.at)})${seals ? "; " + seals : ""}${t.offRoute ? "; " + Sigmat.t("offRoute") : ""}`));
    layer.append(dot);
  }
  map.append(layer);
}

async function loadTrucks() {
  const r = await Sigmat.api("/api/v1/telematics/trucks");
  if (!r.ok) return;
  trucks = r.body.trucks;
  $("tracked").textContent = String(trucks.length);
  drawTrucks($("map"), projection());
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

// Fallback periods: declare one for an office or a country, end it, read its reconciliation.
async function loadFallbacks() {
  const r = await Sigmat.api("/api/v1/fallbacks");
  if (!r.ok) return;
  const rows = r.body.filter(f => !f.endedAt).map(f => Sigmat.el("tr", { "data-fallback": f.scope },
    Sigmat.el("td", {}, Sigmat.el("strong", {}, f.scope)), Sigmat.el("td", {}, f.reason), Sigmat.el("td", {}, Sigmat.when(f.startedAt)),
    Sigmat.el("td", {}, Sigmat.el("button", { type: "button", class: "end-fallback", onclick: () => endFallback(f.id) }, Sigmat.t("fallbackEnd")))));
  $("fallbacks").replaceChildren(rows.length ? Sigmat.el("table", {}, rows) : Sigmat.el("p", { class: "muted" }, Sigmat.t("none")));
}

async function endFallback(id) {
  const r = await Sigmat.api(`/api/v1/fallbacks/${id}/end`, { method: "POST" });
  if (r.ok) {
    const lines = [r.body.summary, ...r.body.late.map(e => `${Sigmat.t("late")}: ${e.mrn} ${e.messageType} ${Sigmat.when(e.eventTime)}`),
      ...r.body.conflicts.map(e => `${Sigmat.t("conflict")}: ${e.mrn} ${e.messageType} — ${e.reason} (${e.deadLetter})`)];
    $("reconciliation").replaceChildren(...lines.map(l => Sigmat.el("div", {}, l)));
    $("reconciliation").classList.remove("hidden");
  }
  loadFallbacks();
}

$("fallback-form").addEventListener("submit", async e => {
  e.preventDefault();
  const scope = $("fallback-scope").value.trim().toUpperCase();
  const body = scope.length === 2 ? { country: scope, reason: $("fallback-reason").value } : { office: scope, reason: $("fallback-reason").value };
  const r = await Sigmat.api("/api/v1/fallbacks", { method: "POST", body: JSON.stringify(body) });
  if (!r.ok) { $("reconciliation").textContent = r.body ? r.body.reason : String(r.status); $("reconciliation").classList.remove("hidden"); }
  loadFallbacks();
});

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

// Risk: what looks wrong now (overdue on a leg, red, diversions, bursts after silence), and
// each rule's figures with a button to silence it at the operator's country's offices.
async function loadRisk() {
  const [a, f] = await Promise.all([Sigmat.api("/api/v1/risk/anomalies"), Sigmat.api("/api/v1/risk/figures")]);
  if (a.ok) {
    const b = a.body, items = [];
    for (const o of b.overdueOnLeg) items.push(Sigmat.el("li", { "data-anomaly": "overdue-on-leg", "data-mrn": o.mrn },
      Sigmat.el("strong", {}, o.mrn), ` ${o.from} → ${o.to}: ${o.hours.toFixed(1)} h (${Sigmat.t("usual")} ${o.p90Hours.toFixed(1)} h)`));
    for (const r of b.red) items.push(Sigmat.el("li", { "data-anomaly": "red", "data-mrn": r.mrn },
      Sigmat.el("span", { class: "badge lane-red" }, Sigmat.t("red")), " ", Sigmat.el("strong", {}, r.mrn),
      ` ${r.departureOffice} → ${r.destinationOffice} (${r.state}): ${r.rules.join(", ")}${r.raisedBy.length ? ` ${Sigmat.t("raisedBy")} ${r.raisedBy.join(", ")}` : ""}`));
    for (const d of b.diversionRates) items.push(Sigmat.el("li", { "data-anomaly": "diversions", "data-office": d.office },
      Sigmat.el("strong", {}, d.office), ` ${d.diverted}/${d.movements} ${Sigmat.t("diverted")} (${(d.rate * 100).toFixed(0)}% — ${Sigmat.t("network")} ${(d.networkRate * 100).toFixed(0)}%)`));
    for (const x of b.bursts) items.push(Sigmat.el("li", { "data-anomaly": "burst", "data-office": x.office },
      Sigmat.el("strong", {}, x.office), ` ${x.messages} ${Sigmat.t("burst")} ${Sigmat.when(x.at)} ${Sigmat.t("afterSilence")} ${x.silenceHours.toFixed(1)} h`));
    for (const x of b.telematics || []) items.push(Sigmat.el("li", { "data-anomaly": x.kind, "data-mrn": x.mrn },
      Sigmat.el("span", { class: "badge" }, Sigmat.t("anomaly_" + x.kind)), " ", Sigmat.el("strong", {}, x.mrn),
      ` ${x.departureOffice} → ${x.destinationOffice}, ${Sigmat.when(x.at)}: ${x.detail}`));
    $("anomalies").replaceChildren(items.length ? Sigmat.el("ul", { class: "plain" }, items) : Sigmat.el("p", { class: "muted" }, Sigmat.t("none")));
  }
  if (f.ok) {
    const rows = f.body.map(r => Sigmat.el("tr", { "data-rule": r.rule },
      Sigmat.el("td", {}, Sigmat.el("strong", {}, r.rule)), Sigmat.el("td", {}, r.owner),
      Sigmat.el("td", {}, String(r.fired)), Sigmat.el("td", {}, String(r.controlled)), Sigmat.el("td", {}, String(r.found)),
      Sigmat.el("td", {}, r.hitRate === null ? "—" : `${(r.hitRate * 100).toFixed(0)}%`),
      Sigmat.el("td", {}, Sigmat.el("button", { type: "button", class: "silence", onclick: () => silence(r.rule) }, Sigmat.t("silence")))));
    $("rule-figures").replaceChildren(rows.length ? Sigmat.el("table", {},
      Sigmat.el("tr", {}, ["rule", "owner", "fired", "controlled", "found", "hitRate", ""].map(k => Sigmat.el("th", {}, k ? Sigmat.t(k) : ""))), rows)
      : Sigmat.el("p", { class: "muted" }, Sigmat.t("none")));
  }
}

async function silence(rule) {
  const u = Sigmat.session().user;
  const reason = (prompt(Sigmat.t("silenceReason")) || "").trim();
  if (!reason) return;
  const body = { rule, reason };
  if (!u.country) {
    const country = (prompt(Sigmat.t("silenceCountry")) || "").trim().toUpperCase();
    if (!country) return;
    body.country = country;
  }
  const r = await Sigmat.api("/api/v1/risk/silences", { method: "POST", body: JSON.stringify(body) });
  const note = $("silence-note");
  note.textContent = r.ok ? (r.body.changes.join("; ") || Sigmat.t("none")) : `${rule}: ${(r.body && r.body.reason) || r.status}`;
  note.classList.remove("hidden");
  loadRisk();
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
let polling = null; // links, dead letters and fallbacks are polled, not pushed
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
  Sigmat.translate(); // now in the account's language, unless one was chosen with the button
  $("who").textContent = `${u.displayName} (${u.role})`;
  $("login").classList.add("hidden"); $("app").classList.remove("hidden"); $("logout").classList.remove("hidden");
  const r = await Sigmat.api("/api/v1/reference");
  reference = r.body;
  region = await fetch("/assets/region.json").then(a => a.json()).catch(() => null);
  $("corridor").replaceChildren(Sigmat.el("option", { value: "" }, Sigmat.t("all")), reference.corridors.map(c => Sigmat.el("option", { value: c.id }, c.name)));
  const countries = [...new Set(reference.offices.map(o => o.country))].sort();
  $("country").replaceChildren(Sigmat.el("option", { value: "" }, Sigmat.t("all")), countries.map(c => Sigmat.el("option", { value: c }, c)));
  await loadMovements();
  drawMap();
  await Promise.all([loadCounts(), loadOverdue(), loadExposure(), loadLegs(), loadDeadLetters(), loadLinks(), loadFallbacks(), loadRisk(), loadTrucks()]);
  // Once per page, however often the operator logs in again.
  if (!polling) polling = setInterval(() => { if (Sigmat.session()) { loadLinks(); loadDeadLetters(); loadFallbacks(); loadRisk(); loadTrucks(); } }, 5000);
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
