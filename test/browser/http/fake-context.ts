import type { RuntimeContext, ShimInstall } from '../../../src/mocks/context.js';
import { installHttp } from '../../../src/mocks/http/index.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

/** What a run frame would see of the http shim, recorded: traffic events, console lines, fatal errors. */
export interface TestRun {
  ctx: RuntimeContext;
  http: HttpModule;
  events: TrafficInput[];
  logs: Array<{ level: string; text: string }>;
  fatals: unknown[];
  stop(): Promise<void>;
}

/** The part of the shim's module the tests use, typed as a Node-like API. */
export interface HttpModule {
  createServer(handler?: (req: Req, res: Res) => void): NodeServer;
  STATUS_CODES: Record<number, string>;
}

export interface NodeServer {
  listen(...args: unknown[]): NodeServer;
  close(cb?: (error?: Error) => void): NodeServer;
  address(): { port: number; address: string; family: string } | null;
  listening: boolean;
  on(event: string, listener: (...args: never[]) => void): NodeServer;
  once(event: string, listener: (...args: never[]) => void): NodeServer;
}

export interface Req {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  httpVersion: string;
  socket: { remoteAddress: string };
  /** Set when the client went away before the request was read to its end (deprecated in Node, still set). */
  aborted?: boolean;
  on(event: string, listener: (...args: never[]) => void): Req;
  setEncoding(encoding: string): Req;
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array | string>;
}

export interface Res {
  statusCode: number;
  statusMessage: string;
  headersSent: boolean;
  writableEnded: boolean;
  setHeader(name: string, value: string | number | string[]): Res;
  getHeader(name: string): unknown;
  hasHeader(name: string): boolean;
  removeHeader(name: string): void;
  writeHead(status: number, headers?: Record<string, string>): Res;
  writeHead(status: number, reason: string, headers?: Record<string, string>): Res;
  write(chunk: unknown, cb?: () => void): boolean;
  end(chunk?: unknown, cb?: () => void): Res;
  flushHeaders(): void;
  on(event: string, listener: (...args: never[]) => void): Res;
}

export async function startRun(options: Pick<RuntimeContext, 'recordWire'> = {}): Promise<TestRun> {
  const t0 = performance.now();
  const events: TrafficInput[] = [];
  const logs: TestRun['logs'] = [];
  const fatals: unknown[] = [];
  const ctx: RuntimeContext = {
    win: window,
    report: (event) => events.push(event),
    now: () => performance.now() - t0,
    log: (level, text) => logs.push({ level, text }),
    fatal: (error) => fatals.push(error),
    lang: 'en',
    runId: `test-${Math.random().toString(36).slice(2)}`,
    ...options,
  };
  const install: ShimInstall = await installHttp(ctx);
  return {
    ctx,
    http: install.modules['http'] as HttpModule,
    events,
    logs,
    fatals,
    stop: async () => {
      await install.stop();
      await workerGone();
    },
  };
}

/** Starts a server on `port` and resolves once it emitted 'listening'. */
export function listen(server: NodeServer, port: number): Promise<void> {
  return new Promise((resolve) => server.listen(port, () => resolve()));
}

/** Resolves when `predicate` holds, checked after every macrotask; rejects after `ms` (a bound, not a measurement). */
export async function until(predicate: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * After stop(), MSW's worker unregisters itself when this page was its only client. Starting the next test's runtime
 * before that has happened races msw's `registration.update()` against the unregistration; wait for it (bounded).
 */
async function workerGone(): Promise<void> {
  const end = performance.now() + 2000;
  while (performance.now() < end) {
    const registrations = await navigator.serviceWorker.getRegistrations();
    if (!registrations.length) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
