/**
 * The pure part of the sequence diagram: which lanes there are, where each traffic event goes (a row, an arrow from
 * one lane to another, its label as a developer would say it), which exchanges are held open (spans), and where long
 * gaps are. No DOM here, so every rule can be tested in Node from hand-made events; <sequence-diagram> only draws
 * what this computes, and only the rows in view.
 *
 * The layout is incremental: `add()` takes events in buffer order and each row's position depends only on the row
 * before it, so a live run costs one small step per new event, never a relayout. Changing a filter or the gap mode
 * starts a new layout (O(n) over at most the buffer's 10,000 events).
 */
import type { TrafficEvent, TrafficKind, Transport } from '../shared/traffic.js';

export type GapMode = 'compressed' | 'scale';

export interface LayoutOptions {
  mode: GapMode;
  /** Height of one row (one arrow). */
  rowHeight: number;
  /** Compressed mode: a pause longer than this between two rows becomes a gap mark of `gapHeight`. */
  gapThresholdMs: number;
  gapHeight: number;
  /** Scale mode: vertical pixels per second of silence (bursts still take at least one row per event). */
  pxPerSecond: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  mode: 'compressed',
  rowHeight: 24,
  gapThresholdMs: 400,
  gapHeight: 18,
  pxPerSecond: 60,
};

/** The server's lane; every client lane is named after the event's `party`. */
export const SERVER_LANE = 'server';

/** What colour and weight an arrow has; one per kind of thing a learner should tell apart at a glance. */
export type Tone = 'request' | 'response' | 'data' | 'open' | 'close' | 'error';

export interface Arrow {
  /** The event the arrow stands for (what a click selects). */
  seq: number;
  /** Every event drawn by this arrow: a response with its body folded in, a raw socket.io packet with its decoding. */
  seqs: number[];
  time: number;
  /** Top of the row, from the start of the diagram. */
  y: number;
  /** The client lane this exchange belongs to. */
  party: string;
  /** c2s: client lane → server lane; s2c: back; mark: a state change drawn on one lane (`markLane`). */
  dir: 'c2s' | 's2c' | 'mark';
  markLane?: string;
  label: string;
  /** A send the socket refused (closing or closed): the view says so beside the label, in the page's language. */
  notSent?: true;
  tone: Tone;
  transport: Transport;
  kind: TrafficKind;
  conn: string;
  /** Compressed mode: milliseconds of silence folded into a gap mark just above this row. */
  gapBefore?: number;
  /** Scale mode: the previous row's time and y, so an axis can place whole seconds inside the gap. */
  prevTime?: number;
  prevY?: number;
}

/**
 * A connection or exchange held open over time. 'held': an HTTP request waiting for its response, drawn on the
 * server lane (the server holds it: a long poll visibly waits). 'stream': an SSE or WebSocket connection from its
 * opening to its close, drawn on the client lane.
 */
export interface Span {
  conn: string;
  kind: 'held' | 'stream';
  lane: string;
  /** Side-by-side position among spans open at the same time on the same lane, 0 first. */
  slot: number;
  startSeq: number;
  startY: number;
  startTime: number;
  /** Undefined while still open. */
  endY?: number;
  endTime?: number;
  transport: Transport;
}

const LABEL_CHARS = 72;

