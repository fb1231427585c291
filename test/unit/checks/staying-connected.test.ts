/**
 * The staying-connected lesson's checks, fed the traffic twenty clients leave in the client taps: per connection an
 * 'open' (or an 'error' when nobody listens) carrying the URL ending in /client/n, 'ping' frames from the server, 'pong'
 * frames from the page, and a 'close'; the server console's "restarting" line. Each scenario is what one learner's
 * solution looks like on the wire; the clients' randomness is a seeded generator, so each run of the suite is the same.
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/staying-connected/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const byId = (id: string) => exercises.find((e) => e.id === id)!;
const sleeper = byId('find-the-sleeper');
const backOff = byId('back-off');
const jitter = byId('jitter');

const CLIENTS = 20;
const RESTART = 8_000;
const BACK = 12_000;
const INTERVAL = 1_000;

/** A small seeded generator (mulberry32), so that "random" clients are the same in every run of the test. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Run {
  events: TrafficEvent[] = [];
  server: { level: 'log'; time: number; text: string }[] = [];
  seq = 0;
  conns = 0;
  add(time: number, conn: string, kind: TrafficEvent['kind'], direction: TrafficEvent['direction'], body?: string, details: TrafficEvent['details'] = {}) {
    this.events.push({
      seq: ++this.seq, time, party: 'client', observer: 'client', conn, transport: 'ws', direction, kind,
      bytes: body?.length ?? 0, preview: body ?? '', ...(body === undefined ? {} : { body }), details,
    });
  }
  /** A connection of client n opened at `at`, pinged every interval (answered unless `asleep`), closed at `until`. */
  connection(n: number, at: number, until: number | undefined, asleep = false, interval = INTERVAL, startedAt = at): void {
    const conn = `ws#${++this.conns}`;
    this.add(at, conn, 'open', 'none', undefined, { url: `ws://localhost:8181/client/${n}`, startedAt });
    for (let t = at + interval; t < (until ?? at + 15_000); t += interval) {
      this.add(t, conn, 'frame', 's2c', 'ping');
      if (!asleep) this.add(t + 3, conn, 'frame', 'c2s', 'pong');
    }
    if (until !== undefined) this.add(until, conn, 'close', 'none', undefined, { code: 1006, wasClean: false });
  }
  /** A try while nobody listens: error, then close 1006, at once; made at `startedAt`, which may be earlier. */
  refused(n: number, at: number, startedAt = at): void {
    const conn = `ws#${++this.conns}`;
    this.add(at, conn, 'error', 'none', undefined, { url: `ws://localhost:8181/client/${n}`, startedAt });
    this.add(at + 1, conn, 'close', 'none', undefined, { code: 1006, wasClean: false });
  }
  restart(at = RESTART): this {
    this.server.push({ level: 'log', time: at, text: 'restarting: every connection is cut' });
    return this;
  }
  observe(elapsed = 17_000): Observation {
    const traffic = [...this.events].sort((a, b) => a.time - b.time || a.seq - b.seq);
    return { mode: 'browser', traffic, console: { server: this.server, client: [] }, errors: [], elapsed };
  }
}

/** Every client's life through the restart, with `wait(k, n)` before its k-th try (1-based) after a lost connection. */
function reconnecting(wait: (k: number, n: number) => number, options: { sleeperCutAt?: number } = {}): Run {
  const run = new Run().restart();
  for (let n = 1; n <= CLIENTS; n++) {
    let start = 10 + n;
    if (n === 1 && options.sleeperCutAt !== undefined) {
      run.connection(1, start, options.sleeperCutAt, true);
      start = options.sleeperCutAt + wait(1, n);
    }
    run.connection(n, start, RESTART + 2, n === 1 && options.sleeperCutAt === undefined);
    let t = RESTART + 2;
    for (let k = 1; ; k++) {
      t += wait(k, n);
      if (t >= BACK) {
        run.connection(n, t, undefined);
        break;
      }
      run.refused(n, t);
      t += 1;
    }
  }
  return run;
}

/**
 * The same, with real mode's one handshake to a host at a time (RFC 6455 section 4.1): each try waits for the ones
 * made before it, and each handshake takes `handshakeMs`, so on a loaded machine a round of twenty tries fails over a
 * second or more, in the order they were made.
 */
function queued(wait: (k: number, n: number) => number, handshakeMs: number): Run {
  const run = new Run().restart();
  const next = new Map<number, { at: number; k: number }>();
  for (let n = 1; n <= CLIENTS; n++) {
    run.connection(n, 10 + n, RESTART + 2);
    next.set(n, { at: RESTART + 2 + wait(1, n), k: 1 });
  }
  let free = 0;
  while (next.size > 0) {
    const [n, { at, k }] = [...next].sort(([a, x], [b, y]) => x.at - y.at || a - b)[0]!;
    const done = Math.max(at, free) + handshakeMs;
    free = done;
    if (at >= BACK) {
      run.connection(n, done, undefined, false, INTERVAL, at);
      next.delete(n);
      continue;
    }
    run.refused(n, done, at);
    next.set(n, { at: done + 1 + wait(k + 1, n), k: k + 1 });
  }
  return run;
}

const fixed = (ms: number) => () => ms;
const doubling = (base: number, cap = 5_000) => (k: number) => Math.min(cap, base * 2 ** (k - 1));
const random = seeded(7);
const equalJitter = (base: number, cap = 5_000) => (k: number) => doubling(base, cap)(k) * (0.5 + random() / 2);
const fullJitter = (base: number, cap = 5_000) => (k: number) => doubling(base, cap)(k) * random();

