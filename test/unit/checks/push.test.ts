/**
 * The push lesson's checks, fed the four ways' traffic as the client taps record it: polls as requests and their
 * bodies, an EventSource and a WebSocket as an open and their messages. Each check passes what the task asks for and
 * fails what a learner might plausibly write instead, with a message that says what was seen.
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/push/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const check = (id: string, o: Observation) => exercises.find((e) => e.id === id)!.check(o);
const EPOCH = 1_800_000_000_000;

interface Run {
  /** ms between short polls; undefined: no short polling at all */
  shortEvery?: number;
  longPolling?: boolean;
  sse?: boolean;
  ws?: boolean;
  /** ms between published items */
  publishEvery: number;
  /** run length, ms */
  elapsed: number;
  /** a broken server: polls are answered, but never with news */
  noNews?: boolean;
}

/** The traffic of the push lesson's client over `elapsed` ms, its server publishing an item every `publishEvery`. */
function observe(run: Run): Observation {
  const events: TrafficEvent[] = [];
  let seq = 0;
  const push = (e: Omit<TrafficEvent, 'seq' | 'party' | 'observer' | 'bytes' | 'preview'>) =>
    events.push({ seq: ++seq, party: 'client', observer: 'client', bytes: 0, preview: '', ...e });
  const published: { id: number; t: number; time: number }[] = [];
  for (let time = run.publishEvery, id = 1; time <= run.elapsed; time += run.publishEvery, id++) published.push({ id, t: EPOCH + time, time });
  const item = (p: { id: number; t: number }) => ({ id: p.id, t: p.t, text: `#${p.id}` });
  const since = (from: number, to: number) => (run.noNews ? [] : published.filter((p) => p.time > from && p.time <= to).map(item));

  if (run.shortEvery !== undefined) {
    for (let at = 0, n = 0; at < run.elapsed; at += run.shortEvery, n++) {
      const conn = `short#${n}`;
      const url = 'http://localhost/news/short';
      push({ time: at, conn, transport: 'http', direction: 'c2s', kind: 'request', details: { method: 'GET', url } });
      push({ time: at + 5, conn, transport: 'http', direction: 's2c', kind: 'response', details: { url, status: 200 } });
      push({ time: at + 6, conn, transport: 'http', direction: 's2c', kind: 'message', body: JSON.stringify(since(at - run.shortEvery, at)), details: {} });
    }
  }
  if (run.longPolling) {
    // Held until the next item, then asked again at once.
    let at = 0;
    let n = 0;
    // Without news, one request held for the whole run.
    if (run.noNews) push({ time: 0, conn: 'long#0', transport: 'http', direction: 'c2s', kind: 'request', details: { method: 'GET', url: 'http://localhost/news/long' } });
    for (const p of run.noNews ? [] : published) {
      const conn = `long#${n++}`;
      const url = 'http://localhost/news/long';
      push({ time: at, conn, transport: 'http', direction: 'c2s', kind: 'request', details: { method: 'GET', url } });
      push({ time: p.time + 5, conn, transport: 'http', direction: 's2c', kind: 'response', details: { url, status: 200 } });
      push({ time: p.time + 6, conn, transport: 'http', direction: 's2c', kind: 'message', body: JSON.stringify([item(p)]), details: {} });
      at = p.time + 7;
    }
  }
  for (const [on, transport] of [
    [run.sse, 'sse'],
    [run.ws, 'ws'],
  ] as const) {
    if (!on) continue;
    push({ time: 10, conn: `${transport}#1`, transport, direction: 's2c', kind: 'open', details: { url: `ws://localhost/${transport}` } });
    for (const p of run.noNews ? [] : published) {
      push({ time: p.time + 2, conn: `${transport}#1`, transport, direction: 's2c', kind: 'message', body: JSON.stringify(item(p)), details: {} });
    }
  }
  return { mode: 'browser', traffic: events.sort((a, b) => a.time - b.time), console: { server: [], client: [] }, errors: [], elapsed: run.elapsed };
}

