// Service Oasis mobile form: keeps the app shell in a cache of its own version, so that /m/ opens
// without a connection and a page never runs with scripts of another version.
//
// - install caches the static shell only (no session needed); the page is added when it can be
//   fetched with a session, and only if the server says it is of this same version;
// - a new version waits until the open page says it is at a safe point ("activate-now"), then
//   takes over and drops the older caches; the page reloads into it;
// - API requests are not touched: visits wait in the page's own queue (IndexedDB).
const VERSION = "{{ version }}";
const CACHE = `oasis-shell-${VERSION}`;
const PAGE = {{ page|safe }};
const SHELL = {{ shell|safe }};
const VERSION_HEADER = "X-Oasis-Shell";

// Only a real answer may stand in: not a redirect to the login page, not an error.
function cacheable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

function pageOfThisVersion(response) {
  return cacheable(response) && response.headers.get(VERSION_HEADER) === VERSION;
}

async function fetchPage() {
  try {
    return await fetch(PAGE, { credentials: "same-origin", cache: "no-cache", redirect: "manual" });
  } catch {
    return null;
  }
}

async function install() {
  const cache = await caches.open(CACHE);
  await Promise.all(SHELL.map(async (url) => {
    const response = await fetch(url, { cache: "no-cache" });
    if (!cacheable(response)) throw new Error(`cannot cache ${url}: ${response.status}`);
    await cache.put(url, response);
  }));
  // The page too, when a session lets us (best effort: installing never depends on it).
  const page = await fetchPage();
  if (pageOfThisVersion(page)) await cache.put(PAGE, page);
}

self.addEventListener("install", (event) => {
  event.waitUntil(install());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "activate-now") self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("oasis-shell-") && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

async function refreshPage(cache) {
  const response = await fetchPage();
  if (pageOfThisVersion(response)) {
    await cache.put(PAGE, response.clone());
  } else if (cacheable(response)) {
    self.registration.update().catch(() => {}); // a newer version is deployed: fetch its worker
  }
  return response;
}

// The page: from this version's cache at once (a shop floor has poor reception), refreshed in the
// background; a page of another version is never cached here.
async function page(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(PAGE);
  if (cached) {
    event.waitUntil(refreshPage(cache));
    return cached;
  }
  const response = await refreshPage(cache);
  return response && response.type !== "opaqueredirect" ? response : fetch(event.request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(page(event));
  } else if (SHELL.includes(url.pathname) && url.pathname !== PAGE) {
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(url.pathname)).then((cached) => cached || fetch(request)));
  }
});
