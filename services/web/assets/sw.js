// Keeps the officers' app usable without a connection: the app shell is cached; API calls
// always go to the network (the app queues actions itself while offline).
const CACHE = "sigmat-officer-v6";
const SHELL = ["/officer/", "/assets/officer.js", "/assets/train.js", "/assets/common.js", "/assets/i18n.js", "/assets/app.css", "/assets/document.html", "/assets/document.js", "/assets/manifest.json"];
self.addEventListener("install", event => { event.waitUntil(caches.open(CACHE).then(c => c.addAll(SHELL)).then(() => self.skipWaiting())); });
self.addEventListener("activate", event => {
  // Earlier versions' caches go: a phone keeps one copy of the app.
  event.waitUntil(caches.keys()
    .then(keys => Promise.all(keys.filter(k => k !== CACHE).map(k => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener("fetch", event => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.pathname.startsWith("/api/")) return;
  event.respondWith(fetch(event.request).then(response => {
    const copy = response.clone();
    caches.open(CACHE).then(c => c.put(event.request, copy));
    return response;
  }).catch(() => caches.match(event.request)));
});
