/**
 * The run frame's `WebSocket`: the browser's API, exactly as Chromium behaves. Each connection is a mock-socket
 * `WebSocket` held inside this facade (wire.ts carries the frames through it to the endpoint's mock-socket `Server`);
 * the learner's client.js uses the facade unchanged, and so does socket.io-client.
 *
 * Where mock-socket's WebSocket differs from Chromium (the README's design notes say why it is corrected rather than
 * replaced), this facade follows Chromium, measured against Chromium 156 ↔ ws 8 on loopback, and does not pass
 * mock-socket's own state through:
 * - binary frames arrive as Blob or ArrayBuffer per `binaryType` (mock-socket carries an ArrayBuffer, wire.ts);
 * - a close frame from the server (any valid code, 4001 included) ends with `wasClean` true (mock-socket: false);
 * - a port nobody listens on fires 'error', then close 1006 with `wasClean` false (mock-socket: 1000, true);
 * - `bufferedAmount` counts bytes queued by `send` (mock-socket: undefined), and keeps growing for sends after close,
 *   which are dropped with a console error (no exception);
 * - both ends report the initiator's code and reason; `terminate()` on the server gives close 1006, no 'error';
 * - validation and errors are Chromium's DOMExceptions with its text (mock-socket throws plain Errors with other
 *   wording), events are the frame's own Event, MessageEvent and CloseEvent (mock-socket's are its own objects);
 * - Chromium's mixed-content rule: on a page loaded over https (the course on a static host), a `ws:` URL to a host
 *   that is not this machine throws SecurityError from the constructor (mock-socket would connect).
 */
import { defineEventHandlers } from '../event-handlers.js';
import { copyOf, isArrayBuffer, isBlob, text, utf8 } from './bytes.js';
import type { Attempt, Hub } from './hub.js';
import type { ClientEnd } from './wire.js';

type Win = Window & typeof globalThis;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** RFC 6455 §4.1 / RFC 2616 token: what a subprotocol may contain. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const HANDLERS = ['open', 'message', 'error', 'close'] as const;

