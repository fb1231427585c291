/**
 * Requests for the site's own files must never reach a learner's server, even one that answers every path: the run
 * frame loads its scripts through the same service worker that mocks the learner's traffic. Vite's dev server serves
 * modules from these prefixes; the build puts everything under `<base>/assets/` beside the two pages and the worker.
 * The test runner's own endpoints (`/__web-dev-server…`) are the equivalent of Vite's `/@vite/`.
 */
const DEV_PREFIXES = ['/@vite/', '/@fs/', '/@id/', '/src/', '/node_modules/', '/__web-dev-server', '/__wtr'];
const BUILT_FILES = ['run.html', 'index.html', 'chat.html', 'mockServiceWorker.js', 'msw-worker.js', 'site-worker.js', 'site-cache.js', 'offline-files.json'];

/**
 * @param url the request's URL
 * @param baseURI the document's base URI (`document.baseURI`), which tells where the site is served from
 * @example isSiteFile(new URL('http://localhost:5173/@vite/client'), 'http://localhost:5173/run.html') // true
 */
export function isSiteFile(url: URL, baseURI: string): boolean {
  const base = new URL('./', baseURI);
  if (url.origin !== base.origin) return false;
  const path = url.pathname;
  if (DEV_PREFIXES.some((prefix) => path.startsWith(prefix))) return true;
  if (path.startsWith(base.pathname + 'assets/')) return true;
  return BUILT_FILES.some((file) => path === base.pathname + file || path === '/' + file);
}
