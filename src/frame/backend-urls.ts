/**
 * Real mode against a backend on another origin (a static site built with VITE_PUSHLAB_BACKEND): the learner's client
 * writes `new EventSource('/test')` or `io()`, meaning "my server", which here is the backend, not the static host
 * the frame was loaded from. Relative and same-origin URLs are resolved against the backend before the client's
 * request is made; absolute URLs to other hosts (ws://localhost:8181) are left as written.
 */
import { learnerPortPath } from '../shared/backend-api.js';

type FrameWindow = Window & typeof globalThis & Record<string, unknown>;

/** Wraps the frame's URL-taking APIs so that each URL passes through `resolve` before the request is made. */
function rewriteUrls(win: FrameWindow, resolve: (input: string | URL) => string): void {
  const originalFetch = win.fetch.bind(win);
  win.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
    input instanceof win.Request ? originalFetch(new win.Request(resolve(input.url), input), init) : originalFetch(resolve(input), init);

  // `url` stays the URL as the learner's code wrote it (resolved against the frame, as the browser would): the code,
  // and the traffic taps that read it, see their own server, not the route that reaches it.
  const NativeEventSource = win.EventSource;
  win.EventSource = class extends NativeEventSource {
    readonly #written: string;
    constructor(url: string | URL, init?: EventSourceInit) {
      super(resolve(url), init);
      this.#written = new URL(String(url), win.location.href).href;
    }
    override get url(): string {
      return this.#written;
    }
  };

  const NativeWebSocket = win.WebSocket;
  win.WebSocket = class extends NativeWebSocket {
    readonly #written: string;
    constructor(url: string | URL, protocols?: string | string[]) {
      const ws = String(url).replace(/^http/, 'ws');
      super(resolve(ws), protocols);
      this.#written = new URL(ws, win.location.href).href;
    }
    override get url(): string {
      return this.#written;
    }
  };

  const open = win.XMLHttpRequest.prototype.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
  win.XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    open.call(this, method, resolve(url), ...rest);
  } as typeof XMLHttpRequest.prototype.open;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Real mode: the learner's client names its server's ports as the course does (`ws://localhost:8181`), but on this
 * machine the server may listen elsewhere (the port was taken; server/child/preload.cjs). Each loopback URL with an
 * explicit port other than the backend's own goes to the backend's route for that port of this page's run, which
 * knows where it really is. The learner's code, and the traffic taps installed after this, still see the URL as
 * written.
 */
export function routeLearnerPorts(win: FrameWindow, backendUrl: string, pageId: string): void {
  const backend = new URL(backendUrl);
  const backendPort = backend.port || (backend.protocol === 'https:' ? '443' : '80');
  rewriteUrls(win, (input) => {
    const url = new URL(String(input), win.location.href);
    if (!LOOPBACK_HOST.test(url.hostname) || url.port === '' || url.port === backendPort) return url.href;
    const target = new URL(learnerPortPath(pageId, Number(url.port), url.pathname) + url.search + url.hash, backend);
    if (url.protocol === 'ws:' || url.protocol === 'wss:') target.protocol = backend.protocol === 'https:' ? 'wss:' : 'ws:';
    return target.href;
  });
}

export function redirectRelativeUrls(win: FrameWindow, backendUrl: string): void {
  const backend = new URL(backendUrl);
  const resolve = (input: string | URL): string => {
    const url = new URL(String(input), win.location.href);
    // ws://<this host> means this origin too: a WebSocket URL's origin never equals the page's http one.
    const page = win.location;
    const wsOfPage = page.protocol === 'https:' ? 'wss:' : 'ws:';
    const sameHost = url.host === page.host && (url.protocol === page.protocol || url.protocol === wsOfPage);
    if (!sameHost) return url.href;
    const target = new URL(url.pathname + url.search + url.hash, backend);
    if (url.protocol === 'ws:' || url.protocol === 'wss:') target.protocol = backend.protocol === 'https:' ? 'wss:' : 'ws:';
    return target.href;
  };

  rewriteUrls(win, resolve);
}

/** socket.io's `io()` with no URL means "the page's own server": here, the backend. */
export function ioWithBackend<T extends (...args: unknown[]) => unknown>(io: T, backendUrl: string): T {
  const wrapped = (...args: unknown[]) => {
    if (args.length === 0 || typeof args[0] !== 'string') return io(backendUrl, ...args);
    return io(...args);
  };
  return Object.assign(wrapped, io) as unknown as T;
}
