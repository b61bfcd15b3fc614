// The printable transit document: the MRN, its QR code and what to check, from the hub or
// from the phone's copy. A file of its own: pages run no inline script (Content-Security-Policy).
"use strict";
(async () => {
  Sigmat.translate();
  const mrn = decodeURIComponent(location.hash.slice(1)).toUpperCase();
  document.getElementById("mrn").textContent = mrn;
  document.getElementById("qr").src = `/qr/${mrn}.svg`;
  let m = null;
  try { const r = await Sigmat.api(`/api/v1/movements/${mrn}`); if (r.ok) m = r.body; } catch {}
  if (!m) { try { m = JSON.parse(localStorage.getItem("sigmat.movement." + mrn)); } catch {} }
  if (!m) return;
  const d = m.declaration || {}, g = d.goodsShipment || {};
  document.getElementById("summary").textContent =
    `${m.departureOffice} → ${m.route.map(p => p.office).join(" → ")} → ${m.destinationOffice}; ${Sigmat.t("timeLimit")}: ${Sigmat.when(m.arrivalTimeLimit)}`;
  const rows = [
    [Sigmat.t("vehicle"), `${(d.borderTransportMeans || {}).id || ""} (${(d.borderTransportMeans || {}).registrationNationalityCode || ""})`],
    [Sigmat.t("containers"), ((g.consignment || {}).transportEquipment || []).map(e => `${e.id}: ${(e.seal || []).map(s => s.id).join(", ")}`).join("; ")],
    [Sigmat.t("goods"), (g.governmentAgencyGoodsItem || []).map(i => `${i.commodity.description} — HS ${i.commodity.classification.id} — ${i.commodity.goodsMeasure.grossMassMeasure} kg`).join("; ")],
    [Sigmat.t("guarantee"), `${(d.obligationGuarantee || {}).referenceId || ""}: ${(d.obligationGuarantee || {}).amountAmount || ""} ${(d.obligationGuarantee || {}).currencyCode || ""}`],
    ["LRN", d.functionalReferenceId || ""],
  ];
  const table = Sigmat.el("table", {}, rows.map(([k, v]) => Sigmat.el("tr", {}, Sigmat.el("th", {}, k), Sigmat.el("td", {}, v))));
  document.getElementById("details").replaceChildren(table);
})();
document.getElementById("print").addEventListener("click", () => window.print());
