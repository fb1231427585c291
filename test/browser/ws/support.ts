/**
 * A fake RuntimeContext for driving the ws shim in the test page, as the run frame would: the page's window, and
 * collectors for traffic, console lines and fatal errors.
 */
import { assert } from 'chai';
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
  /** The wire under it ('bytes' and the end of TCP, transport 'tcp'), kept apart so `traffic` reads as the API does. */
  wire: TrafficInput[];
  logs: Array<{ level: string; text: string }>;
  fatals: unknown[];
  /** Resolves with the next error that ends the run (what crashes Node ends the in-browser server too). */
  nextFatal(): Promise<unknown>;
  stop(): Promise<void>;
}

/** The suite's harness as useHarness() gives it: always the current test's. */
export type SuiteHarness = Harness & {
  /** A fresh harness for the rest of this test, after the test stopped the current one itself. */
  installAgain(): Promise<void>;
};

/**
 * Installs a fresh harness before each test of the suite and stops it after; teardown also asserts that nothing ended
 * the run, unless the suite is about errors that do (`allowFatals`). The value returned always reads the current
 * test's harness, so tests write `h.ws`, `h.traffic` as with one made by hand.
 *
 * @example suite('ws shim: …', () => { const h = useHarness(); test('…', async () => { await listen(h.ws, { port: 0 }); }); });
 */
export function useHarness(options: { allowFatals?: boolean } = {}): SuiteHarness {
  let current: Harness | undefined;
  setup(async () => {
    current = await harness();
  });
  teardown(async () => {
    await current!.stop();
    if (!options.allowFatals) assert.deepEqual(current!.fatals, []);
  });
  return new Proxy({} as SuiteHarness, {
    get(_, key) {
      if (key === 'installAgain') {
        return async () => {
          current = await harness();
        };
      }
      if (!current) throw new Error('useHarness(): the harness exists inside a test only');
      return current[key as keyof Harness];
    },
  });
}

export async function harness(): Promise<Harness> {
  const traffic: TrafficInput[] = [];
  const wire: TrafficInput[] = [];
  const logs: Harness['logs'] = [];
  const fatals: unknown[] = [];
  const fatalWaiters: Array<(error: unknown) => void> = [];
  const ctx: RuntimeContext = {
    win: window,
    report: (event) => (event.transport === 'tcp' ? wire : traffic).push(event),
    now: () => performance.now(),
    log: (level, text) => logs.push({ level, text }),
    fatal: (error) => {
      fatals.push(error);
      for (const resolve of fatalWaiters.splice(0)) resolve(error);
    },
    lang: 'en',
    runId: 'test',
  };
  const install = await installWs(ctx);
  return {
    ctx,
    ws: install.modules.ws,
    install,
    traffic,
    wire,
    logs,
    fatals,
    nextFatal: () => new Promise((resolve) => fatalWaiters.push(resolve)),
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
