/**
 * A fake RuntimeContext for driving the ws shim in the test page, as the run frame would: the page's window, and
 * collectors for traffic, console lines and fatal errors.
 */
import type { RuntimeContext, ShimInstall } from '../../../src/mocks/context.js';
import { installWs } from '../../../src/mocks/ws/index.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

/** The browser's own WebSocket, captured before any test installs ours: the reference behaviour. */
export const NativeWebSocket = window.WebSocket;

// The shim's module, typed loosely as learner code sees it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WsModule = any;

export interface Harness {
  ctx: RuntimeContext;
  ws: WsModule;
  install: ShimInstall;
  traffic: TrafficInput[];
  logs: Array<{ level: string; text: string }>;
  fatals: unknown[];
  stop(): Promise<void>;
}

export async function harness(): Promise<Harness> {
  const traffic: TrafficInput[] = [];
  const logs: Harness['logs'] = [];
  const fatals: unknown[] = [];
  const ctx: RuntimeContext = {
    win: window,
    report: (event) => traffic.push(event),
    now: () => performance.now(),
    log: (level, text) => logs.push({ level, text }),
    fatal: (error) => fatals.push(error),
    lang: 'en',
    runId: 'test',
  };
  const install = await installWs(ctx);
  return {
    ctx,
    ws: install.modules.ws,
    install,
    traffic,
    logs,
    fatals,
    stop: async () => {
      await install.stop();
    },
  };
}

/** Resolves with the next `type` event of a DOM target (or the args of an EventEmitter event). */
export function next<T = Event>(target: EventTarget, type: string): Promise<T> {
  return new Promise((resolve) => target.addEventListener(type, (e) => resolve(e as T), { once: true }));
}

export function nextEmit<T extends unknown[] = unknown[]>(emitter: { once(type: string, fn: (...args: never[]) => void): unknown }, type: string): Promise<T> {
  return new Promise((resolve) => emitter.once(type, ((...args: T) => resolve(args)) as never));
}

/** Records the order of a WebSocket's events, with the readyState seen inside each. */
export function recordEvents(socket: WebSocket): Array<{ type: string; readyState: number; event: Event }> {
  const seen: Array<{ type: string; readyState: number; event: Event }> = [];
  for (const type of ['open', 'message', 'error', 'close']) {
    socket.addEventListener(type, (event) => seen.push({ type, readyState: socket.readyState, event }));
  }
  return seen;
}

/** A server listening on `port` (resolved once 'listening' fired). */
export async function listen(ws: WsModule, options: Record<string, unknown>): Promise<WsModule> {
  const wss = new ws.WebSocketServer(options);
  if (options.port !== undefined) await nextEmit(wss, 'listening');
  return wss;
}
