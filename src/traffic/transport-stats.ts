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
 * Bytes: once the run recorded its wire ('bytes' events, both runtimes), every byte each way as recorded, opening
 * requests, 101s, chunk framing and frame headers included, each connection given the way its request head says
 * (an Upgrade or an Engine.IO path: WebSocket; Accept: text/event-stream: SSE; else the lesson's pollKind of its
 * target). Without a recorded wire, the events' own estimates (the taps count HTTP headers; a WebSocket frame's
 * header counts, its handshake does not).
 *
 * Delay, by convention: a news item is a JSON object with a numeric `id` and `t`, the publish time as `Date.now()`
 * on the server. Any message or frame from the server whose body is such an item, an array of them, or an SSE `data:`
 * holding one counts as the item reaching the page; the client code shows it in the same task, so that moment is its
 * display. Delay = (event time + the run's epoch) − t. The first arrival of each id per way counts (a replay after a
 * reconnection does not add a second delay).
 */
import type { PollKind } from '../shared/lesson.js';
import type { TrafficEvent } from '../shared/traffic.js';
import { fromBase64 } from '../shared/wire/bytes.js';
import { isEngineIoPath } from '../shared/wire/connection.js';
import { headerValue, HttpMessageDecoder, type HttpHead } from '../shared/wire/http-message.js';

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

interface WireBytes {
  bytesUp: number;
  bytesDown: number;
  upSteps: Array<[time: number, bytes: number]>;
  downSteps: Array<[time: number, bytes: number]>;
}

function emptyWire(): WireBytes {
  return { bytesUp: 0, bytesDown: 0, upSteps: [], downSteps: [] };
}

/** One recorded connection: the way of its latest request, and its request reader until it switched protocols. */
interface WireConn {
  way?: Way;
  reader?: HttpMessageDecoder;
  /** Bytes seen before its first request head was whole (its way not known yet). */
  early: Array<['c2s' | 's2c', number, number]>;
}

export class TransportStats {
  readonly ways: Record<Way, WayStats> = { short: emptyStats(), long: emptyStats(), sse: emptyStats(), ws: emptyStats() };
  private wire: Record<Way, WireBytes> = { short: emptyWire(), long: emptyWire(), sse: emptyWire(), ws: emptyWire() };
  /** 'bytes' events taken in: with any, the wire's byte counts replace the API's estimates. */
  wireChunks = 0;
  private wireConns = new Map<string, WireConn>();
  private conns = new Map<string, { way: Way; requested: boolean }>();
  private seen: Record<Way, Set<number>> = { short: new Set(), long: new Set(), sse: new Set(), ws: new Set() };
  /** Run time of the last event taken in. */
  end = 0;

  /** @param pollKind the lesson's way of telling long polls from short ones (LessonContent.pollKind) */
  constructor(private readonly pollKind: PollKind = SHORT_POLLS) {}

  /** The figures to show: requests and arrivals from the events, bytes from the wire when it was recorded. */
  figures(): Record<Way, WayStats> {
    if (!this.wireChunks) return this.ways;
    const out = {} as Record<Way, WayStats>;
    for (const way of WAYS) out[way] = { ...this.ways[way], ...this.wire[way] };
    return out;
  }

  /** A chunk of the recorded wire (transport 'tcp', the server's record): its bytes go to its connection's way. */
  addWire(e: TrafficEvent): void {
    if (e.transport !== 'tcp' || e.observer !== 'server') return;
    if (e.kind === 'close') {
      this.wireConns.delete(e.conn);
      return;
    }
    if (e.kind !== 'bytes' || (e.direction !== 'c2s' && e.direction !== 's2c')) return;
    this.wireChunks++;
    this.end = Math.max(this.end, e.time);
    let conn = this.wireConns.get(e.conn);
    if (!conn) this.wireConns.set(e.conn, (conn = { reader: new HttpMessageDecoder('request'), early: [] }));
    if (e.direction === 'c2s' && conn.reader) {
      const bytes = e.details.raw ? fromBase64(e.details.raw) : undefined;
      for (const r of bytes ? conn.reader.feed(bytes) : []) {
        if (r.type !== 'head') continue;
        conn.way = wayOfHead(r, this.pollKind);
        // Past an upgrade the bytes are frames: stop reading them as requests.
        if (conn.way === 'ws' && headerValue(r, 'upgrade')) conn.reader = undefined;
      }
    }
    if (!conn.way) {
      conn.early.push([e.direction, e.time, e.bytes]);
      return;
    }
    for (const [direction, time, bytes] of conn.early.splice(0)) this.countWire(conn.way, direction, time, bytes);
    this.countWire(conn.way, e.direction, e.time, e.bytes);
  }

  private countWire(way: Way, direction: 'c2s' | 's2c', time: number, bytes: number): void {
    const w = this.wire[way];
    if (direction === 'c2s') {
      w.bytesUp += bytes;
      w.upSteps.push([time, bytes]);
    } else {
      w.bytesDown += bytes;
      w.downSteps.push([time, bytes]);
    }
  }

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

/** The way one HTTP request takes, from its head. */
export function wayOfHead(head: HttpHead, pollKind: PollKind = SHORT_POLLS): Way {
  if (/websocket/i.test(headerValue(head, 'upgrade') ?? '') || isEngineIoPath(head.target)) return 'ws';
  if ((headerValue(head, 'accept') ?? '').includes('text/event-stream')) return 'sse';
  return pollKind(head.target);
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
