import { Buffer } from 'buffer';
import EventEmitter from 'events';
import type { ExchangeEnd, ExchangeTraffic } from './exchange-traffic.js';
import type { Guard, IncomingMessage } from './incoming-message.js';
import { describeType, NodeError } from './node-errors.js';
import { STATUS_CODES } from './status-codes.js';
import { TaskBytes } from './task-bytes.js';

type HeaderValue = string | number | readonly string[];

export interface ResponseInit {
  req: IncomingMessage;
  traffic: ExchangeTraffic;
  guard: Guard;
  /** An error Node would throw at the process level (an 'error' event nobody listens for). */
  crash(error: Error): void;
  /** Node can send a status the browser's Response cannot carry (outside 200–599): tell the learner. */
  warnStatus(status: number): void;
  /** The exchange is over (finished, or the client went away): the server stops counting it as open. */
  done(): void;
  /** The process is gone (kill): drop the exchange's timers, with no learner-visible bookkeeping. */
  killed(): void;
}

// https://www.rfc-editor.org/rfc/rfc9110#name-tokens, and Node's checkInvalidHeaderChar (lib/_http_common.js).
const TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** Hop-by-hop headers describe the HTTP/1.1 connection, which the service worker's Response does not have. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding']);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Node's default since 22 (`stream.getDefaultHighWaterMark()`; 16 KiB before): past it, `write()` returns false. */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * The `res` a request handler receives: Node's ServerResponse over a streamed `Response`. As in Node, the head goes
 * out with the first write (or `end`, or `flushHeaders`), not at `writeHead`: until then the client's `fetch` is still
 * waiting, which is what lets a long-poll handler hold a request and answer later. Each `write` is enqueued at once, so
 * an EventSource gets each event when the handler writes it.
 */
