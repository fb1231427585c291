/**
 * The staying-connected lesson's backpressure check, fed what a run leaves: the server console's "export: at most N
 * bytes waited in memory" line (its own `res.writableLength`, at its highest) and the page's fetch of /export, one
 * 'message' per chunk it read. Each scenario is one learner's server as the two runtimes report it; the figures are
 * the ones measured in real runs (see the exercise e2e suite).
 */
import { describe, expect, it } from 'vitest';
import { EXPORT_BYTES, exercises, HELD_LIMIT } from '../../../src/lessons/staying-connected/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const drain = exercises.find((e) => e.id === 'wait-for-drain')!;

/** A run in which the server printed `held` (one figure per response; none: not closed yet) and the page read `read` bytes in 16 KB chunks. */
function observe(held: number[], read = EXPORT_BYTES, url = 'http://localhost:3000/export'): Observation {
  const traffic: TrafficEvent[] = [];
  let seq = 0;
  const add = (time: number, kind: TrafficEvent['kind'], direction: TrafficEvent['direction'], bytes: number, details: TrafficEvent['details'] = {}) =>
    traffic.push({ seq: ++seq, time, party: 'client', observer: 'client', conn: 'http#1', transport: 'http', direction, kind, bytes, preview: '', details });
  add(10, 'request', 'c2s', 80, { method: 'GET', url });
  add(20, 'response', 's2c', 120, { status: 200, headers: { 'content-type': 'application/x-ndjson' } });
  for (let at = 0, t = 30; at < read; at += 16_384, t += 160) add(t, 'message', 's2c', Math.min(16_384, read - at));
  const server = held.map((n, i) => ({ level: 'log' as const, time: 3_000 + i, text: `export: at most ${n} bytes waited in memory` }));
  return { mode: 'browser', traffic, console: { server, client: [] }, errors: [], elapsed: 8_000 };
}

describe('wait-for-drain: the server holds at most one high-water mark, and the whole export arrives', () => {
  it('fails the starting server: the whole export waits in memory', () => {
    const result = drain.check(observe([EXPORT_BYTES]));
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toBe(`the server held up to ${EXPORT_BYTES} bytes in memory`);
    expect(result.saw?.zh).toBe(`服务器内存里最多积压了 ${EXPORT_BYTES} 字节`);
  });

  it('fails a server whose writes skip send(): it says it held nothing while the whole export went out', () => {
    // The starting loop rewritten as res.write(record(n)): mostHeld stays 0, and every byte still arrives.
    const result = drain.check(observe([0]));
    expect(result).toMatchObject({ pass: false, saw: { en: expect.stringContaining('did not go through send()'), zh: expect.stringContaining('send()') } });
  });

  it('fails a server that paces itself with setTimeout, 100 records a batch: each batch waits whole', () => {
    expect(drain.check(observe([101_894])).pass).toBe(false);
  });

  it('passes a server that waits for drain: 64 KiB and a line (Node 22, browser mode), 16 KiB and a line (Node 20)', () => {
    expect(drain.check(observe([66_601])).pass).toBe(true);
    expect(drain.check(observe([17_407])).pass).toBe(true);
    expect(drain.check(observe([HELD_LIMIT])).pass).toBe(true);
    expect(drain.check(observe([HELD_LIMIT + 1])).pass).toBe(false);
  });

  it('judges the worst response of the run, not the last', () => {
    expect(drain.check(observe([66_601, EXPORT_BYTES, 66_601])).pass).toBe(false);
  });

  it('says so while the response has not closed', () => {
    const result = drain.check(observe([], 100_000));
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toMatch(/no “export: at most … bytes waited in memory” line/);
  });

  it('fails a server that holds little because it sent little', () => {
    const result = drain.check(observe([1_017], 1_017 * 50));
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toBe('the client read 50850 bytes of the export');
  });

  it('does not count other requests as the export', () => {
    expect(drain.check(observe([66_601], EXPORT_BYTES, 'http://localhost:3000/other')).pass).toBe(false);
  });
});
