/**
 * require('http') over MSW: a lesson's Node server runs in the run frame, and the frame's own fetch, XMLHttpRequest
 * and EventSource reach it through MSW's service worker with a streamed Response, so fetch streaming, long polling and
 * SSE share one path and each `res.write` reaches the client when it is written.
 */
import type { RuntimeContext, ShimInstall } from '../context.js';
import { startWorker } from '../msw/start-worker.js';
import type { Delivery } from '../network/deliver.js';
import { unsupported } from '../unsupported.js';
import { serveExchange, type ExchangeDeps } from './exchange.js';
import { HostNetwork } from './host-network.js';
import { IncomingMessage, type Guard } from './incoming-message.js';
import { LastEventIdTracker } from './last-event-id.js';
import { PageReads } from '../network/page-reads.js';
import { Server, type ServerDeps } from './server.js';
import { ServerResponse } from './server-response.js';
import { METHODS, STATUS_CODES } from './status-codes.js';

export { LastEventIdTracker } from './last-event-id.js';

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
  const tracker = new LastEventIdTracker();
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
  const exchangeDeps: ExchangeDeps = { ctx, guard, tracker, reads, open, deliveries, nextConn: () => `http#${++conns}` };
  const pageOrigin = ctx.win.location.origin;

  tracker.track(ctx.win);
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
  let worker;
  try {
    worker = await startWorker(ctx.win, serveRequest);
  } catch (error) {
    tracker.uninstall();
    reads.uninstall();
    throw error;
  }

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
    for (const res of [...open]) res.cut(how === 'restart' ? 'the server restarted' : 'the connection was killed');
    for (const delivery of [...deliveries]) delivery.cut();
    deliveries.clear();
    if (how === 'restart') network.clear();
  });
  return {
    modules: { http },
    serveRequest,
    // Another client frame of this run: its EventSources get Last-Event-ID carried too. Its requests reach
    // serveRequest through the worker it starts in its own realm (see src/frame/run-frame.ts).
    attachClient(win) {
      tracker.track(win);
      reads.track(win);
      return () => {};
    },
    stop() {
      unregister?.();
      for (const res of [...open]) res.kill();
      open.clear();
      network.clear();
      tracker.uninstall();
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
