/*
 * The site's own files, kept so that a learner who opened Pushlab once can use it with no network. Shared by both of
 * the site's service workers through importScripts (a classic script for that reason): site-worker.js, whose scope
 * is the whole site, fills the cache; msw-worker.js, MSW's worker for browser-mode run frames, reads it for the
 * frames' own files. Which files: offline-files.json, written by the build (vite.config.ts).
 *
 * Only the site's files are answered; every other request (the learner's /test, an EventSource, the backend's API)
 * is left to the browser untouched, so the network behaves as it would without a worker.
 */
/* global self, caches, fetch, URL, Response */
const SITE_CACHE_PREFIX = 'pushlab-site-';
const siteBase = new URL('./', self.location.href);

function sitePath(url) {
  if (url.origin !== siteBase.origin || !url.pathname.startsWith(siteBase.pathname)) return undefined;
  const path = url.pathname.slice(siteBase.pathname.length);
  return path === '' ? 'index.html' : path;
}

/**
 * A request for one of the site's files, or a page of it: what the workers answer. The site's folder itself counts
 * only when the browser opens it as a page: a learner's `fetch('/')` is for their server.
 */
function isSiteRequest(request) {
  if (request.method !== 'GET') return false;
  const url = new URL(request.url);
  const path = sitePath(url);
  if (path === undefined) return false;
  if (url.pathname === siteBase.pathname) return request.mode === 'navigate';
  return path.startsWith('assets/') || /^(index|run|chat)\.html$/.test(path) || path === 'mockServiceWorker.js' || path === 'offline-files.json';
}

async function fromCache(request) {
  const path = sitePath(new URL(request.url));
  // Pages are asked for with a query (run.html?msw=1&run=…): one copy answers all of them.
  return caches.match(new URL(path, siteBase).href, { ignoreSearch: true });
}

/**
 * Hashed assets never change, so the cache answers first; pages and the file list may change with a new build, so
 * the network answers first and the cache only when there is none.
 */
async function answerSiteRequest(request) {
  const path = sitePath(new URL(request.url));
  if (path.startsWith('assets/')) {
    const cached = await fromCache(request);
    if (cached) return cached;
    return fetch(request);
  }
  try {
    return await fetch(request);
  } catch (error) {
    const cached = await fromCache(request);
    if (cached) return cached;
    throw error;
  }
}

async function precacheSite() {
  const list = await (await fetch(new URL('offline-files.json', siteBase), { cache: 'no-store' })).json();
  const cache = await caches.open(SITE_CACHE_PREFIX + list.version);
  await cache.addAll(list.files.map((file) => new URL(file, siteBase).href));
  return list.version;
}

async function dropOldSiteCaches(keep) {
  for (const key of await caches.keys()) {
    if (key.startsWith(SITE_CACHE_PREFIX) && key !== SITE_CACHE_PREFIX + keep) await caches.delete(key);
  }
}
