import EventEmitter from 'events';
import type { RuntimeContext } from './context.js';
import { unsupported } from './unsupported.js';
import { clockNow } from '../shared/clock.js';

/** The parts of Node's `process` a lesson's server plausibly touches; the rest say they are missing. */
export type ProcessShim = EventEmitter & {
  env: Record<string, string | undefined>;
  argv: string[];
  platform: string;
  version: string;
  versions: Record<string, string>;
  pid: number;
  nextTick(fn: (...args: unknown[]) => void, ...args: unknown[]): void;
  cwd(): string;
  uptime(): number;
  hrtime: { bigint(): bigint } & ((prev?: [number, number]) => [number, number]);
  memoryUsage(): { rss: number; heapUsed: number; heapTotal: number; external: number };
  exit(code?: number): never;
};

export function createProcess(ctx: RuntimeContext): ProcessShim {
  const emitter = new EventEmitter() as ProcessShim;
  const hrtime = ((prev?: [number, number]): [number, number] => {
    const ns = BigInt(Math.round(clockNow() * 1e6));
    let s = Number(ns / 1_000_000_000n);
    let n = Number(ns % 1_000_000_000n);
    if (prev) {
      s -= prev[0];
      n -= prev[1];
      if (n < 0) {
        s -= 1;
        n += 1e9;
      }
    }
    return [s, n];
  }) as ProcessShim['hrtime'];
  hrtime.bigint = () => BigInt(Math.round(clockNow() * 1e6));
  return Object.assign(emitter, {
    env: { NODE_ENV: 'development' },
    argv: ['node', '/server.js'],
    platform: 'browser',
    version: 'v20.0.0-pushlab',
    versions: { node: '20.0.0-pushlab' },
    pid: 1,
    nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args)),
    cwd: () => '/',
    uptime: () => ctx.now() / 1000,
    hrtime,
    memoryUsage: () => ({ rss: 0, heapUsed: 0, heapTotal: 0, external: 0 }),
    exit: ((): never => {
      throw unsupported('process.exit()', ctx.lang);
    }) as ProcessShim['exit'],
  });
}
