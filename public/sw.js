// Career Talk's service worker: keeps the app shell (every built asset) so the app starts
// and works with no network after one online visit. The build writes the list of assets
// and a version derived from their contents into the copy of this file at the site root
// (scripts/precache.mjs), so every new build gets a new cache and the old one is removed.
//
// Updates never interrupt anyone: a new worker waits until the page asks it to take over
// (the app shows "a new version is available" and reloads only when the user says so).

const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `career-talk-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(keys.filter((k) => k.startsWith('career-talk-') && k !== CACHE).map((k) => caches.delete(k))),
    ).then(() => self.clients.claim()),
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // Every route is the single-page app; the URL fragment (share links) stays in the page.
    event.respondWith(caches.open(CACHE).then((cache) => cache.match('/index.html')).then((hit) => hit || fetch(request)));
    return;
  }
  event.respondWith(caches.open(CACHE).then((cache) => cache.match(request)).then((hit) => hit || fetch(request)));
});
