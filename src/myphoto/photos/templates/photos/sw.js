// MyPhoto's service worker (served at /sw.js by web/app_shell.py, which fills in the
// version and the files). It keeps the app's own static files, so pages start fast and
// the offline page shows when the server cannot be reached; it never keeps a page, a
// photo or an API answer, which are one account's. It also receives what a phone's share
// sheet sends to the installed app and hands the files to the page's upload panel.
const VERSION = "{{ version }}";
const CACHE = `myphoto-shell-${VERSION}`;
const SHELL = {{ shell|safe }};
const OFFLINE = "{{ offline }}";
const SHARE_TARGET = "{{ share_target }}";
const STATIC = "/static/";
const LANDING = "{{ landing }}";
// Downloads (a zip streams for minutes), the API and WebDAV: the browser's own, untouched.
const PASS_THROUGH = /\/download|^\/api\/|^\/dav\//;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([...SHELL, new Request(OFFLINE, { credentials: "omit" })]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("myphoto-") && name !== CACHE).map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

// Shared files wait here for the page they were sent to, by its client id.
const shared = new Map();

function receiveShare(event) {
  const files = event.request.formData().then((data) => data.getAll("files").filter((file) => file instanceof File));
  let delivered;
  const handedOver = new Promise((resolve) => { delivered = resolve; });
  const id = event.resultingClientId;
  shared.set(id, { files, delivered });
  // The page asks for them once it has loaded; a minute is plenty.
  event.waitUntil(Promise.race([handedOver, new Promise((resolve) => setTimeout(resolve, 60_000))])
    .then(() => shared.delete(id)));
  event.respondWith(Response.redirect(LANDING, 303));
}

self.addEventListener("message", (event) => {
  if (event.data?.type !== "share-ready" || !event.source) return;
  const waiting = shared.get(event.source.id);
  const files = waiting ? waiting.files : Promise.resolve([]);
  event.waitUntil(files.then((list) => {
    event.source.postMessage({ type: "shared-files", files: list });
    waiting?.delivered();
  }));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === SHARE_TARGET) {
    receiveShare(event);
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith(STATIC)) {
    // The app's own files: from the cache, else the network (and kept for next time).
    event.respondWith(caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(request, { ignoreSearch: true });
      if (kept) return kept;
      const answer = await fetch(request);
      if (answer.ok && SHELL.includes(url.pathname)) cache.put(request, answer.clone());
      return answer;
    }));
    return;
  }
  if (request.mode === "navigate" && !PASS_THROUGH.test(url.pathname)) {
    // Pages always from the server; the offline page when it cannot be reached.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
  }
});