export class ServerResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  sendDate = true;
  readonly req: IncomingMessage;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;

  /** Resolves to what the service worker hands the client, once the head is sent (or the connection dies first). */
  readonly response: Promise<Response>;

  #headers = new Map<string, { name: string; value: HeaderValue }>();
  #headSealed = false;
  #committed = false;
  #contentLength: number | undefined;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #needDrain = false;
  #resolve!: (response: Response) => void;
  #init: ResponseInit;
  /** Written in the current task, not yet on the stream (see #send). */
  #gathered = new TaskBytes((chunk) => {
    if (!this.#controller || this.destroyed) return;
    try {
      this.#controller.enqueue(chunk);
    } catch {
      // the client cancelled between our check and the enqueue
    }
  });

  constructor(init: ResponseInit) {
    super();
    this.#init = init;
    this.req = init.req;
    this.response = new Promise((resolve) => (this.#resolve = resolve));
  }

  get socket(): IncomingMessage['socket'] {
    return this.req.socket;
  }

  get connection(): IncomingMessage['socket'] {
    return this.req.socket;
  }

  /** The head has gone to the client (first write, end or flushHeaders): its fetch has resolved. */
  get headSent(): boolean {
    return this.#committed;
  }

  /** True from `writeHead` on, as in Node, although the bytes leave with the first write. */
  get headersSent(): boolean {
    return this.#headSealed;
  }

  /** Node's deprecated alias of `writableEnded`. */
  get finished(): boolean {
    return this.writableEnded;
  }

  get writable(): boolean {
    return !this.writableEnded && !this.destroyed;
  }

  get writableHighWaterMark(): number {
    return HIGH_WATER_MARK;
  }

  /** Bytes written and not yet taken by the network: the memory a client that reads slowly makes the server hold. */
  get writableLength(): number {
    if (this.destroyed || !this.#controller) return 0;
    const queued = this.writableEnded ? 0 : HIGH_WATER_MARK - (this.#controller.desiredSize ?? HIGH_WATER_MARK);
    return queued + this.#gathered.size;
  }

  get writableNeedDrain(): boolean {
    return this.#needDrain;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.#headSealed) throw new NodeError('ERR_HTTP_HEADERS_SENT', 'Cannot set headers after they are sent to the client');
    this.#headers.set(validName(name).toLowerCase(), { name, value: validValue(name, value) });
    return this;
  }

  appendHeader(name: string, value: HeaderValue): this {
    const existing = this.#headers.get(validName(name).toLowerCase());
    if (!existing) return this.setHeader(name, value);
    if (this.#headSealed) throw new NodeError('ERR_HTTP_HEADERS_SENT', 'Cannot append headers after they are sent to the client');
    const added = validValue(name, value);
    existing.value = [...toList(existing.value), ...toList(added)];
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#headers.get(name.toLowerCase())?.value;
  }

  getHeaders(): Record<string, HeaderValue> {
    const out = Object.create(null) as Record<string, HeaderValue>;
    for (const [key, { value }] of this.#headers) out[key] = value;
    return out;
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys()];
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    if (this.#headSealed) throw new NodeError('ERR_HTTP_HEADERS_SENT', 'Cannot remove headers after they are sent to the client');
    this.#headers.delete(name.toLowerCase());
  }

  writeHead(
    statusCode: number,
    reasonOrHeaders?: string | Record<string, HeaderValue> | readonly unknown[],
    headers?: Record<string, HeaderValue> | readonly unknown[],
  ): this {
    if (this.#headSealed) throw new NodeError('ERR_HTTP_HEADERS_SENT', 'Cannot write headers after they are sent to the client');
    const code = Number(statusCode) | 0;
    if (code < 100 || code > 999) {
      throw new NodeError('ERR_HTTP_INVALID_STATUS_CODE', `Invalid status code: ${String(statusCode)}`, 'RangeError');
    }
    this.statusCode = code;
    if (typeof reasonOrHeaders === 'string') this.statusMessage = reasonOrHeaders;
    else headers = reasonOrHeaders;
    if (Array.isArray(headers)) {
      // Node accepts [[name, value], ...] and the flat [name, value, name, value] of rawHeaders.
      const list = headers as readonly unknown[];
      const pairs = Array.isArray(list[0])
        ? (list as [string, HeaderValue][])
        : Array.from({ length: list.length / 2 }, (_, i) => [list[2 * i], list[2 * i + 1]] as [string, HeaderValue]);
      for (const [name, value] of pairs) this.appendHeader(name, value);
    } else if (headers) {
      for (const [name, value] of Object.entries(headers as Record<string, HeaderValue>)) {
        if (value !== undefined) this.setHeader(name, value);
      }
    }
    this.#sealHead();
    return this;
  }

  /** Sends the head now: an EventSource opens (readyState 1) before the first event. */
  flushHeaders(): void {
    this.#commit();
  }

  write(chunk: unknown, encodingOrCallback?: string | (() => void), callback?: (error?: Error | null) => void): boolean {
    const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : undefined;
    const cb = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (this.writableEnded) {
      // Node: write after end is emitted as an 'error'; with no listener the process dies.
      this.#emitError(new NodeError('ERR_STREAM_WRITE_AFTER_END', 'write after end'), cb);
      return false;
    }
    const bytes = toBytes(chunk, encoding);
    if (this.destroyed) {
      // The client is gone: Node drops the write and tells only the callback.
      if (cb) queueMicrotask(() => this.#init.guard(() => cb(new NodeError('ERR_STREAM_DESTROYED', 'Cannot call write after a stream was destroyed'))));
      return false;
    }
    this.#commit();
    this.#send(bytes);
    if (cb) queueMicrotask(() => this.#init.guard(() => cb(null)));
    const ok = !this.#controller || this.writableLength < HIGH_WATER_MARK;
    if (!ok) this.#needDrain = true;
    return ok;
  }

  end(chunk?: unknown, encodingOrCallback?: string | (() => void), callback?: () => void): this {
    if (typeof chunk === 'function') {
      callback = chunk as () => void;
      chunk = undefined;
    }
    const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : undefined;
    const cb = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (this.writableEnded || this.destroyed) {
      if (cb) queueMicrotask(() => this.#init.guard(cb));
      return this;
    }
    const bytes = chunk === undefined || chunk === null ? new Uint8Array(0) : toBytes(chunk, encoding);
    // The whole body is known when end() comes first: Node sends Content-Length instead of chunked encoding. Not after
    // writeHead(): Node renders the head there (_storeHeader), before end() knows the length, so it frames the body
    // as chunked (checked on Node 20 and 24: writeHead(200, {...}); end('hello') sends "5\r\nhello\r\n0\r\n\r\n").
    if (!this.#headSealed && !this.hasHeader('content-length') && !this.hasHeader('transfer-encoding')) {
      this.#contentLength = bytes.length;
    }
    this.#commit();
    this.#send(bytes);
    this.#gathered.flush();
    this.writableEnded = true;
    try {
      this.#controller?.close();
    } catch {
      // already cancelled by the client
    }
    this.#init.traffic.close('responseEnded');
    queueMicrotask(() => {
      this.writableFinished = true;
      this.#init.guard(() => this.emit('finish'));
      if (cb) this.#init.guard(cb);
      this.#finishExchange(false);
    });
    return this;
  }

  /** The server drops the connection: the client sees a network error, as when Node destroys the socket. */
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.#failConnection();
    this.#init.traffic.close('serverDestroyed');
    if (error) this.#emitError(error);
    queueMicrotask(() => this.#finishExchange(true));
    return this;
  }

  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.on('timeout', callback);
    return this;
  }

  cork(): void {}
  uncork(): void {}
  addTrailers(_headers: unknown): void {}
  writeContinue(): void {}

  /** The client went away (fetch aborted, EventSource.close(), its frame removed): Node emits 'close' on both. */
  clientGone(how: ExchangeEnd = 'clientGone'): void {
    if (this.writableEnded || this.destroyed) return;
    this.destroyed = true;
    this.#init.traffic.close(how);
    this.#finishExchange(true);
  }

  /**
   * The connection died under the exchange (the network panel killed it, or lost a chunk): the client's fetch or read
   * fails with a network error, and the handler sees the request abort and 'close', as Node reports a reset socket.
   */
  cut(how: ExchangeEnd = 'killed'): void {
    if (this.writableEnded || this.destroyed) return;
    if (!this.#committed) {
      this.#committed = true;
      this.#resolve(Response.error());
    } else {
      try {
        // @note Chromium gives up on an EventSource (CLOSED, no reconnection) whose service-worker stream errors,
        // while one whose real server vanished gets 'error' in CONNECTING and reconnects (measured, Chromium 156);
        // a stream that just ends is what reconnects it here.
        if (isEventStream(this.getHeader('content-type'))) {
          this.#gathered.flush();
          this.#controller?.close();
        }
        else this.#controller?.error(new TypeError('network error'));
      } catch {
        // already closed
      }
    }
    this.clientGone(how);
  }

  /** The process is gone (the run stops, or the server crashed): end the stream without learner callbacks. */
  kill(how: ExchangeEnd = 'runStopped'): void {
    this.#failConnection();
    this.destroyed = true;
    this.#init.traffic.close(how);
    this.#init.killed();
  }

  /** The client sees the connection fail: fetch rejects before the head, the body read errors after it. */
  #failConnection(): void {
    if (!this.#committed) {
      this.#committed = true;
      this.#resolve(Response.error());
    } else if (!this.writableEnded) {
      try {
        this.#controller?.error(new TypeError('network error'));
      } catch {
        // already closed
      }
    }
  }

  #finishExchange(aborted: boolean): void {
    this.#init.req.markClosed(aborted);
    queueMicrotask(() => this.#init.guard(() => this.emit('close')));
    this.#init.done();
  }

  #emitError(error: Error, cb?: (error?: Error | null) => void): void {
    queueMicrotask(() => {
      if (cb) this.#init.guard(() => cb(error));
      if (this.listenerCount('error')) this.#init.guard(() => this.emit('error', error));
      else this.#init.crash(error);
    });
  }

  #sealHead(): void {
    if (this.#headSealed) return;
    this.#headSealed = true;
    if (!this.statusMessage) this.statusMessage = STATUS_CODES[this.statusCode] ?? 'unknown';
  }

  #commit(): void {
    if (this.#committed) return;
    this.#sealHead();
    this.#committed = true;
    const status = this.statusCode;
    const wire = this.#wireHeaders();
    this.#init.traffic.response(status, this.statusMessage, wire);
    if (status < 200 || status > 599) {
      // A service worker can only answer 200–599 (Fetch: "ok status" range of the Response constructor).
      this.#init.warnStatus(status);
      this.destroyed = true;
      this.#resolve(Response.error());
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(wire)) {
      if (!HOP_BY_HOP.has(name.toLowerCase())) headers.append(name, value);
    }
    const hasBody = !NULL_BODY.has(status) && this.req.method !== 'HEAD';
    const body = hasBody
      ? new ReadableStream<Uint8Array>(
          {
            start: (controller) => {
              this.#controller = controller;
            },
            pull: () => {
              if (!this.#needDrain) return;
              this.#needDrain = false;
              this.#init.guard(() => this.emit('drain'));
            },
            // The client's cancellation travels back through the worker's transferred stream to here.
            cancel: () => this.clientGone(),
          },
          new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_MARK }),
        )
      : null;
    let response: Response;
    try {
      response = new Response(body, { status, statusText: this.statusMessage, headers });
    } catch {
      // A reason phrase the Fetch API rejects (e.g. non-Latin-1 text) still has a status the client can read.
      response = new Response(body, { status, headers });
    }
    this.#resolve(response);
  }

  /** The head as Node would write it: the handler's headers, then Date, Connection, Keep-Alive and the framing. */
  #wireHeaders(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { name, value } of this.#headers.values()) out[name] = toList(value).join(', ');
    const has = (name: string) => this.#headers.has(name);
    if (this.sendDate && !has('date')) out['Date'] = new Date().toUTCString();
    if (!has('connection')) out['Connection'] = 'keep-alive';
    if (!has('keep-alive')) out['Keep-Alive'] = 'timeout=5';
    if (!NULL_BODY.has(this.statusCode) && !has('content-length') && !has('transfer-encoding')) {
      if (this.#contentLength !== undefined) out['Content-Length'] = String(this.#contentLength);
      else out['Transfer-Encoding'] = 'chunked';
    }
    return out;
  }

  /**
   * Each write is seen at once by the traffic (one event per write, one per SSE event), but what reaches the stream is
   * gathered for the rest of the current task and enqueued as one chunk at its microtask checkpoint.
   * @note Measured (`npm run bench:mocks -- --profile`): each chunk of the body crosses from this thread to the
   * service worker (MSW transfers the stream) and on to the network service as its own message, and that crossing,
   * not the server's code, bounded SSE at a fraction of native events/s. Nothing can reach the client before the
   * task that wrote returns anyway (the client shares this thread), so gathering changes no timing a client sees; and
   * chunk boundaries are not part of HTTP (TCP gives a reader what has arrived, one write or several).
   */
  #send(bytes: Uint8Array): void {
    if (!bytes.length) return;
    // One copy, kept until the task ends by the stream and by the traffic's record: the learner may fill the same
    // buffer again before then.
    const own = bytes.slice();
    this.#init.traffic.chunk(own);
    if (!this.#controller || this.destroyed) return;
    this.#gathered.push(own);
  }
}

export function isEventStream(contentType: unknown): boolean {
  return String(contentType ?? '').toLowerCase().startsWith('text/event-stream');
}

function validName(name: string): string {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new NodeError('ERR_INVALID_HTTP_TOKEN', `Header name must be a valid HTTP token ["${String(name)}"]`, 'TypeError');
  }
  return name;
}

function validValue(name: string, value: HeaderValue | undefined): HeaderValue {
  if (value === undefined) {
    throw new NodeError('ERR_HTTP_INVALID_HEADER_VALUE', `Invalid value "undefined" for header "${name}"`, 'TypeError');
  }
  for (const item of toList(value)) {
    if (INVALID_VALUE_CHAR.test(item)) throw new NodeError('ERR_INVALID_CHAR', `Invalid character in header content ["${name}"]`, 'TypeError');
  }
  return value;
}

function toList(value: HeaderValue): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

const utf8Encoder = new TextEncoder();

function toBytes(chunk: unknown, encoding: string | undefined): Uint8Array {
  if (typeof chunk === 'string') {
    // The browser's own encoder for the common case: the buffer package encodes UTF-8 in a JavaScript loop, a
    // tenth of an SSE flood's server time (bench:mocks --profile), for the same bytes (both replace lone surrogates).
    if (encoding === undefined || /^utf-?8$/i.test(encoding)) return utf8Encoder.encode(chunk);
    return Buffer.from(chunk, encoding as BufferEncoding);
  }
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk === null) throw new NodeError('ERR_STREAM_NULL_VALUES', 'May not write null values to stream', 'TypeError');
  throw new NodeError(
    'ERR_INVALID_ARG_TYPE',
    `The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${describeType(chunk)}`,
    'TypeError',
  );
}
