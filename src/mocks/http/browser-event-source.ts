/**
 * The run frame's `EventSource` in browser mode: the browser's API as Chromium behaves, reading the in-browser
 * server's response in this thread instead of through the service worker.
 *
 * Why not the native EventSource: its request goes out to the service worker and every chunk of the answer comes back
 * through the worker and the network service (`npm run bench:mocks -- --profile`, SSE phase: the server had written
 * all 20,000 events 840 ms before the client saw the last of them, the page's thread idle meanwhile, and the first
 * event reached 'open' 120 ms after it was written). A learner would see an SSE stream lag behind its server by
 * that much, which no real connection on one machine does. An EventSource to an address no in-browser server has
 * (another host) is Chromium's own, as before: its CORS, schemes and errors are the browser's to apply.
 *
 * What it follows (WHATWG HTML §9.2 "Server-sent events", and Chromium where the spec leaves a choice, as
 * Chromium 156 behaves against Node on loopback):
 * - the request: GET with `Accept: text/event-stream`, `Cache-Control: no-cache`, and `Last-Event-ID` once an id was
 *   seen; credentials per `withCredentials`; redirects followed;
 * - 200 with a `text/event-stream` type opens; any other status or type fails the connection (readyState CLOSED,
 *   'error', no reconnection); a network error, a stream that ends or one that breaks reconnects: readyState
 *   CONNECTING, 'error', and a new request after the reconnection time (3 s until the stream says `retry:`);
 * - the stream as the spec parses it: UTF-8 with a leading BOM dropped, lines ended by CRLF, LF or CR, `data`,
 *   `event`, `id` (ignored when it holds NUL) and `retry` (digits only); an event without its blank line at the end of
 *   the stream is dropped, and an `id` with no data sets the last event ID without an event;
 * - the events of one chunk (up to 64 KiB) are dispatched in one task after the task that wrote them, in order, each
 *   MessageEvent with `origin` and `lastEventId`, none after close(); the microtasks a handler queues run before the
 *   next event's handler, as when Chromium calls into script for each one (a few rounds of microtasks are let through,
 *   which covers a handler's promise chain a few steps deep).
 */
import { defineEventHandlers } from '../event-handlers.js';
import { Scheduler } from '../ws/pipe.js';
import { sseField } from './sse-blocks.js';

type Win = Window & typeof globalThis;
/** Answers a request as the run's servers would; undefined when none of them is at that address. */
export type ServeRequest = (request: Request) => Response | Promise<Response> | undefined;

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
/** Chromium's reconnection time until a stream sets one (EventSource::kDefaultReconnectDelay). */
const DEFAULT_RECONNECT_MS = 3000;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_REDIRECTS = 20;
/**
 * At most this much of the stream is dispatched in one task: Chromium reads an EventSource's body 64 KiB at a time
 * (ResponseBodyLoader), each read a task of its own. A server that writes megabytes in one task (its writes reach
 * the stream as one chunk) must not make one task of them here: the run's loop guard would take the handlers'
 * total for an endless loop.
 */
const READ_BYTES = 64 * 1024;
/** Microtask rounds between two events' handlers (see the header). */
const MICROTASK_ROUNDS = 4;
const HANDLERS = ['open', 'message', 'error'] as const;

/**
 * Builds the EventSource class for one window: it extends that window's EventTarget and fires that window's events,
 * so `instanceof` and `event instanceof MessageEvent` hold in learner code. `owns(url)`: whether an in-browser
 * server has that address (or none listens on that port of this machine); for any other, the constructor gives
 * `native`'s instance.
 */
