// Train mode of the officer's app: type (or scan) the train number, see its consist — wagons in
// order with their seals, containers and declarations — untick the wagons not found, and
// confirm the whole train once. The confirmation joins the phone's queue like any action
// (its own Idempotency-Key, sent when the network allows); the train last opened is kept on
// the phone, so it can be confirmed offline.
"use strict";

function cachedTrain(number) { try { return JSON.parse(localStorage.getItem("sigmat.train." + number)); } catch { return null; } }

async function openTrain(number) {
  number = number.trim();
  if (!number) return;
  $("train-message").textContent = "";
  // Whatever was on screen goes: a confirmation must never be tapped on the wrong train.
  const view = $("train-view");
  view.replaceChildren();
  view.classList.add("hidden");
  delete view.dataset.train;
  let train = null;
  try {
    const r = await Sigmat.api(`/api/v1/trains/${encodeURIComponent(number)}`);
    if (r.status === 401) return showLogin();
    if (r.ok) { train = r.body; localStorage.setItem("sigmat.train." + number, JSON.stringify(train)); }
    else if (r.status >= 500) train = cachedTrain(number); // the hub is busy: the phone's copy
    if (!train) $("train-message").textContent = (r.body && r.body.reason) || Sigmat.t("trainNotFound");
  } catch {
    train = cachedTrain(number);
    if (!train) $("train-message").textContent = Sigmat.t("trainNotFound");
  }
  if (train) renderTrain(train);
}

function renderTrain(train) {
  const box = $("train-view");
  box.dataset.train = train.train;
  const wagons = train.wagons.map(w => Sigmat.el("li", { "data-wagon": w.id },
    Sigmat.el("label", {},
      Sigmat.el("input", { type: "checkbox", checked: "checked", "data-wagon-present": w.id }),
      ` ${w.position}. ${w.id}${w.typeCode ? " (" + w.typeCode + ")" : ""}`),
    Sigmat.el("div", { class: "muted" },
      [w.containers.length ? `${Sigmat.t("trainContainers")}: ${w.containers.join(", ")}` : null,
       w.seals.length ? `${Sigmat.t("trainSeals")}: ${w.seals.join(", ")}` : null,
       `${Sigmat.t("declarations")}: ${w.declarations.join(", ")}`].filter(Boolean).join(" — "))));
  const stages = [["passage", "confirmTrainPassage"], ["arrival", "confirmTrainArrival"], ["departure", "setWagonsAside"]];
  // While a confirmation of this train waits in the queue, no other can be tapped.
  const waiting = queue().some(a => a.train === train.train && a.status === "pending");
  box.replaceChildren(
    Sigmat.el("h3", {}, `${Sigmat.t("train")} ${train.train}${train.undertaking ? " — " + train.undertaking : ""}`),
    Sigmat.el("p", { id: "train-summary" }, `${train.wagons.length} ${Sigmat.t("wagons")}, ${train.declarations.length} ${Sigmat.t("declarations")}`
      + (train.setAside.length ? `, ${train.setAside.length} ${Sigmat.t("setAside")}` : "")),
    Sigmat.el("ul", { class: "plain", id: "wagons" }, wagons),
    ...stages.map(([stage, label]) => {
      const button = Sigmat.el("button", { type: "button", id: `confirm-train-${stage}`, "data-train-action": stage,
        class: stage === "departure" ? "" : "primary", onclick: () => confirmTrain(train, stage, Sigmat.t(label)) }, Sigmat.t(label));
      button.disabled = waiting;
      return button;
    }),
    Sigmat.el("p", { id: "train-result", class: "muted" }));
  box.classList.remove("hidden");
  showTrainResult(train.train);
}

function confirmTrain(train, stage, label) {
  const present = [], missing = [];
  for (const box of document.querySelectorAll("#wagons input[data-wagon-present]")) (box.checked ? present : missing).push(box.dataset.wagonPresent);
  for (const b of document.querySelectorAll("#train-view button[data-train-action]")) b.disabled = true;
  const key = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  const q = queue();
  q.push({ key, train: train.train, mrn: `${Sigmat.t("train")} ${train.train}`, label: `${label} (${present.length}/${present.length + missing.length})`,
    body: { stage, wagonsPresent: present, wagonsMissing: missing, at: new Date().toISOString() }, status: "pending", createdAt: new Date().toISOString() });
  saveQueue(q);
  sync();
}

/// What the latest confirmation of the train on screen came to, once the hub answered.
function showTrainResult(number) {
  const box = $("train-view");
  if (!box || box.dataset.train !== number) return;
  const last = queue().filter(a => a.train === number).pop();
  const out = $("train-result");
  if (!last || !out) return;
  out.dataset.status = last.status;
  const waiting = last.status === "pending";
  for (const b of document.querySelectorAll("#train-view button[data-train-action]")) b.disabled = waiting;
  if (last.status === "synced" && last.result) {
    out.textContent = `${last.result.passed.length} ${Sigmat.t("trainPassed")}, ${last.result.incidents.length} ${Sigmat.t("trainIncidents")}`
      + (last.result.setAside ? `, ${last.result.setAside} ${Sigmat.t("setAside")}` : "");
  } else {
    out.textContent = Sigmat.t(last.status) + (last.error ? ` (${last.error})` : "");
  }
}

$("train-form").addEventListener("submit", e => { e.preventDefault(); openTrain($("train").value); });
