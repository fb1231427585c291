/**
 * The polling readers and the polling lessons' checks, fed exchanges shaped as the fetch tap records them: a
 * 'request', its 'response' when the head arrives, the body as 's2c' 'message' chunks, all on one conn.
 */
import { describe, expect, it } from 'vitest';
import { exchanges, idRanges, itemIds, pollerOf } from '../../../src/lessons/checks/polling.js';
import { exercises as longPolling } from '../../../src/lessons/long-polling/exercises.js';
import { exercises as shortPolling } from '../../../src/lessons/short-polling/exercises.js';
import type { Exercise, Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

let seq = 0;
let conns = 0;
const BASE = 'http://localhost:5173';

interface Fetch {
  path: string;
  at: number;
  /** when the head arrived; undefined: still open */
  answeredAt?: number;
  status?: number;
  body?: string;
}

function traffic(fetches: Fetch[]): TrafficEvent[] {
  const out: TrafficEvent[] = [];
  const push = (e: Omit<TrafficEvent, 'seq' | 'party' | 'observer' | 'transport' | 'bytes' | 'preview'>) =>
    out.push({ seq: ++seq, party: 'client', observer: 'client', transport: 'http', bytes: 0, preview: '', ...e });
  for (const f of fetches) {
    const conn = `http#${++conns}`;
    const url = BASE + f.path;
    push({ time: f.at, conn, direction: 'c2s', kind: 'request', details: { method: 'GET', url } });
    if (f.answeredAt === undefined) continue;
    push({ time: f.answeredAt, conn, direction: 's2c', kind: 'response', details: { url, status: f.status ?? 200 } });
    if (f.body !== undefined) push({ time: f.answeredAt + 1, conn, direction: 's2c', kind: 'message', body: f.body, details: {} });
  }
  return out.sort((a, b) => a.time - b.time);
}

const observe = (fetches: Fetch[], elapsed: number): Observation => ({
  mode: 'browser',
  traffic: traffic(fetches),
  console: { server: [], client: [] },
  errors: [],
  elapsed,
});
const items = (...ids: number[]) => JSON.stringify(ids.map((id) => ({ id, t: 0, text: `#${id}` })));
const exercise = (list: Exercise[], id: string) => list.find((e) => e.id === id)!;

describe('polling readers', () => {
  it('rebuild exchanges by conn, keep only the path asked for, and read item ids', () => {
    const o = observe(
      [
        { path: '/news?poller=1s&since=3', at: 100, answeredAt: 2600, body: items(4, 5) },
        { path: '/other', at: 200, answeredAt: 210, body: '[]' },
        { path: '/news?poller=1s&since=5', at: 3000 },
      ],
      4000,
    );
    const xs = exchanges(o, '/news');
    expect(xs.map((x) => [x.requestTime, x.responseTime, x.status, itemIds(x.body)])).toEqual([
      [100, 2600, 200, [4, 5]],
      [3000, undefined, undefined, undefined],
    ]);
    expect(pollerOf(xs[0]!.url)).toBe('/news?poller=1s');
    expect(itemIds('504 Gateway Timeout')).toBeUndefined();
    expect(idRanges([5, 1, 2, 3, 5, 9])).toBe('#1–#3, #5, #9');
  });
});

describe('short polling checks', () => {
  const noOverlap = exercise(shortPolling, 'no-overlap');
  const cursor = exercise(shortPolling, 'since-cursor');

  it('no-overlap: fails while a poller has two requests open, passes one at a time through a slow answer', () => {
    const piled = observe(
      [
        { path: '/news?poller=1s', at: 2000, answeredAt: 4500, body: items() },
        { path: '/news?poller=1s', at: 3000, answeredAt: 5500, body: items() },
        { path: '/news?poller=5s', at: 2900, answeredAt: 2910, body: items() },
      ],
      6000,
    );
    const result = noOverlap.check(piled);
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toMatch(/poller=1s had 2 requests open at once at 3\.0 s/);

    const serial = observe(
      [
        { path: '/news?poller=1s', at: 2000, answeredAt: 4500, body: items() },
        { path: '/news?poller=1s', at: 5500, answeredAt: 5510, body: items() },
        { path: '/news?poller=5s', at: 3000, answeredAt: 3010, body: items() },
      ],
      6000,
    );
    expect(noOverlap.check(serial).pass).toBe(true);
    // Not through a slow spell yet: cannot tell.
    expect(noOverlap.check(observe([{ path: '/news?poller=1s', at: 0, answeredAt: 10, body: items() }], 6000)).pass).toBe(false);
  });

  it('since-cursor: counts repeats per poller, so one item reaching two pollers is not a repeat', () => {
    const eachOnce = [1, 2, 3, 4, 5].map((n) => ({ path: `/news?poller=1s&since=${n - 1}`, at: n * 1000, answeredAt: n * 1000 + 5, body: items(n) }));
    const otherPoller = { path: '/news?poller=5s&since=0', at: 5000, answeredAt: 5005, body: items(1, 2, 3, 4, 5) };
    expect(cursor.check(observe([...eachOnce, otherPoller], 6000)).pass).toBe(true);
    expect(cursor.check(observe([...eachOnce, otherPoller], 4000)).pass, 'not yet past the slow spell').toBe(false);

    const latestFive = [1, 2, 3, 4, 5].map((n) => ({ path: '/news?poller=1s', at: n * 1000, answeredAt: n * 1000 + 5, body: items(1, 2, 3) }));
    const result = cursor.check(observe(latestFive, 6000));
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toBe('/news?poller=1s received #1–#3 more than once (up to 5 times)');
  });

  it('since-cursor: says when a repeat came from two requests open at once', () => {
    const result = cursor.check(
      observe(
        [
          { path: '/news?poller=1s&since=3', at: 2000, answeredAt: 4500, body: items(4) },
          { path: '/news?poller=1s&since=3', at: 3000, answeredAt: 5500, body: items(4) },
        ],
        6000,
      ),
    );
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toMatch(/open at the same time \(see exercise 1\)/);
  });

  it('since-cursor: rejects a cursor ahead of every id (nothing arrives) and one that skips items', () => {
    const ahead = [1, 2, 3, 4, 5, 6].map((n) => ({ path: `/news?poller=1s&since=${1_700_000_000_000 + n}`, at: n * 900, answeredAt: n * 900 + 5, body: items() }));
    const nothing = cursor.check(observe(ahead, 6000));
    expect(nothing.pass).toBe(false);
    expect(nothing.saw?.en).toBe('6 answers and no repeats, but no poller received a new item after its first answer');

    const skipping = [
      { path: '/news?poller=1s', at: 0, answeredAt: 5, body: items(1, 2, 3) },
      { path: '/news?poller=1s&since=4', at: 1000, answeredAt: 1005, body: items() },
      { path: '/news?poller=1s&since=4', at: 2000, answeredAt: 2005, body: items() },
      { path: '/news?poller=1s&since=4', at: 3500, answeredAt: 3505, body: items(5) },
      { path: '/news?poller=1s&since=6', at: 4500, answeredAt: 4505, body: items() },
    ];
    const skipped = cursor.check(observe(skipping, 6000));
    expect(skipped.pass).toBe(false);
    expect(skipped.saw?.en).toBe('no repeats, but #4 never arrived: the cursor skips items');
  });

  it('since-cursor: accepts a cursor written differently (named after=, on a server taught it) that brings every item once', () => {
    const other = [
      { path: '/news?poller=1s&after=0', at: 0, answeredAt: 5, body: items(1, 2, 3) },
      { path: '/news?poller=1s&after=3', at: 1000, answeredAt: 1005, body: items() },
      { path: '/news?poller=1s&after=3', at: 2000, answeredAt: 4500, body: items() },
      { path: '/news?poller=1s&after=3', at: 5500, answeredAt: 5505, body: items(4) },
      { path: '/news?poller=5s&after=0', at: 0, answeredAt: 6, body: items(1, 2, 3) },
    ];
    // The check reads what arrived, not the parameter's name: a learner who renamed it on both sides passes.
    expect(cursor.check(observe(other, 6000)).pass).toBe(true);
  });
});

describe('long polling checks', () => {
  const cursor = exercise(longPolling, 'cursor');
  const retry = exercise(longPolling, 'retry');
  const hold = exercise(longPolling, 'hold-under-proxy-limit');

  it('cursor: fails on holes in the ids, passes on 4 in a row', () => {
    const holes = observe(
      [
        { path: '/news', at: 0, answeredAt: 1000, body: items(1) },
        { path: '/news', at: 1001, answeredAt: 3000, body: items(3) },
      ],
      4000,
    );
    expect(cursor.check(holes).saw?.en).toBe('received #1, #3; #2 never arrived');
    const whole = observe(
      [
        { path: '/news?since=0', at: 0, answeredAt: 1000, body: items(1) },
        { path: '/news?since=1', at: 1001, answeredAt: 1002, body: items(2) },
        { path: '/news?since=2', at: 1003, answeredAt: 3000, body: items(3) },
        { path: '/news?since=3', at: 3001, answeredAt: 3002, body: items(4) },
      ],
      4000,
    );
    expect(cursor.check(whole).pass).toBe(true);
  });

  it('retry: fails when polling stops or resumes at once after a 504, passes after a pause', () => {
    const cut = { path: '/news', at: 3000, answeredAt: 6000, status: 504, body: '504 Gateway Timeout' };
    expect(retry.check(observe([cut], 6500)).saw?.en).toMatch(/waiting for the next request/);
    expect(retry.check(observe([cut], 9500)).saw?.en).toBe('the 504 at 6.0 s was the last request: polling stopped');
    expect(retry.check(observe([cut, { path: '/news', at: 6010 }], 7000)).saw?.en).toMatch(/asked again 10 ms after the 504/);
    expect(retry.check(observe([cut, { path: '/news', at: 7000 }], 7500)).pass).toBe(true);
  });

  it('hold-under-proxy-limit: fails on a gateway error or an answer at once, passes on an empty answer held a while', () => {
    const held = { path: '/news', at: 3000, answeredAt: 5500, body: '[]' };
    expect(hold.check(observe([held], 6000)).pass).toBe(true);
    expect(hold.check(observe([{ ...held, status: 204, body: undefined }], 6000)).pass).toBe(true);
    expect(hold.check(observe([{ path: '/news', at: 3000, answeredAt: 3001, body: '[]' }], 6000)).pass, 'HOLD_MS = 0 is short polling').toBe(false);
    expect(hold.check(observe([held, { path: '/news', at: 5600, answeredAt: 8600, status: 504, body: 'x' }], 9000)).saw?.en).toMatch(/a 504 after the request had waited 3\.0 s/);
  });
  it('hold-under-proxy-limit: rejects a changed proxy stand-in (no 504, but empty answers held 6 s), accepts 204 at 2.5 s', () => {
    const proxyRaised = observe([{ path: '/news', at: 3000, answeredAt: 9000, body: '[]' }], 10_000);
    const result = hold.check(proxyRaised);
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toBe('an empty answer after 6.0 s, longer than the 3 s the proxy allows: the proxy was changed, not the server');
    expect(hold.check(observe([{ path: '/news', at: 3000 }], 7000)).saw?.en).toBe(
      'a request open for 4.0 s with no 504: longer than the 3 s the proxy allows, so the proxy was changed, not the server',
    );
    expect(hold.check(observe([{ path: '/news', at: 3000, answeredAt: 5500, status: 204 }], 6000)).pass).toBe(true);
  });
});
