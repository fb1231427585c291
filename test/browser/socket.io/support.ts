/**
 * The real in-browser runtime (http over MSW, ws, socket.io) driven from the test page as a run frame would, with a
 * fake RuntimeContext that records traffic, console lines and fatal errors.
 */
import type { RuntimeContext } from '../../../src/mocks/context.js';
import { startBrowserRuntime, type BrowserRuntime } from '../../../src/mocks/runtime.js';
import type { Server } from '../../../src/mocks/socket.io/server.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

/**
 * engine.io-client keeps the `WebSocket` it finds when first imported (its globals.js), and each run in this page
 * installs its own and takes it off again. A run frame loads the client once, after the runtime; a test page loads it
 * once for many runs, so it gets a stand-in that constructs whatever `WebSocket` the window has at that moment.
 */
const NativeWebSocket = window.WebSocket;
const standIn: typeof WebSocket = new Proxy(NativeWebSocket, {
  construct(_target, args: [string, (string | string[])?]) {
    const Current = window.WebSocket === standIn ? NativeWebSocket : window.WebSocket;
    return new Current(...args);
  },
});
window.WebSocket = standIn;

/** socket.io-client, imported after the stand-in is in place. */
export const loadClient = () => import('socket.io-client');

export interface Run {
  runtime: BrowserRuntime;
  /** require('socket.io') as learner code gets it. */
  socketIo: ((srv?: unknown, opts?: Record<string, unknown>) => Server) & { Server: new (srv?: unknown, opts?: Record<string, unknown>) => Server };
  http: { createServer(handler?: (req: unknown, res: { writeHead(s: number): void; end(b?: string): void }) => void): { listen(port: number, cb?: () => void): unknown } };
  events: TrafficInput[];
  logs: string[];
  fatals: unknown[];
  stop(): Promise<void>;
}

export async function startRun(lang: RuntimeContext['lang'] = 'en'): Promise<Run> {
  const t0 = performance.now();
  const events: TrafficInput[] = [];
  const logs: string[] = [];
  const fatals: unknown[] = [];
  const ctx: RuntimeContext = {
    win: window,
    report: (event) => void events.push(event),
    now: () => performance.now() - t0,
    log: (_level, text) => void logs.push(text),
    fatal: (error) => void fatals.push(error),
    lang,
    runId: `test-${Math.random().toString(36).slice(2)}`,
  };
  const runtime = await startBrowserRuntime(ctx);
  return {
    runtime,
    socketIo: runtime.require('socket.io') as Run['socketIo'],
    http: runtime.require('http') as Run['http'],
    events,
    logs,
    fatals,
    stop: async () => {
      await runtime.stop();
      // MSW's worker unregisters itself once its only client stopped; the next run must not race that.
      const end = performance.now() + 2000;
      while (performance.now() < end && (await navigator.serviceWorker.getRegistrations()).length) {
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

/** A socket.io server on a fresh http server listening on `port`. */
export async function serve(run: Run, port: number, opts: Record<string, unknown> = {}): Promise<Server> {
  const server = run.http.createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  const io = new run.socketIo.Server(server, opts);
  await new Promise<void>((resolve) => server.listen(port, () => resolve()));
  return io;
}

/** Resolves with the arguments of the next `ev` of an emitter (socket.io's server, sockets, the client). */
export function once<T extends unknown[] = unknown[]>(emitter: object, ev: string): Promise<T> {
  const target = emitter as { once(ev: string, fn: (...args: unknown[]) => void): unknown };
  return new Promise((resolve) => target.once(ev, (...args) => resolve(args as T)));
}
