/**
 * Readers for the staying-connected lesson: many WebSocket clients in one page, told apart by the end of their URL's
 * path (ws://localhost:8181/client/7), a server restart, and what the client taps saw of each connection.
 * Only the client's observations and the server console are read, so both runtimes are judged alike.
 */
import type { Observation } from '../../shared/lesson.js';
import type { TrafficEvent } from '../../shared/traffic.js';
import { clientEvents, consoleTexts } from './observe.js';

/** One connection attempt of one client, as the page saw it. */
export interface Attempt {
  conn: string;
  /** The client's number, from its URL's path. */
  client: string;
  /**
   * When the page's code made it (`new WebSocket()`, the tap's startedAt), else its first event (open, or error when
   * it failed). Not the first event: a browser lets one handshake to a host be in progress at a time, so under load
   * the twentieth of twenty tries made at once reports its error a second or more after it was made.
   */
  start: number;
  /** The seq of its first event. */
  seq: number;
  openedAt?: number;
  closedAt?: number;
  /** Text frames the server sent and the page sent on it, with their times. */
  received: TrafficEvent[];
  sent: TrafficEvent[];
}

function textOf(e: TrafficEvent): string {
  return (e.body ?? e.preview).trim();
}

function clientOf(url: string | undefined): string | undefined {
  return url ? /\/client\/([^/?#]+)/.exec(url)?.[1] : undefined;
}

/** Every attempt of every client, by client, each client's in the order they started. */
export function attemptsByClient(o: Observation): Map<string, Attempt[]> {
  const byConn = new Map<string, Attempt>();
  const pending = new Map<string, TrafficEvent[]>();
  for (const e of clientEvents(o, 'ws')) {
    let a = byConn.get(e.conn);
    if (!a) {
      const client = clientOf(e.details.url);
      if (client === undefined) {
        // Only open and error carry the URL: keep what came before it (nothing, in practice) for when it does.
        pending.set(e.conn, [...(pending.get(e.conn) ?? []), e]);
        continue;
      }
      a = { conn: e.conn, client, start: e.details.startedAt ?? e.time, seq: e.seq, received: [], sent: [] };
      byConn.set(e.conn, a);
    }
    if (e.kind === 'open') a.openedAt ??= e.time;
    else if (e.kind === 'close' && e.direction !== 'c2s') a.closedAt ??= e.time;
    else if (e.kind === 'frame' && !e.details.binary && !e.details.note) (e.direction === 's2c' ? a.received : a.sent).push(e);
  }
  const out = new Map<string, Attempt[]>();
  for (const a of byConn.values()) out.set(a.client, [...(out.get(a.client) ?? []), a]);
  for (const list of out.values()) list.sort((x, y) => x.start - y.start);
  return out;
}

/** The server's "restarting" line: when every connection was cut (undefined before it). */
export function restartTime(o: Observation): number | undefined {
  return consoleTexts(o, 'server').find((l) => /restarting/i.test(l.text))?.time;
}

export function pings(a: Attempt): TrafficEvent[] {
  return a.received.filter((e) => textOf(e) === 'ping');
}

export function pongs(a: Attempt): TrafficEvent[] {
  return a.sent.filter((e) => textOf(e) === 'pong');
}

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The server's heartbeat interval as the healthy connections received it: the median gap between two pings. */
export function heartbeatInterval(byClient: Map<string, Attempt[]>, except: string): number | undefined {
  const gaps: number[] = [];
  for (const [client, list] of byClient) {
    if (client === except) continue;
    for (const a of list) {
      const p = pings(a);
      for (let i = 1; i < p.length; i++) gaps.push(p[i]!.time - p[i - 1]!.time);
    }
  }
  return median(gaps);
}

/**
 * After the restart, each client's tries until it was connected again: the k-th (1-based) try's wait, from the end of
 * the connection or try before it to its own start, and its start. The connection the restart cut is the one open
 * when it happened.
 */
export interface Retry {
  client: string;
  k: number;
  wait: number;
  start: number;
  /** The order the taps reported it in: tries made in one instant may carry one time. */
  seq: number;
}

export function retriesAfter(byClient: Map<string, Attempt[]>, restart: number): Retry[] {
  const out: Retry[] = [];
  for (const [client, list] of byClient) {
    const cut = list.findIndex((a) => a.openedAt !== undefined && a.openedAt < restart && (a.closedAt ?? Infinity) >= restart - 50);
    if (cut < 0) continue;
    let previous = list[cut]!;
    for (let i = cut + 1, k = 1; i < list.length; i++, k++) {
      const a = list[i]!;
      if (previous.closedAt === undefined) break;
      out.push({ client, k, wait: a.start - previous.closedAt, start: a.start, seq: a.seq });
      if (a.openedAt !== undefined) break;
      previous = a;
    }
  }
  return out;
}

/** The retries grouped by k, while at least `min` clients made a k-th try. */
export function byTry(retries: Retry[], min: number): Retry[][] {
  const groups: Retry[][] = [];
  for (let k = 1; ; k++) {
    const group = retries.filter((r) => r.k === k);
    if (group.length < min) return groups;
    groups.push(group);
  }
}

export function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

/**
 * How alike the clients' waits are in one round of tries: the spread of the middle 80% of them against the median,
 * (p90 - p10) / p50. Near 0 when every client waits the same (plus a timer's lateness); about 0.5 for a random half
 * of the wait, 1.6 for a random wait up to all of it.
 *
 * The waits, not the order or the spread of the tries in time, tell jitter apart. In real mode Chromium lets one
 * handshake to a host be in progress at a time (RFC 6455 section 4.1, step 2): twenty tries made in the same instant
 * fail one after another, a second or more apart on a loaded machine, and a jitter of a quarter of a 400 ms wait
 * does not reorder what that queue spread out. What the learner's code decides is the time from a try's end to the
 * next one's `new WebSocket()`, which the tap reports (startedAt).
 */
export function waitSpread(round: Retry[]): number {
  const waits = round.map((r) => r.wait).sort((a, b) => a - b);
  const at = (q: number) => waits[Math.min(waits.length - 1, Math.round(q * (waits.length - 1)))]!;
  return (at(0.9) - at(0.1)) / Math.max(1, at(0.5));
}

/**
 * How alike the clients' waits are in two rounds of tries, by rank (Spearman's rank correlation, over the clients in
 * both): 1 when each client keeps its place from try to try (one random factor per client, drawn once), near 0 when
 * each try draws anew.
 */
export function waitLikeness(a: Retry[], b: Retry[]): number | undefined {
  const rank = (round: Retry[]) => new Map([...round].sort((x, y) => x.wait - y.wait || x.seq - y.seq).map((r, i) => [r.client, i]));
  const first = rank(a);
  const second = rank(b);
  const both = [...first.keys()].filter((c) => second.has(c));
  const n = both.length;
  if (n < 3) return undefined;
  // Ranks again within the clients both rounds share, so the formula's 1 - 6Σd²/(n(n²-1)) holds.
  const within = (m: Map<string, number>) => new Map([...both].sort((x, y) => m.get(x)! - m.get(y)!).map((c, i) => [c, i]));
  const r1 = within(first);
  const r2 = within(second);
  const d2 = both.reduce((s, c) => s + (r1.get(c)! - r2.get(c)!) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}
