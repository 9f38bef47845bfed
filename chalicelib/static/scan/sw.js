/* The scanner page's service worker (/scan-sw.js, scope /scan): after the first visit the
 * page, its script, the QR decoder and the checkpoint lists come from this cache when
 * there is no network. Pages and lists: the network first, the cache when it fails;
 * the static files: the cache first (the cache's name changes with their content). */
"use strict";

// Named by the digest of the files it keeps (chalicelib/web/scan_pages.py fills it in):
// changed files make a changed worker, which installs and drops the old cache.
const CACHE = "jiafuwu-scan-__FILES_VERSION__";
const PAGE = "/scan";
const FILES = ["/scan/scan.js", "/scan/jsQR.js", "/scan/scan.css", "/static/app.css"];
const LISTS = ["/api/trust-list", "/api/revocations"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([PAGE, ...FILES, ...LISTS]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(key, answer.clone());
    return answer;
  } catch (e) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const answer = await fetch(request);
  if (answer.ok) await cache.put(request, answer.clone());
  return answer;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    event.respondWith(networkFirst(event.request, PAGE)); // any ?checkpoint= is the same page
  } else if (url.pathname === "/api/trust-list") {
    event.respondWith(networkFirst(event.request, "/api/trust-list"));
  } else if (url.pathname === "/api/revocations") {
    // a delta answers only its own question: cached under its own address
    event.respondWith(networkFirst(event.request, url.pathname + url.search));
  } else if (FILES.includes(url.pathname)) {
    event.respondWith(cacheFirst(event.request));
  }
});
