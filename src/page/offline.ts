/**
 * Offline use: once a learner has opened the site, it works with no network (public/site-cache.js says what is kept).
 * Two workers, each with its own scope: the site's (site-worker.js, the whole site) and MSW's for browser-mode run
 * frames (msw-worker.js, `run.html?msw=1`, see MOCKED_FRAME_QUERY). Both are registered here, on the first visit:
 * a run frame registers MSW's itself when it first runs, but offline it could not fetch the worker's script.
 */
import { MOCKED_FRAME_QUERY } from '../shared/protocol.js';
import { servedFrameOrigin } from './backend-client.js';

export function keepSiteOffline(): void {
  // Only a build: Vite's dev server serves modules that change with every edit, and a cache would hide the edits.
  // (By MODE, not PROD: PROD follows NODE_ENV, which a build started from the test runner has as 'test'.)
  if (import.meta.env.MODE === 'development' || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    const at = (file: string) => new URL(file, document.baseURI).href;
    // A private window may refuse workers: the site then works online as before.
    navigator.serviceWorker.register(at('site-worker.js'), { scope: './' }).catch(() => {});
    // Run frames on an origin of their own (served by the backend) register MSW's worker there themselves.
    if (servedFrameOrigin() === undefined) {
      navigator.serviceWorker.register(at('msw-worker.js'), { scope: at(`run.html?${MOCKED_FRAME_QUERY}`) }).catch(() => {});
    }
  });
}
