/**
 * require('ws') in the browser: ws 8's server API over mock-socket, and the run frame's browser-true `WebSocket` that
 * connects to it. See hub.ts (routing, a mock-socket Server per listening endpoint), wire.ts (one connection through
 * mock-socket and the corrections on top), browser-websocket.ts (the client as Chromium behaves), server.ts and
 * socket.ts (ws 8's server side), pipe.ts (ordered hand-over to mock-socket).
 *
 * For the socket.io shim: `modules.ws.WebSocketServer` with `{ server, path }` is the way in, as socket.io's engine
 * uses ws on Node; pass `[TRAFFIC_LABEL]: { transport: 'socket.io', describe }` in its options to report frames as
 * Engine.IO packets instead of raw ws frames.
 */
import type { RuntimeContext, ShimInstall } from '../context.js';
import { HTTP_INTERNALS, type HttpInternals } from '../http/index.js';
import { unsupported } from '../unsupported.js';
import { createBrowserWebSocket, type BrowserWebSocketClass } from './browser-websocket.js';
import { Hub } from './hub.js';
import { createWebSocketServerClass } from './server.js';
import { createServerSocketClass } from './socket.js';

export { DEFAULT_MAX_PAYLOAD, TRAFFIC_LABEL } from './server.js';
export type { TrafficLabel } from './traffic.js';

/** Puts the in-browser `WebSocket` on a window (another chat client's frame too); returns how to take it off. */
export type AttachClient = (win: Window & typeof globalThis, party: string) => () => void;

/** Reached through `modules.ws[WS_INTERNALS]` by the runtime for extra chat frames; not visible to learner code. */
export const WS_INTERNALS = Symbol.for('pushlab.ws.internals');

/** `http`: the http shim's module, when installed, so a proxy's 'upgrade' listener in server.js gets WebSockets too. */
export async function installWs(ctx: RuntimeContext, http?: unknown): Promise<ShimInstall> {
  const hub = new Hub(ctx);
  const internals = (http as { [HTTP_INTERNALS]?: HttpInternals } | undefined)?.[HTTP_INTERNALS];
  if (internals) hub.httpServerAt = (url) => internals.serverAt(url);
  const sockets = createServerSocketClass(hub);
  const WebSocketServer = createWebSocketServerClass(hub, sockets);
  const WebSocket = sockets.WebSocket;

  // ws's module is its WebSocket class with the rest hung on it: require('ws').Server is what the course writes.
  const ws = Object.assign(WebSocket, {
    WebSocket,
    WebSocketServer,
    Server: WebSocketServer,
    createWebSocketStream(): never {
      throw unsupported("createWebSocketStream() from require('ws')", ctx.lang);
    },
  });

  const attachClient: AttachClient = (win, party) => {
    const descriptor = Object.getOwnPropertyDescriptor(win, 'WebSocket');
    const native = win.WebSocket as BrowserWebSocketClass;
    const ours = createBrowserWebSocket(win, hub, party, native);
    // Defined, not assigned: msw's interceptor may have made it a data property of its own; ours must win either way.
    Object.defineProperty(win, 'WebSocket', { value: ours, writable: true, configurable: true, enumerable: false });
    return () => {
      // Put back what was there only if nobody replaced ours since (msw started later restores its own on stop).
      if (win.WebSocket !== ours) return;
      if (descriptor) Object.defineProperty(win, 'WebSocket', descriptor);
      else delete (win as { WebSocket?: unknown }).WebSocket;
    };
  };
  Object.defineProperty(ws, WS_INTERNALS, { value: { attachClient }, enumerable: false });

  const detach = attachClient(ctx.win, 'client');
  return {
    modules: { ws },
    attachClient,
    stop() {
      detach();
      hub.stop();
    },
  };
}