const ALL = { longPolling: true, sse: true, ws: true };

describe('poll-faster: short polling every 500 ms', () => {
  it('passes polls about 500 ms apart that show news', () => {
    expect(check('poll-faster', observe({ shortEvery: 500, ...ALL, publishEvery: 2000, elapsed: 8000 }))).toEqual({ pass: true });
    expect(check('poll-faster', observe({ shortEvery: 400, ...ALL, publishEvery: 2000, elapsed: 8000 }))).toEqual({ pass: true });
  });

  it('fails the starting 2 s, a 1 s poll, and polls that never show news, saying what it saw', () => {
    const start = check('poll-faster', observe({ shortEvery: 2000, ...ALL, publishEvery: 2000, elapsed: 8000 }));
    expect(start).toMatchObject({ pass: false, saw: { en: expect.stringContaining('one every 2000 ms') } });
    expect(check('poll-faster', observe({ shortEvery: 1000, ...ALL, publishEvery: 2000, elapsed: 8000 })).pass).toBe(false);
    const empty = check('poll-faster', observe({ shortEvery: 500, ...ALL, publishEvery: 2000, elapsed: 8000, noNews: true }));
    expect(empty).toMatchObject({ pass: false, expected: { en: expect.stringContaining('still show news') } });
    // Too few requests to judge: a run stopped after a second.
    expect(check('poll-faster', observe({ shortEvery: 500, ...ALL, publishEvery: 2000, elapsed: 1000 })).pass).toBe(false);
  });
});

describe('publish-faster: the server publishes every 500 ms, every way shows it', () => {
  it('passes items published about 500 ms apart that every way shows', () => {
    expect(check('publish-faster', observe({ shortEvery: 2000, ...ALL, publishEvery: 500, elapsed: 8000 }))).toEqual({ pass: true });
  });

  it('fails the starting 2 s, a server publishing every second, and a way that stopped showing news', () => {
    expect(check('publish-faster', observe({ shortEvery: 2000, ...ALL, publishEvery: 2000, elapsed: 8000 })).pass).toBe(false);
    expect(check('publish-faster', observe({ shortEvery: 2000, ...ALL, publishEvery: 1000, elapsed: 8000 })).pass).toBe(false);
    // Publishing faster by breaking SSE (say, the stream's items no longer written): the comparison is gone.
    const noSse = check('publish-faster', observe({ shortEvery: 2000, longPolling: true, ws: true, publishEvery: 500, elapsed: 8000 }));
    expect(noSse).toMatchObject({ pass: false, saw: { en: expect.stringContaining('SSE 0') } });
  });
});

describe('turn-one-off: exactly one way removed, the others unaffected', () => {
  it('passes any one way off, over 5 s, with the other three showing news', () => {
    expect(check('turn-one-off', observe({ ...ALL, publishEvery: 2000, elapsed: 8000 }))).toEqual({ pass: true });
    expect(check('turn-one-off', observe({ shortEvery: 2000, longPolling: true, ws: true, publishEvery: 2000, elapsed: 8000 }))).toEqual({ pass: true });
  });

  it('fails the starting client, two ways off, a run too short to tell, and a removal that broke the others', () => {
    expect(check('turn-one-off', observe({ shortEvery: 2000, ...ALL, publishEvery: 2000, elapsed: 8000 })).pass).toBe(false);
    expect(check('turn-one-off', observe({ sse: true, ws: true, publishEvery: 2000, elapsed: 8000 })).pass).toBe(false);
    expect(check('turn-one-off', observe({ ...ALL, publishEvery: 2000, elapsed: 4000 })).pass).toBe(false);
    const broken = check('turn-one-off', observe({ ...ALL, publishEvery: 2000, elapsed: 8000, noNews: true }));
    expect(broken).toMatchObject({ pass: false, expected: { en: expect.stringContaining('at least 2 items') } });
  });
});
