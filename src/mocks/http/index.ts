/**
 * require('http') over MSW: a lesson's Node server runs in the run frame, and the frame's own fetch and XMLHttpRequest
 * reach it through MSW's service worker with a streamed Response, so fetch streaming and long polling share one path
 * and each `res.write` reaches the client when it is written. The frame's EventSource is the runtime's own
 * (browser-event-source.ts), which takes the same Response in this thread, without the worker's detour.
 */
import type { RuntimeContext, ShimInstall } from '../context.js';
import { startWorker } from '../msw/start-worker.js';
import { createBrowserEventSource } from './browser-event-source.js';
import type { Delivery } from '../network/deliver.js';
import { unsupported } from '../unsupported.js';
import { serveExchange, type ExchangeDeps } from './exchange.js';
import { HostNetwork } from './host-network.js';
import { IncomingMessage, type Guard } from './incoming-message.js';
import { PageReads } from '../network/page-reads.js';
import { Server, type ServerDeps } from './server.js';
import { ServerResponse } from './server-response.js';
import { METHODS, STATUS_CODES } from './status-codes.js';

/**
 * Reached through `modules.http[HTTP_INTERNALS]` by the ws shim, not visible to learner code: which http server a URL
 * reaches, so a WebSocket to a port whose server has an 'upgrade' listener (a proxy in server.js) is offered to it.
 */
export const HTTP_INTERNALS = Symbol.for('pushlab.http.internals');
export interface HttpInternals {
  serverAt(url: URL): Server | undefined;
}

export async function installHttp(ctx: RuntimeContext): Promise<ShimInstall> {
  const network = new HostNetwork();
  const open = new Set<ServerResponse>();
  const deliveries = new Set<Delivery>();
  let conns = 0;
  const guard: Guard = (fn) => {
    try {
      fn();
    } catch (error) {
      ctx.fatal(error);
    }
  };
  const reads = new PageReads();
  /** Each client window's EventSource, put back when the run stops (see browser-event-source.ts for why ours). */
  const eventSources: Array<() => void> = [];
  const exchangeDeps: ExchangeDeps = { ctx, guard, reads, open, deliveries, nextConn: () => `http#${++conns}` };
  const pageOrigin = ctx.win.location.origin;

  reads.track(ctx.win);
  const serveRequest = (request: Request) => {
    const target = network.route(new URL(request.url), pageOrigin);
    // Nobody listens on that port of this machine: the browser's connection is refused (TypeError: Failed to fetch).
    if (target === 'refused') return Response.error();
    if (!target) return undefined;
    // Offline, or the connection lost to the drop rate before the server saw it: the browser's fetch fails.
    if (ctx.network?.refusesConnection()) return Response.error();
    return serveExchange(target, request, exchangeDeps);
  };
  const ownEventSource = (win: Window & typeof globalThis) => {
    const descriptor = Object.getOwnPropertyDescriptor(win, 'EventSource');
    // An address no in-browser server has (another host) keeps the browser's own EventSource.
    const owns = (url: URL) => network.route(url, pageOrigin) !== undefined;
    const { EventSource, stop } = createBrowserEventSource(win, serveRequest, owns, win.EventSource);
    Object.defineProperty(win, 'EventSource', { value: EventSource, writable: true, configurable: true, enumerable: false });
    eventSources.push(() => {
      stop();
      if (win.EventSource !== EventSource) return;
      if (descriptor) Object.defineProperty(win, 'EventSource', descriptor);
      else delete (win as { EventSource?: unknown }).EventSource;
    });
  };
  let worker;
  try {
    worker = await startWorker(ctx.win, serveRequest);
  } catch (error) {
    reads.uninstall();
    throw error;
  }

  ownEventSource(ctx.win);
  const serverDeps: ServerDeps = {
    network,
    guard,
    crash: (error) => ctx.fatal(error),
    unsupported: (what) => unsupported(what, ctx.lang),
  };
  const http = createHttpModule(serverDeps);
  const internals: HttpInternals = {
    serverAt(url) {
      const target = network.route(url, pageOrigin);
      return target === 'refused' ? undefined : target;
    },
  };
  Object.defineProperty(http, HTTP_INTERNALS, { value: internals, enumerable: false });
  const stopWorker = worker.stop;
  // The network panel: a kill cuts every exchange and every response on its way; a restart also frees every port.
  const unregister = ctx.network?.onCut((how) => {
    for (const res of [...open]) res.cut(how === 'restart' ? 'restarted' : 'killed');
    for (const delivery of [...deliveries]) delivery.cut();
    deliveries.clear();
    if (how === 'restart') network.clear();
  });
  return {
    modules: { http },
    serveRequest,
    // Another client frame of this run: its EventSource is ours too, reading this run's servers directly. Its other
    // requests reach serveRequest through the worker it starts in its own realm (see src/frame/run-frame.ts).
    attachClient(win) {
      reads.track(win);
      ownEventSource(win);
      return () => {};
    },
    stop() {
      // The exchanges first: restoring an EventSource closes it, and a close must not reach a server that is gone
      // (its handler would hear its client leave after a crash, which Node never runs).
      for (const res of [...open]) res.kill();
      open.clear();
      for (const restore of eventSources.splice(0)) restore();
      unregister?.();
      network.clear();
      reads.uninstall();
      stopWorker();
    },
  };
}

/** The module object `require('http')` returns: the server side of Node's http. */
function createHttpModule(deps: ServerDeps) {
  const RunServer = class Server_ extends Server {
    constructor(optionsOrListener?: object | ((req: unknown, res: unknown) => void), listener?: (req: unknown, res: unknown) => void) {
      super(deps, optionsOrListener, listener);
    }
  };
  Object.defineProperty(RunServer, 'name', { value: 'Server' });
  const missing = (what: string) => () => {
    throw deps.unsupported(what);
  };
  return {
    Server: RunServer,
    IncomingMessage,
    ServerResponse,
    STATUS_CODES,
    METHODS,
    maxHeaderSize: 16384,
    /**
     * @example http.createServer((req, res) => res.end('hello')).listen(3000)
     */
    createServer(optionsOrListener?: object | ((req: unknown, res: unknown) => void), listener?: (req: unknown, res: unknown) => void) {
      return new RunServer(optionsOrListener, listener);
    },
    // The lessons' servers answer requests; making them is the client's side, which runs in the browser as itself.
    request: missing("http.request()"),
    get: missing("http.get()"),
    Agent: missing('http.Agent'),
  };
}
