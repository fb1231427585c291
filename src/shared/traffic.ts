/**
 * The one traffic event type. Every view (inspector, sequence diagram, comparison charts, exercise checks) reads these
 * and nothing else, so a fact about the wire is recorded once, where it happens, and looks the same in both runtimes.
 *
 * Producers: the client taps in the run frame (fetch, XMLHttpRequest, EventSource, WebSocket, socket.io-client),
 * identical in browser and real mode, and the in-browser server shims (the server's side of the same conversation).
 */

/** 'tcp': raw bytes on a connection, before anything knows which protocol they carry (see kind 'bytes'). */
export const TRANSPORTS = ['http', 'sse', 'ws', 'socket.io', 'tcp'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const TRAFFIC_KINDS = [
  'request',
  'response',
  'open',
  'message',
  'frame',
  'close',
  'error',
  /**
   * One chunk exactly as one side read or wrote it on a TCP connection (transport 'tcp', conn 'tcp#<n>'). The views
   * decode these with the parsers in src/shared/wire/ into HTTP heads, chunked bodies, SSE blocks and WebSocket,
   * Engine.IO and Socket.IO frames; the other kinds stay what the APIs on each side report.
   */
  'bytes',
] as const;
export type TrafficKind = (typeof TRAFFIC_KINDS)[number];

/** c2s: client to server; s2c: server to client; none: a state change with no bytes (open, error). */
export type Direction = 'c2s' | 's2c' | 'none';

/** Who saw it: the client taps, or the server shims. Views usually show one side to avoid doubles. */
export type Observer = 'client' | 'server';

export interface TrafficDetails {
  method?: string;
  url?: string;
  status?: number;
  statusText?: string;
  headers?: Record<string, string>;
  /** SSE */
  eventId?: string;
  eventType?: string;
  retry?: number;
  /** WebSocket */
  code?: number;
  reason?: string;
  wasClean?: boolean;
  binary?: boolean;
  /** Engine.IO packet type name (open, close, ping, pong, message, upgrade, noop) */
  eioType?: string;
  /** Socket.IO packet: type name, namespace, event name, ack id */
  sioType?: string;
  nsp?: string;
  event?: string;
  ackId?: number;
  /** seq of the event this one is a decoding of (a socket.io event ↔ its raw packet) */
  linkedTo?: number;
  /** free text for anything else worth showing (an error message, "held 2.1 s"), in the run's language */
  note?: string;
  /**
   * What views must tell apart, marked rather than read from `note` (which is in the learner's language): a send the
   * socket refused (closing or closed); the server's own end of a response (res.end), which is not news; the number
   * (#n) of the raw Engine.IO packet a decoded socket.io event came from; an EventSource's error after which the
   * browser does not reconnect (readyState CLOSED).
   */
  notSent?: true;
  gaveUp?: true;
  responseEnded?: true;
  decodes?: number;
  /** kind 'bytes': the chunk, base64, at most BODY_LIMIT bytes of it; `bytes` is always its true length. */
  raw?: string;
  /** kind 'bytes': how many bytes of this chunk were not kept (a flood, or a chunk over BODY_LIMIT). */
  rawDropped?: number;
  /**
   * The line of the learner's code that made this happen (a ws.send, res.write, fetch, new EventSource, emit), where
   * one did: absent for what the browser, the runtime or a library did by itself (a message arriving, a reconnection,
   * a ping). Browser mode knows it on both sides; real mode on the client's.
   */
  source?: { file: string; line: number; column: number };
  /**
   * No line was looked up for this event: it came in a flood, past the runtime's budget of stacks a second
   * (CALL_SITES_PER_SECOND in src/frame/call-site.ts). Not the same as no line: the learner's code may well have made it.
   */
  unlocated?: boolean;
  /**
   * A WebSocket's open or error: when the page's code made it (`new WebSocket()`), on the run's clock. The event may
   * come much later: a browser lets one handshake to a host be in progress at a time (RFC 6455 section 4.1, step 2),
   * so twenty made at once reach the network one after another.
   */
  startedAt?: number;
  /** kind 'bytes': the server's local port of the connection, so a view can tell the proxy's leg from the lesson's. */
  port?: number;
  /**
   * kind 'bytes': browser mode rebuilt these bytes rather than reading them from a socket (a request head: the headers
   * the browser adds itself never reach the service worker, so they are missing). Views say so in the learner's language.
   */
  rebuilt?: boolean;
}

/**
 * What a look-up of the learner's line gave: the line; `null` when it was not looked up (the budget of the second was
 * spent: see `unlocated`); undefined when no line of the side's file was on the stack.
 */
export type SourceLookup = TrafficDetails['source'] | null;

/** The details a look-up gives an event: its line, or the mark that it was not looked up, or nothing. */
export function sourceDetails(lookup: SourceLookup): Pick<TrafficDetails, 'source' | 'unlocated'> {
  return lookup ? { source: lookup } : lookup === null ? { unlocated: true } : {};
}

export interface TrafficEvent {
  /** Monotonic per run, assigned by the buffer. */
  seq: number;
  /** ms since the run started (performance.now() based). */
  time: number;
  /** Which client this came from; the chat lesson has several. 'client' by default. */
  party: string;
  observer: Observer;
  /** Stable id of one connection or one request/response exchange, e.g. "ws#3", "http#12". */
  conn: string;
  transport: Transport;
  direction: Direction;
  kind: TrafficKind;
  /** Bytes on the wire as far as the tap can know (headers counted for HTTP). */
  bytes: number;
  /** A short text preview of the payload (at most ~200 chars). */
  preview: string;
  /** Full payload where kept (text, or hex for binary), bounded to 64 KiB. */
  body?: string;
  details: TrafficDetails;
}

/** What a producer hands over; the buffer stamps seq. */
export type TrafficInput = Omit<TrafficEvent, 'seq'>;

export const PREVIEW_CHARS = 200;
export const BODY_LIMIT = 64 * 1024;

export function previewOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > PREVIEW_CHARS ? flat.slice(0, PREVIEW_CHARS - 1) + '…' : flat;
}

