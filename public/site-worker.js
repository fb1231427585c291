/*
 * The site's offline worker (site-cache.js says what it keeps). Its scope is the site; MSW's worker keeps the narrower
 * scope of browser-mode run frames (run.html?msw=1), where the browser picks MSW's.
 */
/* global self, importScripts, precacheSite, dropOldSiteCaches, isSiteRequest, answerSiteRequest */
importScripts('./site-cache.js');

let version;

self.addEventListener('install', (event) => {
  event.waitUntil(
    precacheSite().then((v) => {
      version = v;
      return self.skipWaiting();
    }),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil((version ? dropOldSiteCaches(version) : Promise.resolve()).then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  if (isSiteRequest(event.request)) event.respondWith(answerSiteRequest(event.request));
});
