/**
 * The in-browser server runtime: what `require` gives a lesson's server.js in browser mode. Each shim lives in its own
 * folder and contributes modules; this file only puts them together, in an order that matters: http first (it starts
 * the MSW worker that socket.io's polling transport also uses), then ws (it installs the frame's WebSocket), then socket.io on both.
 */
import { Buffer } from 'buffer';
import EventEmitter from 'events';
import type { RuntimeContext, ShimInstall } from './context.js';
import { installHttp } from './http/index.js';
import { Network } from './network/network.js';
import { createProcess, type ProcessShim } from './process.js';
import { unsupported } from './unsupported.js';
import { installSocketIo } from './socket.io/index.js';
import { installWs } from './ws/index.js';

/** Puts this run's client side (WebSocket, HTTP routing) on another same-origin frame; returns how to take it off. */
export type AttachClient = (win: Window & typeof globalThis, party: string) => Promise<() => void>;

export interface BrowserRuntime {
  require(name: string): unknown;
  /** For runs with several client frames (the chat lesson): connect another frame's client to this server. */
  attachClient: AttachClient;
  /** Answers a request from another client frame's worker as this run's HTTP servers would. */
  serveRequest(request: Request): Response | Promise<Response> | undefined;
  process: ProcessShim;
  Buffer: typeof Buffer;
  /** The network panel's handle on this run's connections (latency, bandwidth, drops, kill, offline, restart). */
  network: Network;
  stop(): Promise<void>;
}

export async function startBrowserRuntime(given: RuntimeContext): Promise<BrowserRuntime> {
  const network = given.network ?? new Network();
  const ctx: RuntimeContext = { ...given, network };
  const installs: ShimInstall[] = [];
  const http = await installHttp(ctx);
  installs.push(http);
  installs.push(await installWs(ctx, http.modules.http));
  const process = createProcess(ctx);
  const modules: Record<string, unknown> = {
    events: Object.assign(EventEmitter, { EventEmitter }),
    buffer: { Buffer },
    process,
  };
  for (const install of installs) Object.assign(modules, install.modules);
  // socket.io sits on the http and ws shims, as the real one sits on Node's http and the ws package.
  const socketIo = await installSocketIo(ctx, modules);
  installs.push(socketIo);
  Object.assign(modules, socketIo.modules);
  const attachers = installs.flatMap((i) => (i.attachClient ? [i.attachClient] : []));
  return {
    serveRequest: (request) => http.serveRequest?.(request),
    async attachClient(win, party) {
      const detachers = await Promise.all(attachers.map((attach) => attach(win, party)));
      return () => detachers.forEach((detach) => detach());
    },
    require(name: string): unknown {
      const bare = name.startsWith('node:') ? name.slice(5) : name;
      if (bare in modules) return modules[bare];
      throw unsupported(`require('${name}')`, ctx.lang);
    },
    process,
    Buffer,
    network,
    async stop() {
      for (const install of installs.reverse()) await install.stop();
    },
  };
}
