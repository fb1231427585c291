/**
 * The staying-connected lesson's export in real Node: its server.js run as CommonJS with the real http module, read by
 * a client that takes 100 KB a second over real TCP, as the lesson's page reads it. What each server prints as the
 * most its response held is what the wait-for-drain check reads; these are the figures behind the check's limit.
 * The browser runtime's side is test/browser/http/backpressure.test.ts and the exercise e2e suite.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EXPORT_BYTES, exercises, HELD_LIMIT } from '../../src/lessons/staying-connected/exercises.js';
import shipped from '../../src/lessons/staying-connected/server.js?raw';
import { AWAIT_DRAIN_SERVER, BATCHES_SERVER, DRAIN_IGNORED_SERVER } from '../e2e/exercise-variants.js';

const require = createRequire(import.meta.url);
const solution = exercises.find((e) => e.id === 'wait-for-drain')!.solution['server.js']!;

/** A WebSocketServer that never listens: these tests are about the export's HTTP server alone. */
class NoWebSockets {
  clients = new Set();
  on(): this {
    return this;
  }
  close(): void {}
}

/** Runs server.js with its HTTP server on port 0 and the restart's timer left out; reads /export at 100 KB/s. */
async function exportHeld(source: string): Promise<{ held: number; read: number; logs: string[] }> {
  const http = require('node:http') as typeof import('node:http');
  const servers: import('node:http').Server[] = [];
  const fakeRequire = (name: string) =>
    name === 'ws'
      ? { WebSocketServer: NoWebSockets }
      : name === 'http'
        ? { ...http, createServer: (...args: unknown[]) => servers[servers.push((http.createServer as (...a: unknown[]) => import('node:http').Server)(...args)) - 1] }
        : require(name);
  const logs: string[] = [];
  const quiet = { ...console, log: (...a: unknown[]) => void logs.push(a.join(' ')) };
  // The lesson's only long timer is the restart at 8 s; the servers' own (setTimeout pacing) must run.
  const timers = (fn: () => void, ms: number) => (ms >= 8000 ? undefined : setTimeout(fn, ms));
  new Function('require', 'console', 'setTimeout', source.replace('}).listen(3000);', '}).listen(0);'))(fakeRequire, quiet, timers);
  const server = servers[0]!;
  if (!server.listening) await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  try {
    const read = await new Promise<number>((resolve, reject) => {
      http.get({ port, path: '/export' }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          res.pause();
          setTimeout(() => res.resume(), chunk.length / 100);
        });
        res.on('end', () => resolve(bytes));
        res.on('error', reject);
      });
    });
    for (let i = 0; i < 50 && !logs.some((l) => l.startsWith('export:')); i++) await new Promise((r) => setTimeout(r, 20));
    const line = logs.find((l) => l.startsWith('export:')) ?? '';
    return { held: Number(/at most (\d+) bytes/.exec(line)?.[1] ?? NaN), read, logs };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

describe('the export in real Node, read at 100 KB/s', () => {
  it('the starting server holds nearly the whole export; waiting for drain holds one high-water mark', async () => {
    const start = await exportHeld(shipped);
    const right = await exportHeld(solution);
    const awaiting = await exportHeld(AWAIT_DRAIN_SERVER);
    console.log(`Node ${process.version}: starting ${start.held}, drain ${right.held}, await drain ${awaiting.held} bytes held`);
    for (const r of [start, right, awaiting]) expect(r.read).toBe(EXPORT_BYTES);
    expect(start.held).toBeGreaterThan(EXPORT_BYTES - 20_000);
    const hwm = new (require('node:stream') as typeof import('node:stream')).Writable().writableHighWaterMark;
    for (const r of [right, awaiting]) {
      expect(r.held).toBeGreaterThanOrEqual(hwm);
      expect(r.held).toBeLessThanOrEqual(hwm + 1_020);
      expect(r.held).toBeLessThanOrEqual(HELD_LIMIT);
    }
  });

  it('the wrong ones hold more than the limit: a drain listener that stops nothing, and setTimeout batches', async () => {
    const ignored = await exportHeld(DRAIN_IGNORED_SERVER);
    const batches = await exportHeld(BATCHES_SERVER);
    console.log(`Node ${process.version}: drain ignored ${ignored.held}, batches ${batches.held} bytes held`);
    expect(ignored.held).toBeGreaterThan(HELD_LIMIT);
    expect(batches.held).toBeGreaterThan(HELD_LIMIT);
    expect(batches.read).toBe(EXPORT_BYTES);
  });
});
