// Service Oasis mobile form: caches the app shell so that /m/ opens without a connection.
// API requests are not touched: visits wait in the page's own queue until they are answered.
const VERSION = "{{ version }}";
const CACHE = `oasis-shell-${VERSION}`;
const PAGE = {{ page|safe }};
const SHELL = {{ shell|safe }};

// Only a real answer may stand in for the page: not a redirect to the login page, not an error.
function cacheable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

async function install() {
  const cache = await caches.open(CACHE);
  await Promise.all(SHELL.map(async (url) => {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-cache", redirect: "manual" });
    if (!cacheable(response)) throw new Error(`cannot cache ${url}: ${response.status}`);
    await cache.put(url, response);
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(install().then(() => self.skipWaiting()));
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
  try {
    const response = await fetch(PAGE, { credentials: "same-origin", cache: "no-cache", redirect: "manual" });
    if (cacheable(response)) await cache.put(PAGE, response.clone());
    return response;
  } catch {
    return null;
  }
}

// The page: from the cache at once (a shop floor has poor reception), refreshed in the background.
async function page(event) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(PAGE);
  if (cached) {
    event.waitUntil(refreshPage(cache));
    return cached;
  }
  return (await refreshPage(cache)) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(page(event));
  } else if (SHELL.includes(url.pathname) && url.pathname !== PAGE) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