export function createBrowserEventSource(
  win: Win,
  serve: ServeRequest,
  owns: (url: URL) => boolean,
  native: typeof globalThis.EventSource,
): { EventSource: typeof globalThis.EventSource; stop(): void } {
  const tasks = new Scheduler(win, (error) => win.reportError(error));
  const nextTask = () => new Promise<void>((resolve) => tasks.post(resolve));
  /** Every source not yet closed: the run's end closes them (its servers are gone, and so is this class). */
  const live = new Set<EventSource>();

  class EventSource extends win.EventTarget {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSED = CLOSED;
    declare readonly CONNECTING: 0;
    declare readonly OPEN: 1;
    declare readonly CLOSED: 2;

    #url: string;
    #withCredentials: boolean;
    #readyState = CONNECTING;
    #lastEventId = '';
    #reconnectMs = DEFAULT_RECONNECT_MS;
    /** Ends the request or the stream in progress (close()). */
    #abort: AbortController | undefined;
    #timer: ReturnType<typeof setTimeout> | undefined;

    static override [Symbol.hasInstance](value: unknown): boolean {
      return Function.prototype[Symbol.hasInstance].call(this, value) || value instanceof native;
    }

    constructor(url: string | URL, init?: EventSourceInit) {
      super();
      if (arguments.length === 0) {
        throw new TypeError("Failed to construct 'EventSource': 1 argument required, but only 0 present.");
      }
      const input = String(url);
      let parsed: URL;
      try {
        parsed = new URL(input, win.document.baseURI);
      } catch {
        throw new win.DOMException(`Failed to construct 'EventSource': Cannot open an EventSource to '${input}'. The URL is invalid.`, 'SyntaxError');
      }
      this.#url = parsed.href;
      this.#withCredentials = Boolean(init?.withCredentials);
      // Not one of the run's servers: the browser's own EventSource, which a constructor may return instead of this.
      if (!owns(parsed)) return new native(input, init) as unknown as EventSource;
      live.add(this);
      // The request starts in a later task, as Chromium's does (a close() in the same task sends none).
      void nextTask().then(() => {
        if (this.#readyState === CONNECTING) void this.#connect();
      });
    }

    get url(): string {
      return this.#url;
    }
    get withCredentials(): boolean {
      return this.#withCredentials;
    }
    get readyState(): number {
      return this.#readyState;
    }

    close(): void {
      if (this.#readyState === CLOSED) return;
      this.#readyState = CLOSED;
      live.delete(this);
      clearTimeout(this.#timer);
      this.#abort?.abort();
    }

    async #connect(): Promise<void> {
      const abort = new AbortController();
      this.#abort = abort;
      const headers: Record<string, string> = { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' };
      // Chromium sends the id's UTF-8 bytes; a header value is bytes, one per character of the string (Latin-1).
      if (this.#lastEventId) headers['Last-Event-ID'] = String.fromCharCode(...new TextEncoder().encode(this.#lastEventId));
      let url = this.#url;
      let response: Response | undefined;
      try {
        for (let redirects = 0; ; redirects++) {
          const request = new win.Request(url, {
            headers,
            mode: 'cors',
            credentials: this.#withCredentials ? 'include' : 'same-origin',
            cache: 'no-store',
            signal: abort.signal,
          });
          // undefined: the server went away since the constructor; a refused connection then, as for a free port.
          response = (await serve(request)) ?? Response.error();
          const location = response.headers.get('location');
          if (!REDIRECTS.has(response.status) || location === null || redirects >= MAX_REDIRECTS) break;
          void response.body?.cancel().catch(() => {});
          url = new URL(location, url).href;
        }
      } catch {
        response = undefined; // a network error, or close() during the request
      }
      // The browser learns of the answer in a task of its own.
      await nextTask();
      if (this.#readyState === CLOSED || abort.signal.aborted) {
        void response?.body?.cancel().catch(() => {});
        return;
      }
      if (!response || response.type === 'error') return this.#reestablish();
      const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (response.status !== 200 || type !== 'text/event-stream' || !response.body) {
        void response.body?.cancel().catch(() => {});
        this.#readyState = CLOSED;
        live.delete(this);
        this.dispatchEvent(new win.Event('error'));
        return;
      }
      this.#readyState = OPEN;
      this.dispatchEvent(new win.Event('open'));
      if (this.#readyState === CLOSED) {
        // close() in onopen: the request ends here, and the server sees its client go.
        void response.body.cancel().catch(() => {});
        return;
      }
      await this.#read(response.body.getReader(), new URL(url).origin, abort.signal);
    }

    async #read(reader: ReadableStreamDefaultReader<Uint8Array>, origin: string, signal: AbortSignal): Promise<void> {
      const cancel = () => void reader.cancel().catch(() => {});
      signal.addEventListener('abort', cancel, { once: true });
      const decoder = new TextDecoder();
      const parser = new StreamParser(this.#lastEventId);
      try {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch {
            break; // the connection broke: reconnect, as after an end
          }
          if (chunk.done) break;
          const bytes = chunk.value;
          for (let at = 0; at < bytes.length; at += READ_BYTES) {
            const text = decoder.decode(bytes.subarray(at, at + READ_BYTES), { stream: true });
            // What the server wrote arrives in a later task than the one that wrote it, a read's worth at a time.
            await nextTask();
            if (this.#readyState === CLOSED) return;
            for (const item of parser.push(text)) {
              if (this.#readyState === CLOSED) return;
              if (item.kind === 'retry') {
                // A timer's delay is a signed 32-bit count of ms, taken modulo 2^32: `retry: 4294967306` would be
                // 10 ms. A longer wait than a timer holds (reconnection off, in effect) waits as long as one can.
                this.#reconnectMs = Math.min(item.ms, MAX_TIMER_MS);
                continue;
              }
              this.#lastEventId = item.lastEventId;
              if (item.kind === 'id') continue;
              this.dispatchEvent(new win.MessageEvent(item.type, { data: item.data, origin, lastEventId: item.lastEventId }));
              for (let i = 0; i < MICROTASK_ROUNDS; i++) await undefined;
            }
          }
        }
      } finally {
        signal.removeEventListener('abort', cancel);
      }
      // What follows the last blank line is discarded (the spec's end of file).
      if (this.#readyState !== CLOSED) this.#reestablish();
    }

    /** A network error or the end of the stream: 'error' with readyState CONNECTING, then a new request. */
    #reestablish(): void {
      if (this.#readyState === CLOSED) return;
      this.#readyState = CONNECTING;
      this.dispatchEvent(new win.Event('error'));
      if (this.#readyState !== CONNECTING) return; // closed in onerror
      this.#timer = setTimeout(() => {
        if (this.#readyState === CONNECTING) void this.#connect();
      }, this.#reconnectMs);
    }
  }

  defineEventHandlers(EventSource.prototype, HANDLERS);
  for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSED })) {
    Object.defineProperty(EventSource.prototype, name, { value, enumerable: true });
  }
  Object.defineProperty(EventSource.prototype, Symbol.toStringTag, { value: 'EventSource', configurable: true });
  return {
    EventSource: EventSource as unknown as typeof globalThis.EventSource,
    stop() {
      for (const source of [...live]) source.close();
      tasks.stop();
    },
  };
}

type Parsed =
  | { kind: 'event'; type: string; data: string; lastEventId: string }
  | { kind: 'id'; lastEventId: string }
  | { kind: 'retry'; ms: number };

/**
 * The event stream interpretation of WHATWG HTML §9.2.6, fed text as it arrives.
 * @note Written here rather than on eventsource-parser (which the traffic's decoding uses): the API needs the spec's
 * last event ID buffer, which outlives events and is set by an `id` block with no data, and the place of each
 * `retry:` among the events, which that parser's callbacks do not give.
 */
export class StreamParser {
  #rest = '';
  /** The previous text ended with CR: an LF that starts the next is the same line end. */
  #afterCR = false;
  #data = '';
  #hasData = false;
  #type = '';
  #idBuffer: string;
  #idSeen = false;

  constructor(lastEventId: string) {
    this.#idBuffer = lastEventId;
  }

  push(text: string): Parsed[] {
    const out: Parsed[] = [];
    if (!text) return out;
    let at = 0;
    if (this.#afterCR && text.startsWith('\n')) at = 1;
    this.#afterCR = false;
    // The next CR and LF at or after `at`, each searched again only once passed: searching the rest of the text for
    // both on every line made a 64 KiB read of short events cost ten times a linear split (measured).
    let cr = text.indexOf('\r', at);
    let lf = text.indexOf('\n', at);
    for (;;) {
      if (cr !== -1 && cr < at) cr = text.indexOf('\r', at);
      if (lf !== -1 && lf < at) lf = text.indexOf('\n', at);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) break;
      const line = this.#rest + text.slice(at, end);
      this.#rest = '';
      if (text[end] === '\r') {
        if (end + 1 === text.length) this.#afterCR = true;
        at = text[end + 1] === '\n' ? end + 2 : end + 1;
      } else at = end + 1;
      this.#line(line, out);
    }
    this.#rest += text.slice(at);
    return out;
  }

  #line(line: string, out: Parsed[]): void {
    if (line === '') return this.#dispatch(out);
    if (line.startsWith(':')) return;
    const { field, value } = sseField(line);
    switch (field) {
      case 'event':
        this.#type = value;
        break;
      case 'data':
        this.#data += value + '\n';
        this.#hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.#idBuffer = value;
          this.#idSeen = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) out.push({ kind: 'retry', ms: Number(value) });
        break;
      default:
      // ignored
    }
  }

  #dispatch(out: Parsed[]): void {
    const lastEventId = this.#idBuffer;
    const type = this.#type || 'message';
    const { length } = this.#data;
    const data = this.#data.slice(0, length - 1);
    const hasData = this.#hasData;
    const idSeen = this.#idSeen;
    this.#data = '';
    this.#hasData = false;
    this.#type = '';
    this.#idSeen = false;
    if (hasData) out.push({ kind: 'event', type, data, lastEventId });
    else if (idSeen) out.push({ kind: 'id', lastEventId });
  }
}
