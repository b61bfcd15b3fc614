// What both apps share: the session, API calls, texts in two languages.
"use strict";
const Sigmat = {
  session() { try { return JSON.parse(localStorage.getItem("sigmat.session")); } catch { return null; } },
  setSession(s) { s ? localStorage.setItem("sigmat.session", JSON.stringify(s)) : localStorage.removeItem("sigmat.session"); },
  // The language chosen with the button, else the account's (after login), else the phone's
  // or browser's (French in all seven countries of the corridors), else English.
  lang() {
    const browser = (navigator.languages || [navigator.language || ""]).some(l => l.toLowerCase().startsWith("fr")) ? "fr" : "en";
    return localStorage.getItem("sigmat.lang") || (this.session()?.user?.language) || browser;
  },
  t(key) { return (TEXTS[this.lang()] || TEXTS.en)[key] || TEXTS.en[key] || key; },
  translate(root = document) {
    root.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = this.t(el.dataset.i18n); });
    root.querySelectorAll("[data-i18n-placeholder]").forEach(el => { el.placeholder = this.t(el.dataset.i18nPlaceholder); });
    document.documentElement.lang = this.lang();
  },
  toggleLanguage() { localStorage.setItem("sigmat.lang", this.lang() === "en" ? "fr" : "en"); this.translate(); },
  async api(path, options = {}) {
    const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
    const s = this.session();
    if (s) headers.Authorization = "Bearer " + s.token;
    const response = await fetch(path, Object.assign({}, options, { headers }));
    let body = null;
    try { body = await response.json(); } catch { body = null; }
    if (response.status === 401 && path !== "/api/v1/sessions") { this.setSession(null); }
    return { status: response.status, ok: response.ok, body };
  },
  async login(username, password) {
    const r = await this.api("/api/v1/sessions", { method: "POST", body: JSON.stringify({ username, password }) });
    if (r.status === 201) { this.setSession(r.body); }
    return r;
  },
  async logout() {
    await this.api("/api/v1/sessions", { method: "DELETE" }).catch(() => {});
    this.setSession(null);
  },
  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c.nodeType ? c : String(c));
    return e;
  },
  when(iso) { return iso ? new Date(iso).toLocaleString(this.lang() === "fr" ? "fr-FR" : "en-GB", { timeZone: "UTC" }) + " UTC" : ""; },
};
