/**
 * The figures of the transport comparison, counted from traffic events only (no formula: a learner who changes the
 * poll interval or the server sees the numbers change because the wire changed).
 *
 * Which "way" an event belongs to:
 *   - transport 'sse' → SSE; 'ws' and 'socket.io' → WebSocket;
 *   - transport 'http' → long or short polling, as the lesson's `pollKind` says from the URL (a URL convention is the
 *     lesson's own: the push lesson's is `/news/long`); short polling when the lesson gives none. Decided at a
 *     connection's first event that carries a URL and kept for the connection's later events (a response body
 *     carries none).
 *
 * Requests: every 'request' event, plus an 'open' of a connection that reported no request (the client taps see an
 * EventSource's or WebSocket's handshake only as its open; each reconnection opens again).
 * Bytes: the events' own byte counts each way (the taps count HTTP headers; a WebSocket frame's header counts, its
 * handshake does not, as the page cannot see it).
 *
 * Delay, by convention: a news item is a JSON object with a numeric `id` and `t`, the publish time as `Date.now()`
 * on the server. Any message or frame from the server whose body is such an item, an array of them, or an SSE `data:`
 * holding one counts as the item reaching the page; the client code shows it in the same task, so that moment is its
 * display. Delay = (event time + the run's epoch) − t. The first arrival of each id per way counts (a replay after a
 * reconnection does not add a second delay).
 */
import type { PollKind } from '../shared/lesson.js';
import type { TrafficEvent } from '../shared/traffic.js';

export const WAYS = ['short', 'long', 'sse', 'ws'] as const;
export type Way = (typeof WAYS)[number];

/** Without a lesson's word on it, a plain HTTP exchange is a poll like any other. */
const SHORT_POLLS: PollKind = () => 'short';

export function wayOfUrl(transport: TrafficEvent['transport'], url: string | undefined, pollKind: PollKind = SHORT_POLLS): Way {
  if (transport === 'sse') return 'sse';
  if (transport === 'ws' || transport === 'socket.io') return 'ws';
  return pollKind(url);
}

export interface Arrival {
  id: number;
  /** Run time (ms) the item reached the page. */
  time: number;
  /** Its publish time, ms since 1970. */
  t: number;
}

export interface WayStats {
  requests: number;
  bytesUp: number;
  bytesDown: number;
  arrivals: Arrival[];
  /** Event times of requests and of bytes each way, for the charts (cumulated when drawn). */
  requestTimes: number[];
  upSteps: Array<[time: number, bytes: number]>;
  downSteps: Array<[time: number, bytes: number]>;
}

function emptyStats(): WayStats {
  return { requests: 0, bytesUp: 0, bytesDown: 0, arrivals: [], requestTimes: [], upSteps: [], downSteps: [] };
}

interface Item {
  id: number;
  t: number;
}

function isItem(v: unknown): v is Item {
  return typeof v === 'object' && v !== null && typeof (v as Item).id === 'number' && typeof (v as Item).t === 'number';
}

/** The news items a body carries: one item, an array of them, or nothing. */
export function itemsIn(body: string | undefined): Item[] {
  if (!body) return [];
  const text = body.trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (isItem(value)) return [value];
    if (Array.isArray(value)) return value.filter(isItem);
  } catch {
    // A chunk of a body cut mid-JSON, or not JSON at all: no item to count.
  }
  return [];
}

export class TransportStats {
  readonly ways: Record<Way, WayStats> = { short: emptyStats(), long: emptyStats(), sse: emptyStats(), ws: emptyStats() };
  private conns = new Map<string, { way: Way; requested: boolean }>();
  private seen: Record<Way, Set<number>> = { short: new Set(), long: new Set(), sse: new Set(), ws: new Set() };
  /** Run time of the last event taken in. */
  end = 0;

  /** @param pollKind the lesson's way of telling long polls from short ones (LessonContent.pollKind) */
  constructor(private readonly pollKind: PollKind = SHORT_POLLS) {}

  add(e: TrafficEvent): void {
    let conn = this.conns.get(e.conn);
    if (!conn) {
      conn = { way: wayOfUrl(e.transport, e.details.url, this.pollKind), requested: false };
      this.conns.set(e.conn, conn);
    } else if (e.transport === 'sse' && conn.way !== 'sse') {
      // The server's side learns an exchange is SSE only from its response's Content-Type.
      conn.way = 'sse';
    }
    const s = this.ways[conn.way];
    this.end = Math.max(this.end, e.time);
    if (e.kind === 'request' || (e.kind === 'open' && !conn.requested)) {
      s.requests++;
      s.requestTimes.push(e.time);
      if (e.kind === 'request') conn.requested = true;
    }
    if (e.direction === 'c2s' && e.bytes) {
      s.bytesUp += e.bytes;
      s.upSteps.push([e.time, e.bytes]);
    }
    if (e.direction === 's2c') {
      if (e.bytes) {
        s.bytesDown += e.bytes;
        s.downSteps.push([e.time, e.bytes]);
      }
      if (e.kind === 'message' || e.kind === 'frame') {
        // The server's tap keeps an SSE block whole in the body ("id: 7\ndata: {…}") and the data in the preview.
        let items = itemsIn(e.body);
        if (!items.length && e.preview !== e.body) items = itemsIn(e.preview);
        for (const item of items) {
          if (this.seen[conn.way].has(item.id)) continue;
          this.seen[conn.way].add(item.id);
          s.arrivals.push({ id: item.id, time: e.time, t: item.t });
        }
      }
    }
  }
}

/** Delays (ms) of a way's arrivals, given the run's epoch (ms since 1970 at run time 0). */
export function delaysOf(s: WayStats, epoch: number): number[] {
  return s.arrivals.map((a) => a.time + epoch - a.t);
}

export function median(values: readonly number[]): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Sample a cumulative count at the end of each bucket: x in seconds, y the running total. `steps` are [time, amount]
 * in time order.
 */
export function cumulative(steps: ReadonlyArray<readonly [number, number]>, xs: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let total = 0;
  for (const x of xs) {
    while (i < steps.length && steps[i]![0] <= x * 1000) total += steps[i++]![1];
    out.push(total);
  }
  return out;
}

/** Bucket ends (seconds) from 0 to `endMs`: at most `max` of them, each a multiple of 250 ms. */
export function bucketEnds(endMs: number, max = 400): number[] {
  const size = Math.max(250, Math.ceil(endMs / max / 250) * 250);
  const xs: number[] = [];
  for (let t = 0; t < endMs + size; t += size) xs.push(t / 1000);
  return xs;
}