function shorten(text: string, max = LABEL_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** "/news?since=12" from "http://localhost:3000/news?since=12"; a path stays a path. */
export function pathOf(url: string | undefined): string {
  if (!url) return '';
  if (url.startsWith('/')) return url;
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

/** The payload text of an event, as short as a label wants it. */
function payloadOf(e: TrafficEvent): string {
  return shorten(e.preview || e.body || '');
}

/**
 * How a developer would say what this event is: `GET /news?since=12`, `200 OK`, `data: {...} id: 7`,
 * `101 Switching Protocols`, `42["chat message","hi"]`, `close 1006`. Folding (a body into its response) happens
 * in the layout, which knows the exchange; this labels one event alone.
 */
export function labelOf(e: TrafficEvent): string {
  const d = e.details;
  switch (e.kind) {
    case 'request': {
      const body = e.body ? ' ' + e.body : '';
      return shorten(`${d.method ?? 'GET'} ${pathOf(d.url)}${body}`);
    }
    case 'response':
      return shorten(`${d.status ?? ''} ${d.statusText ?? ''}`.trim() || e.preview);
    case 'open':
      // Both taps report a WebSocket's open when the 101 answer arrived: that answer is what a developer sees.
      if (e.transport === 'ws' || d.status === 101) return '101 Switching Protocols';
      if (e.transport === 'sse') return shorten(`open ${pathOf(d.url ?? e.preview)}`);
      return shorten(`open${d.note ? ' ' + d.note : ''}`);
    case 'message':
      if (e.transport === 'sse') return sseLabel(e);
      return payloadOf(e);
    case 'frame':
      // A send after close() (discarded, WHATWG WebSockets send() step 3) keeps its text; the arrow says it was not
      // sent (Arrow.notSent), in the page's language.
      return payloadOf(e);
    case 'close':
      if (d.code !== undefined) return shorten(`close ${d.code}${d.reason ? ' ' + d.reason : ''}`);
      if (e.transport === 'ws' || e.transport === 'socket.io') return shorten(e.direction === 'c2s' ? 'close()' : `close${d.note ? ': ' + d.note : ''}`);
      return shorten(`close${d.note ? ': ' + d.note : e.preview ? ': ' + e.preview : ''}`);
    case 'error':
      return shorten(`error${d.note ? ': ' + d.note : e.preview ? ': ' + e.preview : ''}`);
    case 'bytes':
      return shorten(`${e.bytes} B${e.preview ? ' ' + e.preview : ''}`);
  }
}

/** An SSE event as it was written on the wire, in one line: `event: tick data: {...} id: 7`. */
function sseLabel(e: TrafficEvent): string {
  const d = e.details;
  // A heartbeat comment or a retry-only block: the server tap's preview already reads as the wire text.
  if (d.eventType === undefined && d.eventId === undefined) {
    if (d.retry !== undefined) return `retry: ${d.retry}`;
    if (d.note && !e.preview.startsWith(':')) return payloadOf(e);
    if (e.preview.startsWith(':')) return payloadOf(e);
  }
  const type = d.eventType && d.eventType !== 'message' ? `event: ${d.eventType} ` : '';
  const id = d.eventId ? ` id: ${d.eventId}` : '';
  const data = shorten(e.body ?? e.preview, LABEL_CHARS - type.length - id.length - 6);
  return `${type}data: ${data}${id}`;
}

function toneOf(e: TrafficEvent): Tone {
  switch (e.kind) {
    case 'request':
      return 'request';
    case 'response':
      return 'response';
    case 'open':
      return 'open';
    case 'close':
      return 'close';
    case 'error':
      return 'error';
    default:
      return 'data';
  }
}

/** What a following event of the same connection may add to an arrow instead of taking a row of its own. */
type Fold = 'body' | 'end' | 'decoded';

interface ConnState {
  /** The arrow a following event may fold into, and what it may fold. */
  foldInto?: { arrow: Arrow; what: Fold };
  held?: Span;
  stream?: Span;
  status?: number;
}

/**
 * The diagram's model, built event by event. Holds positions and labels (derived, small), not the events: a view
 * reads the event itself from the buffer by `seq` when it needs more.
 */
export class SequenceLayout {
  readonly lanes: string[] = [];
  readonly arrows: Arrow[] = [];
  readonly spans: Span[] = [];
  /** seq → arrow for events folded into an earlier arrow (a primary seq is found by binary search). */
  private folded = new Map<number, Arrow>();
  private conns = new Map<string, ConnState>();
  /** slots in use per lane */
  private slots = new Map<string, Set<number>>();
  /** Arrows before this index fell out of the buffer; trimmed lazily. */
  private start = 0;
  private lastTime = 0;
  private lastY = 0;

  constructor(readonly options: LayoutOptions = DEFAULT_LAYOUT) {}

  /** Height of everything laid out, from the first kept row to below the last one. */
  get height(): number {
    const first = this.arrows[this.start];
    return first ? this.lastY + this.options.rowHeight - first.y : 0;
  }

  /** y of the first kept row: everything is drawn relative to it. */
  get top(): number {
    return this.arrows[this.start]?.y ?? 0;
  }

  get length(): number {
    return this.arrows.length - this.start;
  }

  arrowAt(i: number): Arrow | undefined {
    return i < 0 ? undefined : this.arrows[this.start + i];
  }

  private lane(name: string): void {
    if (this.lanes.includes(name)) return;
    // Clients in the order they first appear, the server always last: "client → server" reads left to right.
    const server = this.lanes.indexOf(SERVER_LANE);
    if (name === SERVER_LANE) this.lanes.push(name);
    else if (server >= 0) this.lanes.splice(server, 0, name);
    else this.lanes.push(name);
  }

  private takeSlot(lane: string): number {
    let used = this.slots.get(lane);
    if (!used) this.slots.set(lane, (used = new Set()));
    let slot = 0;
    while (used.has(slot)) slot++;
    used.add(slot);
    return slot;
  }

  private endSpan(span: Span, y: number, time: number): void {
    span.endY = y;
    span.endTime = time;
    this.slots.get(span.lane)?.delete(span.slot);
  }

  private openSpan(kind: Span['kind'], lane: string, e: TrafficEvent, y: number): Span {
    const span: Span = { conn: e.conn, kind, lane, slot: this.takeSlot(lane), startSeq: e.seq, startY: y, startTime: e.time, transport: e.transport };
    this.spans.push(span);
    return span;
  }

  /** Take in one event (in buffer order). Returns the arrow that now shows it. */
  add(e: TrafficEvent): Arrow {
    // The server shims of socket.io cannot tell which client a packet is for and say 'server'; those belong to the
    // (one) client lane rather than to a lane of their own.
    const party = e.party === SERVER_LANE ? 'client' : e.party;
    let conn = this.conns.get(e.conn);
    if (!conn) this.conns.set(e.conn, (conn = {}));

    const fold = conn.foldInto;
    conn.foldInto = undefined;
    if (fold && this.canFold(fold.what, e)) {
      fold.arrow.seqs.push(e.seq);
      if (e.kind === 'message' && fold.what === 'body') {
        // `200 []`: a whole HTTP body reads best on its response's arrow.
        fold.arrow.label = shorten(`${conn.status ?? ''} ${(e.preview || e.body || '').trim()}`.trim());
        conn.foldInto = { arrow: fold.arrow, what: 'end' };
      }
      this.folded.set(e.seq, fold.arrow);
      return fold.arrow;
    }

    this.lane(party);
    this.lane(SERVER_LANE);
    const arrow = this.place(e, party);
    this.arrows.push(arrow);

    switch (e.kind) {
      case 'request':
        if (e.transport === 'http') conn.held = this.openSpan('held', SERVER_LANE, e, arrow.y);
        else if (!conn.stream) conn.stream = this.openSpan('stream', party, e, arrow.y);
        break;
      case 'response':
        if (conn.held) {
          this.endSpan(conn.held, arrow.y, e.time);
          conn.held = undefined;
        }
        conn.status = e.details.status;
        if (e.transport === 'http') conn.foldInto = { arrow, what: 'body' };
        if (e.transport === 'sse' && !conn.stream) conn.stream = this.openSpan('stream', party, e, arrow.y);
        break;
      case 'open':
        if (!conn.stream) conn.stream = this.openSpan('stream', party, e, arrow.y);
        break;
      case 'frame':
        if (e.transport === 'socket.io') conn.foldInto = { arrow, what: 'decoded' };
        break;
      case 'close':
      case 'error':
        if (conn.held) {
          this.endSpan(conn.held, arrow.y, e.time);
          conn.held = undefined;
        }
        // An EventSource's error while CONNECTING is a retry, not an end; its close() or a CLOSED error ends it.
        if (conn.stream && (e.kind === 'close' || e.transport !== 'sse' || e.details.gaveUp)) {
          this.endSpan(conn.stream, arrow.y, e.time);
          conn.stream = undefined;
        }
        break;
    }
    return arrow;
  }

  private canFold(what: Fold, e: TrafficEvent): boolean {
    // The server shim ends every exchange with "response ended": that is the response's own end, not news.
    const end = e.kind === 'close' && e.direction === 'none' && e.observer === 'server' && e.details.responseEnded === true;
    if (what === 'end') return end;
    if (what === 'body') return end || (e.kind === 'message' && e.transport === 'http' && !e.details.binary);
    // The server's decoded Socket.IO event follows the packet that carried it ("decodes #n").
    return e.kind === 'message' && e.transport === 'socket.io' && e.details.decodes !== undefined;
  }

  private place(e: TrafficEvent, party: string): Arrow {
    const o = this.options;
    const first = this.arrows.length === 0;
    const dt = first ? 0 : Math.max(0, e.time - this.lastTime);
    let y: number;
    let gapBefore: number | undefined;
    if (first) {
      y = 0;
    } else if (o.mode === 'compressed') {
      gapBefore = dt > o.gapThresholdMs ? dt : undefined;
      y = this.lastY + o.rowHeight + (gapBefore !== undefined ? o.gapHeight : 0);
    } else {
      y = this.lastY + Math.max(o.rowHeight, (dt / 1000) * o.pxPerSecond);
    }
    const arrow: Arrow = {
      seq: e.seq,
      seqs: [e.seq],
      time: e.time,
      y,
      party,
      dir: 'mark',
      label: labelOf(e),
      tone: toneOf(e),
      transport: e.transport,
      kind: e.kind,
      conn: e.conn,
    };
    if (e.details.notSent) arrow.notSent = true;
    if (gapBefore !== undefined) arrow.gapBefore = gapBefore;
    if (!first && o.mode === 'scale') {
      arrow.prevTime = this.lastTime;
      arrow.prevY = this.lastY;
    }
    if (e.direction === 'c2s' || e.direction === 's2c') {
      arrow.dir = e.direction;
    } else if (e.kind === 'open' && (e.transport === 'ws' || e.details.status === 101)) {
      // The open of a WebSocket is the 101 answer arriving: an arrow from the server, as on the wire.
      arrow.dir = 's2c';
    } else {
      arrow.markLane = e.observer === 'server' ? SERVER_LANE : party;
    }
    this.lastTime = e.time;
    this.lastY = y;
    return arrow;
  }

  /** Forget rows of events the buffer no longer holds (it drops its oldest when full). */
  trim(oldestSeq: number): void {
    while (this.start < this.arrows.length && this.arrows[this.start]!.seqs[this.arrows[this.start]!.seqs.length - 1]! < oldestSeq) this.start++;
    const top = this.top;
    if (this.start > 1024 && this.start * 2 > this.arrows.length) {
      for (const a of this.arrows.slice(0, this.start)) for (const s of a.seqs) this.folded.delete(s);
      this.arrows.splice(0, this.start);
      this.start = 0;
      for (let i = this.spans.length - 1; i >= 0; i--) {
        const s = this.spans[i]!;
        if (s.endY !== undefined && s.endY < top) this.spans.splice(i, 1);
      }
    }
  }

  /** Index (from the first kept row) of the arrow drawing `seq`, or -1. */
  indexOf(seq: number): number {
    const folded = this.folded.get(seq);
    const target = folded ? folded.seq : seq;
    let lo = this.start;
    let hi = this.arrows.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.arrows[mid]!.seq;
      if (v === target) return mid - this.start;
      if (v < target) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Indexes [from, to) of the rows whose band meets [top, bottom) (positions relative to `this.top`). */
  rowsIn(top: number, bottom: number): [number, number] {
    const base = this.top;
    const rowH = this.options.rowHeight;
    // First row whose bottom is below `top`.
    let lo = this.start;
    let hi = this.arrows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.arrows[mid]!.y - base + rowH <= top) lo = mid + 1;
      else hi = mid;
    }
    const from = lo;
    hi = this.arrows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.arrows[mid]!.y - base < bottom) lo = mid + 1;
      else hi = mid;
    }
    return [from - this.start, lo - this.start];
  }

  /** Spans that cross [top, bottom) (relative to `this.top`); open spans reach the bottom of the diagram. */
  spansIn(top: number, bottom: number): Span[] {
    const base = this.top;
    const end = this.lastY + this.options.rowHeight;
    return this.spans.filter((s) => s.startY - base < bottom && (s.endY ?? end) - base >= top && (s.endY ?? end) >= base);
  }

  /** y (relative to `this.top`) of the bottom of the last row. */
  get bottom(): number {
    return this.height;
  }
}
