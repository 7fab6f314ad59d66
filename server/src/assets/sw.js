// Member Tech Support service worker. The server fills in VERSION with the release's asset hash,
// so every release is a new worker that replaces the old cache.
const VERSION = "__VERSION__";
const SHELL = `desk-shell-${VERSION}`;
const OFFLINE_URL = "/offline";
const STATIC = ["/manifest.webmanifest", "/favicon.svg", "/icon-192.png", "/icon-512.png", "/icon-maskable-512.png"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll([OFFLINE_URL, ...STATIC]);
    // The offline page names the release's hashed /pkg files: keep those too (the app shell).
    const page = await (await cache.match(OFFLINE_URL)).text();
    const assets = [...new Set(page.match(/\/pkg\/[^"'\s)]+/g) || [])];
    await cache.addAll(assets);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== SHELL) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  // Hashed names never change content: cache first.
  if (url.pathname.startsWith("/pkg/") || STATIC.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
    return;
  }
  // Pages carry a member's data: always from the network, never stored; offline page without one.
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(async () => (await caches.open(SHELL)).match(OFFLINE_URL)));
  }
  // Everything else (server functions, attachments, live events, chat sockets) is left to the
  // network and never cached, so nothing of one member can reach another.
});
