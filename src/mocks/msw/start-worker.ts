/**
 * MSW's service worker, started inside the run frame. Handlers run in the page that started the worker, so it must be
 * this frame: the learner's server lives in the frame's realm, and the worker sends each intercepted request here.
 */
import { http } from 'msw';
import { setupWorker, type SetupWorker } from 'msw/browser';
import { MOCKED_FRAME_QUERY } from '../../shared/protocol.js';
import { isSiteFile } from './site-files.js';

/**
 * Answers one intercepted request: a Response (a streamed one for a live server), `Response.error()` for a refused
 * connection, or undefined to let the request go to the network untouched.
 */
export type RequestResolver = (request: Request) => Response | undefined | Promise<Response | undefined>;

export interface MswWorker {
  stop(): void;
}

/**
 * Starts MSW in `win` with one catch-all handler. One plain http handler serves every method and every kind of
 * request, so fetch streaming, long polling and SSE share one path (msw's `sse()` matches only requests that send
 * `Accept: text/event-stream`, which a `fetch()` reading an event stream need not).
 */
export async function startWorker(win: Window & typeof globalThis, resolve: RequestResolver): Promise<MswWorker> {
  // msw registers the worker with the globals of the realm it was loaded in (navigator.serviceWorker, location,
  // window's 'beforeunload'): the worker's client is whoever evaluated this module, whatever window we are handed.
  if (win !== (globalThis as unknown)) {
    throw new Error('[pushlab] The http runtime must be loaded by the run frame itself, not by its parent page.');
  }
  const baseURI = win.document.baseURI;
  const worker: SetupWorker = setupWorker(
    http.all('*', ({ request }) => {
      if (isSiteFile(new URL(request.url), baseURI)) return undefined;
      return resolve(request);
    }),
  );

  // @note The worker tees every response that is not `text/event-stream` to send a copy back here for msw's
  // 'response:*' events (see handleRequest in public/mockServiceWorker.js). A teed stream cancels its source only
  // once both branches are cancelled, and the copy here is never read: without this, a client that aborts a streamed
  // fetch or a held long poll would never reach our stream's cancel(), and the copy would buffer the whole stream.
  const releaseCopy = ({ response }: { response: Response }) => {
    response.body?.cancel().catch(() => {});
  };
  worker.events.on('response:mocked', releaseCopy);

  // A browser-mode run frame registers the worker for browser-mode run frames only (MOCKED_FRAME_QUERY says why);
  // any other page that starts it (the component tests) keeps msw's default scope, the worker's folder.
  const frameScope = new URL(`run.html?${MOCKED_FRAME_QUERY}`, baseURI).href;
  const scope = win.location.href.startsWith(frameScope) ? frameScope : undefined;
  if (scope) {
    // Earlier versions registered the worker for the whole site, where it would still take real-mode frames.
    const wholeSite = new URL('./', baseURI).href;
    for (const old of await win.navigator.serviceWorker.getRegistrations()) {
      // Earlier versions registered MSW's worker for the whole site (the site's offline worker, site-worker.js, has
      // that scope now and stays).
      if (old.scope === wholeSite && old.active?.scriptURL.endsWith('/mockServiceWorker.js')) await old.unregister();
    }
  }
  await worker.start({
    serviceWorker: {
      // MSW's worker with the site's own files answered offline too (public/msw-worker.js): frames are the pages
      // this worker controls, and offline they must still load themselves.
      url: new URL('msw-worker.js', baseURI).href,
      ...(scope ? { options: { scope } } : {}),
    },
    quiet: true,
    onUnhandledRequest: 'bypass',
  });
  return {
    stop() {
      worker.events.removeListener('response:mocked', releaseCopy);
      worker.stop();
    },
  };
}