/** WebIDL [Clamp] unsigned short: round half to even, clamp to 0..65535; NaN is 0. */
function clampUnsignedShort(value: unknown): number {
  const n = Number(value);
  if (Number.isNaN(n)) return 0;
  const clamped = Math.min(Math.max(n, 0), 65535);
  const floor = Math.floor(clamped);
  const diff = clamped - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The browser's Sec-WebSocket-Key: 16 random bytes, base64. */
function randomKey(win: Win): string {
  const bytes = win.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export type BrowserWebSocketClass = typeof WebSocket;

/**
 * Hosts Chromium lets an https page reach over plain `ws:` (measured, Chromium 156): loopback by name or address
 * (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`) silently, `0.0.0.0` with a deprecation warning.
 */
function insecureWebSocketAllowed(hostname: string): 'yes' | 'deprecated' | 'no' {
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  if (name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name)) return 'yes';
  return name === '0.0.0.0' ? 'deprecated' : 'no';
}

/**
 * The page Chromium names in a mixed-content message: the top-level page when the frame can see it (Chromium checks
 * the top frame first), else this frame. Whether that page restricts mixed content: it was loaded over https.
 */
function mixedContentPage(win: Win): URL {
  try {
    return new URL(win.top!.location.href);
  } catch {
    return new URL(win.location.href);
  }
}

/**
 * Builds the WebSocket class for one window: it extends that window's EventTarget and fires that window's events, so
 * `instanceof` and `event instanceof CloseEvent` hold in learner code. `native` is the class it replaces, used for
 * hosts that are not this machine (a lesson may talk to a public echo server).
 */
export function createBrowserWebSocket(win: Win, hub: Hub, party: string, native: BrowserWebSocketClass): BrowserWebSocketClass {
  const fail = (method: 'construct' | 'send' | 'close', message: string, name: string) =>
    new win.DOMException(
      `Failed to ${method === 'construct' ? "construct 'WebSocket'" : `execute '${method}' on 'WebSocket'`}: ${message}`,
      name,
    );

  class WebSocket extends win.EventTarget {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    declare readonly CONNECTING: 0;
    declare readonly OPEN: 1;
    declare readonly CLOSING: 2;
    declare readonly CLOSED: 3;

    #url: string;
    #readyState = CONNECTING;
    #protocol = '';
    #binaryType: BinaryType = 'blob';
    #bufferedAmount = 0;
    #attempt: Attempt | undefined;
    /** Code and reason of the first close frame either side sent: what both ends report (measured). */
    #closeCode: number | undefined;
    #closeReason = '';
    #closeFrameSent = false;

    static override [Symbol.hasInstance](value: unknown): boolean {
      return Function.prototype[Symbol.hasInstance].call(this, value) || value instanceof native;
    }

    constructor(url: string | URL, protocols?: string | string[]) {
      super();
      if (arguments.length === 0) {
        throw new TypeError("Failed to construct 'WebSocket': 1 argument required, but only 0 present.");
      }
      // Current HTML (WebSockets §3.1): parse against the document's base URL, http(s) becomes ws(s), no fragment.
      const input = String(url);
      let parsed: URL;
      try {
        parsed = new URL(input, win.document.baseURI);
      } catch {
        throw fail('construct', `The URL '${input}' is invalid.`, 'SyntaxError');
      }
      if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
      else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
      if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
        throw fail(
          'construct',
          `The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. '${parsed.protocol.slice(0, -1)}' is not allowed.`,
          'SyntaxError',
        );
      }
      if (parsed.hash || input.includes('#')) {
        throw fail(
          'construct',
          `The URL contains a fragment identifier ('${parsed.hash.slice(1)}'). Fragment identifiers are not allowed in WebSocket URLs.`,
          'SyntaxError',
        );
      }
      const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols].map(String);
      const seen = new Set<string>();
      for (const p of list) {
        if (!TOKEN.test(p)) throw fail('construct', `The subprotocol '${p}' is invalid.`, 'SyntaxError');
        if (seen.has(p)) throw fail('construct', `The subprotocol '${p}' is duplicated.`, 'SyntaxError');
        seen.add(p);
      }
      this.#url = parsed.href;

      // Mixed content (MIXED-CONTENT §4.2, Chromium's order: after the checks above, before any connection). The text
      // is Chromium's: its console error, then the exception (measured with a page served over https, Chromium 156).
      const page = parsed.protocol === 'ws:' ? mixedContentPage(win) : undefined;
      if (page?.protocol === 'https:') {
        const allowed = insecureWebSocketAllowed(parsed.hostname);
        if (allowed === 'no') {
          win.console.error(
            `Mixed Content: The page at '${page.href}' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint '${parsed.href}'. This request has been blocked; this endpoint must be available over WSS.`,
          );
          throw fail('construct', 'An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.', 'SecurityError');
        }
        if (allowed === 'deprecated') {
          win.console.warn(
            `Mixed Content: The page at '${page.href}' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint '${parsed.href}'. This endpoint should be available via WSS. Insecure access is deprecated.`,
          );
          win.console.warn('Connecting to a non-secure WebSocket server from a secure origin is deprecated.');
        }
      }

      if (!hub.isOurs(parsed)) {
        // Not this machine: the real network, with the real class (the constructor may return another object).
        return new native(parsed.href, list) as unknown as WebSocket;
      }

      const headers: Record<string, string> = {
        host: parsed.host,
        connection: 'Upgrade',
        pragma: 'no-cache',
        'cache-control': 'no-cache',
        'user-agent': win.navigator.userAgent,
        upgrade: 'websocket',
        origin: win.location.origin,
        'sec-websocket-version': '13',
        'accept-encoding': 'gzip, deflate, br, zstd',
        'accept-language': win.navigator.languages.length ? `${win.navigator.languages[0]}` : 'en-US',
        'sec-websocket-key': randomKey(win),
        'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits',
      };
      if (list.length) headers['sec-websocket-protocol'] = list.join(', ');
      const self = this;
      this.#attempt = {
        handshake: {
          url: parsed,
          path: parsed.pathname + parsed.search,
          protocols: list,
          headers,
          remoteAddress: parsed.hostname === '127.0.0.1' ? '::ffff:127.0.0.1' : '::1',
        },
        party,
        client: this.#clientEnd(),
        aborted: false,
        fail() {
          self.#failConnection();
        },
      };
      hub.connect(this.#attempt);
    }

    get url(): string {
      return this.#url;
    }
    get readyState(): number {
      return this.#readyState;
    }
    get bufferedAmount(): number {
      return this.#bufferedAmount;
    }
    get protocol(): string {
      return this.#protocol;
    }
    get extensions(): string {
      return '';
    }
    get binaryType(): BinaryType {
      return this.#binaryType;
    }
    set binaryType(value: BinaryType) {
      // An enum attribute ignores values outside the enum (WebIDL), it does not throw.
      if (value === 'blob' || value === 'arraybuffer') this.#binaryType = value;
    }

    send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (arguments.length === 0) {
        throw new TypeError("Failed to execute 'send' on 'WebSocket': 1 argument required, but only 0 present.");
      }
      if (this.#readyState === CONNECTING) throw fail('send', 'Still in CONNECTING state.', 'InvalidStateError');
      let bytes: Uint8Array | undefined;
      let ready: Promise<unknown> | undefined;
      let size: number;
      let binary = true;
      if (isBlob(data)) {
        size = data.size;
        ready = data.arrayBuffer().then((b) => (bytes = new Uint8Array(b)));
      } else if (isArrayBuffer(data) || ArrayBuffer.isView(data)) {
        bytes = copyOf(data as ArrayBuffer);
        size = bytes.length;
      } else {
        bytes = utf8(String(data));
        size = bytes.length;
        binary = false;
      }
      this.#bufferedAmount += size;
      if (this.#readyState !== OPEN) {
        // HTML §3.3: after close the data is not sent but still counted; Chromium says so in the console.
        win.console.error('WebSocket is already in CLOSING or CLOSED state.');
        return;
      }
      const wire = this.#attempt!.wire!;
      wire.toServer.post(
        () => {
          this.#bufferedAmount -= size;
          wire.server.message(bytes ?? new Uint8Array(), binary);
        },
        ready,
        size,
      );
    }

    close(code?: number, reason?: string): void {
      let status: number | undefined;
      if (code !== undefined) {
        status = clampUnsignedShort(code);
        if (status !== 1000 && (status < 3000 || status > 4999)) {
          throw fail('close', `The close code must be either 1000, or between 3000 and 4999. ${status} is neither.`, 'InvalidAccessError');
        }
      }
      const why = reason === undefined ? '' : String(reason);
      if (utf8(why).length > 123) {
        throw fail('close', 'The close reason must not be greater than 123 UTF-8 bytes.', 'SyntaxError');
      }
      if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
      if (this.#readyState === CONNECTING) {
        // "Fail the WebSocket connection": the server, if it already answered, sees the TCP connection drop.
        this.#readyState = CLOSING;
        const attempt = this.#attempt!;
        attempt.aborted = true;
        if (attempt.wire) attempt.wire.toServer.post(() => attempt.wire!.server.drop());
        hub.scheduler.post(() => this.#failConnection());
        return;
      }
      this.#readyState = CLOSING;
      this.#closeFrameSent = true;
      this.#closeCode = status;
      this.#closeReason = why;
      const wire = this.#attempt!.wire!;
      const reasonBytes = utf8(why);
      wire.toServer.post(() => wire.server.closeFrame(status, reasonBytes));
    }

    #fire(event: Event): void {
      this.dispatchEvent(event);
    }

    #failConnection(): void {
      if (this.#readyState === CLOSED) return;
      this.#readyState = CLOSED;
      if (!this.#attempt?.aborted) win.console.error(`WebSocket connection to '${this.#url}' failed: `);
      this.#fire(new win.Event('error'));
      this.#fire(new win.CloseEvent('close', { code: 1006, reason: '', wasClean: false }));
    }

    #clientEnd(): ClientEnd {
      const origin = new URL(this.#url).origin;
      return {
        open: (protocol) => {
          if (this.#readyState !== CONNECTING) return;
          this.#readyState = OPEN;
          this.#protocol = protocol;
          this.#fire(new win.Event('open'));
        },
        message: (bytes, binary) => {
          // HTML §3.3 "when a WebSocket message has been received": ignored unless OPEN.
          if (this.#readyState !== OPEN) return;
          let data: unknown;
          if (!binary) data = text(bytes);
          else if (this.#binaryType === 'arraybuffer') data = new win.Uint8Array(bytes).buffer;
          else data = new win.Blob([new win.Uint8Array(bytes)]);
          this.#fire(new win.MessageEvent('message', { data, origin }));
        },
        closeFrame: (code, reason) => {
          if (this.#readyState === CLOSED) return;
          if (!this.#closeFrameSent) {
            // The server started the closing handshake: echo its code and reason, as Chromium does.
            this.#closeCode = code;
            this.#closeReason = reason;
            this.#closeFrameSent = true;
            this.#readyState = CLOSING;
            const wire = this.#attempt!.wire!;
            const reasonBytes = utf8(reason);
            wire.toServer.post(() => wire.server.closeFrame(code, reasonBytes));
          }
        },
        ping: (bytes) => {
          // Browsers answer pings themselves (RFC 6455 §5.5.2); the page never sees them.
          if (this.#readyState !== OPEN) return;
          const wire = this.#attempt!.wire!;
          wire.toServer.post(() => wire.server.pong(bytes));
        },
        end: () => {
          if (this.#readyState === CLOSED) return;
          this.#readyState = CLOSED;
          hub.forget(this.#attempt!.wire!);
          this.#fire(new win.CloseEvent('close', { code: this.#closeCode ?? 1005, reason: this.#closeReason, wasClean: true }));
        },
        drop: () => {
          if (this.#readyState === CLOSED) return;
          this.#readyState = CLOSED;
          hub.forget(this.#attempt!.wire!);
          this.#fire(new win.CloseEvent('close', { code: 1006, reason: '', wasClean: false }));
        },
      };
    }
  }

  defineEventHandlers(WebSocket.prototype, HANDLERS);
  for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
    Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
  }
  Object.defineProperty(WebSocket.prototype, Symbol.toStringTag, { value: 'WebSocket', configurable: true });


  return WebSocket as unknown as BrowserWebSocketClass;
}
