/**
 * Real mode against a backend on another origin (a static site built with VITE_PUSHLAB_BACKEND): the learner's client
 * writes `new EventSource('/test')` or `io()`, meaning "my server", which here is the backend, not the static host
 * the frame was loaded from. Relative and same-origin URLs are resolved against the backend before the client's
 * request is made; absolute URLs to other hosts (ws://localhost:8181) are left as written.
 */
type FrameWindow = Window & typeof globalThis & Record<string, unknown>;

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

  const originalFetch = win.fetch.bind(win);
  win.fetch = (input: RequestInfo | URL, init?: RequestInit) =>
    input instanceof win.Request ? originalFetch(new win.Request(resolve(input.url), input), init) : originalFetch(resolve(input), init);

  const NativeEventSource = win.EventSource;
  win.EventSource = class extends NativeEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(resolve(url), init);
    }
  };

  const NativeWebSocket = win.WebSocket;
  win.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(resolve(String(url).replace(/^http/, 'ws')), protocols);
    }
  };

  const open = win.XMLHttpRequest.prototype.open as (this: XMLHttpRequest, ...args: unknown[]) => void;
  win.XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    open.call(this, method, resolve(url), ...rest);
  } as typeof XMLHttpRequest.prototype.open;
}

/** socket.io's `io()` with no URL means "the page's own server": here, the backend. */
export function ioWithBackend<T extends (...args: unknown[]) => unknown>(io: T, backendUrl: string): T {
  const wrapped = (...args: unknown[]) => {
    if (args.length === 0 || typeof args[0] !== 'string') return io(backendUrl, ...args);
    return io(...args);
  };
  return Object.assign(wrapped, io) as unknown as T;
}
