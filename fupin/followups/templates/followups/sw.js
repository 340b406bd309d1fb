// The working list's service worker (scope /followups/): keeps the app shell and the last
// working list so that the page works without signal. Network first, then the cache.
// Nothing else is cached: the list's JSON holds only what the page already shows.
const CACHE = "fupin-followups-{{ version }}";
const SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const LIST = "/api/v1/followups/worklist/";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).catch(() => null)
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("fupin-followups-") && k !== CACHE)
      .map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

function cacheable(url) {
  if (url.origin !== self.location.origin) return false;
  return url.pathname === "/followups/" || url.pathname === LIST || SHELL.includes(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (!cacheable(url)) return;
  const key = url.pathname === "/followups/" ? "/followups/" : url.pathname;
  event.respondWith(fetch(req).then((resp) => {
    if (resp.ok && !resp.redirected) {
      const copy = resp.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return resp;
  }).catch(() => caches.open(CACHE).then((cache) => cache.match(key)).then((hit) =>
    hit || new Response("", {status: 503, statusText: "offline"}))));
});