export function hexOf(bytes: Uint8Array, limit = BODY_LIMIT / 3): string {
  const n = Math.min(bytes.length, limit);
  let out = '';
  for (let i = 0; i < n; i++) out += (i ? ' ' : '') + bytes[i]!.toString(16).padStart(2, '0');
  return n < bytes.length ? out + ' …' : out;
}

/**
 * A bounded, append-only buffer of traffic events. The page owns one per run; views subscribe and read windows of
 * it, none keeps a copy. When full it drops the oldest and counts them, so a flood never grows memory.
 */
export class TrafficBuffer {
  private items: TrafficEvent[] = [];
  private head = 0;
  private nextSeq = 1;
  dropped = 0;
  private listeners = new Set<() => void>();

  constructor(readonly capacity = 10_000) {}

  push(input: TrafficInput): TrafficEvent {
    const event = { ...input, seq: this.nextSeq++ } as TrafficEvent;
    if (this.items.length < this.capacity) {
      this.items.push(event);
    } else {
      this.items[this.head] = event;
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    }
    return event;
  }

  /** Tell subscribers once after a batch of pushes (the page calls this per message batch, not per event). */
  notify(): void {
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.items.length;
  }

  /** Event at logical index i (0 = oldest kept). */
  at(i: number): TrafficEvent | undefined {
    if (i < 0 || i >= this.items.length) return undefined;
    return this.items[(this.head + i) % this.items.length];
  }

  /** A copy of events [from, to) in order; views ask only for what they draw. */
  slice(from = 0, to = this.items.length): TrafficEvent[] {
    const out: TrafficEvent[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.items.length); i++) out.push(this.at(i)!);
    return out;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.dropped = 0;
    this.notify();
  }
}
