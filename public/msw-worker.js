/*
 * MSW's worker for browser-mode run frames, with the site's own files answered first (from the cache site-worker.js
 * fills, when there is no network). MSW's worker lets navigations and the site's files go to the network (the page
 * tells it to bypass them), so offline a run frame could not load itself; this listener is added before MSW's and
 * keeps those requests from reaching it. mockServiceWorker.js itself stays as `msw init` wrote it.
 */
/* global self, importScripts, isSiteRequest, answerSiteRequest */
importScripts('./site-cache.js');

self.addEventListener('fetch', (event) => {
  if (!isSiteRequest(event.request)) return;
  event.stopImmediatePropagation();
  event.respondWith(answerSiteRequest(event.request));
});

importScripts('./mockServiceWorker.js');
