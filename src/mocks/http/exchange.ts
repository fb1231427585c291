import type { RuntimeContext } from '../context.js';
import { deliver, type Delivery } from '../network/deliver.js';
import type { PageReads } from '../network/page-reads.js';
import { ExchangeTraffic, headBytes } from './exchange-traffic.js';
import { IncomingMessage, type Guard } from './incoming-message.js';
import { messages } from './messages.js';
import type { Server } from './server.js';
import { ServerResponse } from './server-response.js';

/**
 * Chromium ends a service worker's fetch event that has not been answered within 5 minutes
 * (ServiceWorkerVersion's request timeout, content/browser/service_worker/service_worker_version.cc) and the client's
 * fetch fails. A stream whose head was sent is not affected: the event ended when the Response was handed over.
 */
export const HELD_REQUEST_LIMIT_MS = 5 * 60_000;

export interface ExchangeDeps {
  ctx: RuntimeContext;
  guard: Guard;
  /** The page's reads of its fetch bodies, which pace a response's delivery (see deliver.ts). */
  reads?: PageReads;
  /** Every exchange still open in the run, so that stop() can end them. */
  open: Set<ServerResponse>;
  /** Responses still on their way to the client under the network panel's conditions, so that a kill can cut them. */
  deliveries: Set<Delivery>;
  nextConn(): string;
}

/**
 * One request from the frame, served by `server` as Node would: `req` and `res` go to its 'request' listeners, and
 * the promise resolves with the Response once the handler sends the head (or a network error if it never can).
 */
export async function serveExchange(server: Server, request: Request, deps: ExchangeDeps): Promise<Response> {
  const { ctx, guard } = deps;
  const url = new URL(request.url);
  const body = new Uint8Array(await request.arrayBuffer());
  // Node's order: Host first, as the browser writes it; then what the request carried.
  const headers: Record<string, string> = { host: url.host };
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  headers['connection'] ??= 'keep-alive';
  const acceptsEventStream = (headers['accept'] ?? '').includes('text/event-stream');

  const path = url.pathname + url.search;
  const traffic = new ExchangeTraffic(ctx, deps.nextConn(), acceptsEventStream, server.address()?.port);
  traffic.request(request.method, path, headers, body);
  const network = ctx.network;
  if (network) {
    // The request travels to the server under the panel's conditions (its head and body counted as on the wire).
    const wait = network.link().delay(headBytes(`${request.method} ${path} HTTP/1.1`, headers) + body.length);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const port = server.address()?.port ?? 0;
  const req = new IncomingMessage({
    method: request.method,
    url: path,
    headers,
    rawHeaders: Object.entries(headers).flatMap(([name, value]) => [titleCase(name), value]),
    body,
    remotePort: 49152 + Math.floor(Math.random() * 16000),
    localPort: port,
    guard,
  });
  const res: ServerResponse = new ServerResponse({
    req,
    traffic,
    guard,
    crash: (error) => ctx.fatal(error),
    warnStatus: (status) => ctx.log('warn', messages.statusOutOfRange(status)[ctx.lang]),
    killed: () => {
      clearTimeout(heldTimer);
      request.signal?.removeEventListener('abort', gone);
    },
    done: () => {
      clearTimeout(heldTimer);
      request.signal?.removeEventListener('abort', gone);
      deps.open.delete(res);
      server.release(res);
    },
  });
  // Node would hold a request forever; here the worker gives up (see HELD_REQUEST_LIMIT_MS): say so, and let the
  // handler see the 'close' its client's failure amounts to, rather than differ silently.
  const heldTimer = setTimeout(() => {
    if (res.headSent || res.destroyed) return;
    ctx.log('warn', messages.heldTooLong(request.method, path, HELD_REQUEST_LIMIT_MS / 60_000)[ctx.lang]);
    res.clientGone('serviceWorkerGaveUp');
  }, HELD_REQUEST_LIMIT_MS - 1000);
  // The client gave up before the head (the runtime's EventSource closed, which serves its request here with its
  // signal): Node's handler sees its socket close, and a head it writes later goes nowhere. After the head, the
  // client's cancel of the body says the same (ServerResponse's stream).
  const gone = () => {
    if (!res.headSent && !res.destroyed) res.cut('clientGone');
  };
  request.signal?.addEventListener('abort', gone, { once: true });
  deps.open.add(res);
  server.accept(res);
  try {
    server.emit('request', req, res);
  } catch (error) {
    // A throw in a request handler kills a Node server: the client's connection is reset, and the run ends.
    res.kill('serverCrashed');
    ctx.fatal(error);
  }
  // Gone while the request was read or delayed: the handler has seen it, and now sees the client leave.
  if (request.signal?.aborted) gone();
  if (!network) return res.response;
  const delivery = deliver(res.response, {
    link: network.link(),
    drops: () => network.drops(),
    lost: () => res.cut('lost'),
    silent: network.silent('s2c'),
    reads: deps.reads,
  });
  deps.deliveries.add(delivery);
  void delivery.finished.then(() => deps.deliveries.delete(delivery));
  return delivery.response;
}

function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}