describe('find-the-sleeper: the server ends a silent connection within two intervals', () => {
  it('fails the starting server: the sleeper is cut only by the restart', () => {
    const result = sleeper.check(reconnecting(fixed(500)).observe());
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toMatch(/ended at 8\.0 s, 8\.0 s after its last answer, by the restart/);
  });

  it('passes a watchdog that ends it at the second tick, and one that ends it at the first missed answer', () => {
    expect(sleeper.check(reconnecting(fixed(500), { sleeperCutAt: 2_011 }).observe()).pass).toBe(true);
    expect(sleeper.check(reconnecting(fixed(500), { sleeperCutAt: 1_200 }).observe()).pass).toBe(true);
  });

  it('fails a watchdog that waits five intervals, and one that cuts everyone at its first tick', () => {
    const slow = new Run().restart(11_000);
    slow.connection(1, 11, 5_011, true);
    for (let n = 2; n <= CLIENTS; n++) slow.connection(n, 10 + n, 11_002);
    const late = sleeper.check(slow.observe());
    expect(late.pass).toBe(false);
    expect(late.saw?.en).toMatch(/ended at 5\.0 s, 5\.0 s after its last answer$/);

    const everyone = new Run().restart();
    for (let n = 1; n <= CLIENTS; n++) everyone.connection(n, 10 + n, 1_020 + n, n === 1);
    // The healthy ones answered their first ping before the cut.
    const result = sleeper.check(everyone.observe());
    expect(result.pass).toBe(false);
    expect(result.saw?.en).toMatch(/19 clients that answered every ping were cut before the restart/);
  });

  it('waits, without failing for good, while the deadline has not come', () => {
    const early = new Run();
    early.connection(1, 11, undefined, true);
    for (let n = 2; n <= CLIENTS; n++) early.connection(n, 10 + n, undefined);
    const o = early.observe(2_500);
    o.traffic = o.traffic.filter((e) => e.time <= 2_500);
    expect(sleeper.check(o).saw?.en).toMatch(/still connected, watching/);
  });
});

describe('back-off: each try waits about twice as long as the one before', () => {
  it('fails the starting fixed 500 ms, a fixed 2 s, and a wait that grows by a constant step', () => {
    for (const wait of [fixed(500), fixed(2_000), (k: number) => 200 * k]) {
      const result = backOff.check(reconnecting(wait).observe());
      expect(result.pass).toBe(false);
      expect(result.saw?.en).toMatch(/^mean wait before each try after the restart: /);
    }
  });

  it('passes doubling from 200 ms, from 100 ms with a 1 s cap, with equal jitter and with full jitter', () => {
    for (const [name, wait] of [['doubling', doubling(200)], ['capped', doubling(100, 1_000)], ['equal', equalJitter(200)], ['full', fullJitter(200)]] as const) {
      expect(backOff.check(reconnecting(wait).observe()), name).toEqual({ pass: true });
    }
  });

  it('judges the waits the code chose, not when a queue of handshakes let each try through', () => {
    for (const [name, wait] of [['doubling', doubling(200)], ['equal', equalJitter(200)]] as const) {
      expect(backOff.check(queued(wait, 60).observe()), name).toEqual({ pass: true });
    }
    for (const wait of [fixed(500), (k: number) => 200 * k]) expect(backOff.check(queued(wait, 60).observe()).pass).toBe(false);
  });

  it('asks for the restart line when the server has not restarted', () => {
    const run = new Run();
    run.connection(1, 10, undefined);
    expect(backOff.check(run.observe()).saw?.en).toMatch(/no “restarting” line/);
  });
});

describe('jitter: the tries of the twenty clients spread out', () => {
  const shared = random();
  const sharedFactor = (k: number) => doubling(200)(k) * (0.5 + shared / 2);
  const factors = Array.from({ length: CLIENTS + 1 }, () => random());
  /** Each client draws its factor once and keeps it: the clients spread, but in the same order at every try. */
  const perClient = (k: number, n: number) => doubling(200)(k) * (0.5 + factors[n]! / 2);

  it('fails the starting code, backoff alone, and one random factor shared by every client, with or without a handshake queue', () => {
    for (const handshakeMs of [undefined, 5, 60]) {
      for (const [name, wait] of [['fixed', fixed(500)], ['doubling', doubling(200)], ['shared', sharedFactor]] as const) {
        const result = jitter.check((handshakeMs === undefined ? reconnecting(wait) : queued(wait, handshakeMs)).observe());
        expect(result.pass, `${name}, queue ${handshakeMs}`).toBe(false);
        expect(result.saw?.en, `${name}, queue ${handshakeMs}`).toMatch(/waited nearly as long as one another/);
      }
    }
  });

  it('fails one random factor per client drawn once: the waits differ, but keep their order from try to try', () => {
    for (const run of [reconnecting(perClient), queued(perClient, 60)]) {
      const result = jitter.check(run.observe());
      expect(result.pass).toBe(false);
      expect(result.saw?.en).toMatch(/kept its place among the waits/);
    }
  });

  it('passes equal jitter and full jitter, also when the tries wait their turn for a slow handshake', () => {
    for (const handshakeMs of [undefined, 5, 60, 120]) {
      for (const [name, wait] of [['equal', equalJitter(200)], ['full', fullJitter(200)]] as const) {
        const result = jitter.check((handshakeMs === undefined ? reconnecting(wait) : queued(wait, handshakeMs)).observe());
        expect(result, `${name}, queue ${handshakeMs}`).toEqual({ pass: true });
      }
    }
  });
});
