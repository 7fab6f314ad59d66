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

// Web Push: the desk's notices (app/src/ssr/push/payload.rs), shown as notifications. One per
// ticket (its tag), so a newer notice replaces the older one on the phone.
self.addEventListener("push", (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch (_) {
    notice = {};
  }
  const actions = Array.isArray(notice.actions) ? notice.actions : [];
  const links = {};
  for (const a of actions) links[a.action] = a.url;
  event.waitUntil(self.registration.showNotification(notice.title || "Member Tech Support", {
    body: notice.body || "",
    tag: notice.tag,
    renotify: Boolean(notice.tag),
    lang: notice.lang,
    icon: "/icon-192.png",
    badge: "/icon-192.png",
    data: { url: notice.url || "/", links },
    actions: actions.map((a) => ({ action: a.action, title: a.title })),
  }));
});

// Opens the ticket (or a button's own link, e.g. rating it) in a window of the desk: an open one
// if there is one, else a new one. Only a path of this site is opened, whatever the payload says.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const raw = (event.action && data.links && data.links[event.action]) || data.url || "/";
  const link = new URL(raw, self.location.origin);
  const target = new URL(link.pathname + link.search + link.hash, self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if (new URL(client.url).origin !== self.location.origin || !("navigate" in client)) continue;
      try {
        await client.focus();
      } catch (_) {
        // Focusing needs the click's permission, which a browser may not pass on.
      }
      try {
        await client.navigate(target);
        return;
      } catch (_) {
        // An uncontrolled window cannot be navigated from here: open a new one below.
      }
    }
    await self.clients.openWindow(target);
  })());
});

// The browser replaced this device's subscription (its push service rotated it): hand the new
// one to the desk, so notices keep arriving without the person turning them on again.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const old = event.oldSubscription;
    const key = old && old.options && old.options.applicationServerKey;
    const fresh = event.newSubscription
      || (key && await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
    if (!fresh) return;
    const json = fresh.toJSON();
    const body = new URLSearchParams({ endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth });
    await fetch("/api/push_subscribe", { method: "POST", body, credentials: "same-origin" });
  })());
});
