/**
 * One server-side connection, with ws 8's API (`require('ws')` is this class, as in ws): send, close, terminate,
 * ping/pong, 'message' (data, isBinary) with a Buffer, 'close' (code, reason Buffer), 'error', 'pong', readyState.
 * It is also what reports the server's side of the traffic, since it sees every frame in both directions.
 */
import { Buffer } from 'buffer';
import EventEmitter from 'events';
import { unsupported } from '../unsupported.js';
import { copyOf, isArrayBuffer, isBlob, text, toBuffer, utf8 } from './bytes.js';
import type { Hub } from './hub.js';
import type { ConnectionTraffic } from './traffic.js';
import type { ServerEnd, Wire } from './wire.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;

/** ws's `isValidStatusCode`: what a server may put in a close frame. */
function isValidStatusCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

export interface SocketSetup {
  wire: Wire;
  traffic: ConnectionTraffic;
  protocol: string;
  maxPayload: number;
  /** maxPayload came from the learner, not our default: exceeding it is the learner's limit, as in Node. */
  maxPayloadExplicit: boolean;
  /** Called once when the connection is closed, however it ended (the server drops it from `clients`). */
  onClosed(): void;
}

type Listener = (...args: unknown[]) => void;

/** ws's EventTarget-style API (`ws.onmessage = (event) => …`): events are plain objects, as ws makes them. */
const EVENT_SHAPES: Record<string, (target: object, ...args: unknown[]) => object> = {
  open: (target) => ({ type: 'open', target }),
  message: (target, data, isBinary) => ({ type: 'message', target, data: isBinary ? data : String(data) }),
  close: (target, code, reason) => ({ type: 'close', target, code, reason: String(reason), wasClean: code !== 1006 }),
  error: (target, error) => ({ type: 'error', target, error, message: (error as Error)?.message }),
};

export function createServerSocketClass(hub: Hub) {
  const { ctx } = hub;
  const internal = Symbol('internal');

  class WebSocket extends EventEmitter {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = CLOSING;
    readonly CLOSED = CLOSED;

    /** 'nodebuffer' (default), 'arraybuffer' or 'fragments': the type of 'message' data, as in ws. */
    binaryType: 'nodebuffer' | 'arraybuffer' | 'fragments' = 'nodebuffer';
    readonly isPaused = false;
    #state = OPEN;
    #setup!: SocketSetup;
    #bufferedAmount = 0;
    #closeFrameSent = false;
    #closeFrameReceived = false;
    #closeCode = 1006;
    #closeReason: Buffer = Buffer.alloc(0);
    /** After a protocol error (1009) ws stops reading the socket: later frames are not delivered. */
    #reading = true;
    #errorEmitted = false;
    #wrapped = new Map<unknown, { type: string; wrapper: Listener }>();

    constructor(address?: unknown, _protocols?: unknown, options?: unknown) {
      super();
      if (address !== internal) {
        // A ws *client* in server code connects from Node to somewhere; there is no Node network in the browser.
        throw unsupported("new WebSocket(url) from require('ws') (a WebSocket client in server code)", ctx.lang);
      }
      this.#setup = options as SocketSetup;
      const setup = this.#setup;
      const end: ServerEnd = {
        message: (bytes, binary) => this.#receiveMessage(bytes, binary),
        closeFrame: (code, reason) => this.#receiveClose(code, reason),
        pong: (bytes) => {
          if (this.#state === CLOSED || !this.#reading) return;
          setup.traffic.frame('c2s', bytes, true, 'pong');
          this.emit('pong', toBuffer(bytes));
        },
        drop: () => this.#dropped(),
      };
      setup.wire.bindServer(end);
    }

    get readyState(): number {
      return this.#state;
    }
    get protocol(): string {
      return this.#setup.protocol;
    }
    get extensions(): string {
      return '';
    }
    /** Server-side sockets have no url in ws. */
    get url(): undefined {
      return undefined;
    }
    get bufferedAmount(): number {
      return this.#bufferedAmount;
    }

    /**
     * @example ws.send(JSON.stringify({ name: '张三', age: 20 }));
     * @example ws.send(new Uint8Array([1, 2, 3]), { binary: true }, (err) => err && console.error(err));
     */
    send(data: unknown, options?: { binary?: boolean } | ((err?: Error) => void), cb?: (err?: Error) => void): void {
      if (typeof options === 'function') {
        cb = options;
        options = {};
      }
      if (typeof data === 'number') data = data.toString();
      if (this.#state !== OPEN) return this.#sendAfterClose(data, cb);
      const { bytes, ready, binary: isBinary } = payloadOf(data);
      const binary = (options as { binary?: boolean } | undefined)?.binary ?? isBinary;
      const wire = this.#setup.wire;
      const size = () => (bytes.value ? bytes.value.length : 0);
      const pending = isBlob(data) ? (data as Blob).size : size();
      this.#bufferedAmount += pending;
      const source = this.#setup.traffic.here();
      const deliver = () => {
        this.#bufferedAmount -= pending;
        const payload = bytes.value ?? new Uint8Array();
        this.#setup.traffic.frame('s2c', payload, binary, undefined, source);
        wire.client.message(payload, binary);
        if (cb) hub.scheduler.post(() => cb!());
      };
      // Correction: mock-socket would fire the browser's 'message' inside this send(); queued, it fires in a later task.
      wire.toClient.post(deliver, ready, pending);
    }

    /** @example ws.close(4001, 'Bye'); */
    close(code?: number, reason?: string | Uint8Array): void {
      if (this.#state === CLOSED || this.#state === CLOSING) return;
      let reasonBytes: Uint8Array = new Uint8Array();
      if (code !== undefined) {
        if (typeof code !== 'number' || !isValidStatusCode(code)) throw new TypeError('First argument must be a valid error code number');
        if (reason !== undefined && reason.length) {
          if (typeof reason === 'string') reasonBytes = utf8(reason);
          else if (reason instanceof Uint8Array) reasonBytes = copyOf(reason);
          else throw new TypeError('Second argument must be a string or a Uint8Array');
          if (reasonBytes.length > 123) throw new RangeError('The message must not be greater than 123 bytes');
        }
      }
      this.#sendClose(code, reasonBytes);
    }

    /** Drops the connection without a closing handshake: the client sees 1006. @example ws.terminate(); */
    terminate(): void {
      if (this.#state === CLOSED) return;
      this.#state = CLOSING;
      const wire = this.#setup.wire;
      // ws destroys the socket: its own 'close' comes a tick later, the browser hears of it after that.
      hub.scheduler.post(() => this.#dropped());
      wire.toClient.post(() => wire.client.drop());
    }

    /** Browsers answer a ping with a pong ('pong' event): the heartbeat of ws's README. @example ws.ping(); */
    ping(data?: unknown, mask?: unknown, cb?: (err?: Error) => void): void {
      if (typeof data === 'function') {
        cb = data as typeof cb;
        data = undefined;
      } else if (typeof mask === 'function') cb = mask as typeof cb;
      if (typeof data === 'number') data = data.toString();
      if (this.#state !== OPEN) return this.#sendAfterClose(data, cb);
      const bytes = data === undefined ? new Uint8Array() : payloadOf(data).bytes.value ?? new Uint8Array();
      const wire = this.#setup.wire;
      wire.toClient.post(() => {
        this.#setup.traffic.frame('s2c', bytes, true, 'ping');
        wire.client.ping(bytes);
        if (cb) hub.scheduler.post(() => cb!());
      });
    }

    /** An unsolicited pong: browsers ignore it; it still travels. */
    pong(data?: unknown, mask?: unknown, cb?: (err?: Error) => void): void {
      if (typeof data === 'function') {
        cb = data as typeof cb;
        data = undefined;
      } else if (typeof mask === 'function') cb = mask as typeof cb;
      if (this.#state !== OPEN) return this.#sendAfterClose(data, cb);
      const bytes = data === undefined ? new Uint8Array() : payloadOf(data).bytes.value ?? new Uint8Array();
      this.#setup.wire.toClient.post(() => {
        this.#setup.traffic.frame('s2c', bytes, true, 'pong');
        if (cb) hub.scheduler.post(() => cb!());
      });
    }

    pause(): void {}
    resume(): void {}

    addEventListener(type: string, listener: unknown, options: { once?: boolean } = {}): void {
      const shape = EVENT_SHAPES[type];
      if (!shape || this.#wrapped.has(listener)) return;
      const call = (event: object) => {
        if (typeof listener === 'function') listener.call(this, event);
        else (listener as { handleEvent(e: object): void }).handleEvent(event);
      };
      const wrapper: Listener = (...args) => call(shape(this, ...args));
      this.#wrapped.set(listener, { type, wrapper });
      if (options.once) {
        this.once(type, (...args: unknown[]) => {
          this.#wrapped.delete(listener);
          wrapper(...args);
        });
      } else this.on(type, wrapper);
    }

    removeEventListener(type: string, listener: unknown): void {
      const entry = this.#wrapped.get(listener);
      if (!entry || entry.type !== type) return;
      this.#wrapped.delete(listener);
      this.removeListener(type, entry.wrapper);
    }

    #sendAfterClose(data: unknown, cb?: (err?: Error) => void): void {
      if (data) this.#bufferedAmount += isBlob(data) ? (data as Blob).size : payloadOf(data).bytes.value?.length ?? 0;
      if (cb) {
        const err = new Error(`WebSocket is not open: readyState ${this.#state} (${STATE_NAMES[this.#state]})`);
        hub.scheduler.post(() => cb(err));
      }
    }

    #sendClose(code: number | undefined, reason: Uint8Array): void {
      const wire = this.#setup.wire;
      const completes = this.#closeFrameReceived;
      this.#state = CLOSING;
      this.#closeFrameSent = true;
      const reasonText = text(reason);
      wire.toClient.post(() => {
        this.#setup.traffic.close('s2c', code ?? 1005, reasonText, completes ? true : undefined, code !== undefined);
        wire.client.closeFrame(code, reasonText);
        if (completes) this.#finish();
      });
    }

    #receiveMessage(bytes: Uint8Array, binary: boolean): void {
      if (this.#state === CLOSED || !this.#reading) return;
      const { maxPayload } = this.#setup;
      if (maxPayload > 0 && bytes.length > maxPayload) return this.#tooBig(bytes.length);
      this.#setup.traffic.frame('c2s', bytes, binary);
      const buffer = toBuffer(bytes);
      const data = this.binaryType === 'arraybuffer' ? copyOf(bytes).buffer : this.binaryType === 'fragments' ? [buffer] : buffer;
      this.emit('message', data, binary);
    }

    #receiveClose(code: number | undefined, reason: Uint8Array): void {
      if (this.#state === CLOSED) return;
      this.#closeFrameReceived = true;
      this.#closeCode = code ?? 1005;
      this.#closeReason = Buffer.from(reason);
      const completes = this.#closeFrameSent;
      this.#setup.traffic.close('c2s', code ?? 1005, text(reason), completes ? true : undefined, code !== undefined);
      // ws answers a close frame with its code (receiverOnConclude), then ends the TCP connection.
      if (completes) this.#finish();
      else this.#sendClose(code, new Uint8Array());
    }

    /** Both close frames have crossed: the server ends TCP, the client fires its clean close. */
    #finish(): void {
      if (this.#state === CLOSED) return;
      this.#state = CLOSED;
      const wire = this.#setup.wire;
      wire.toClient.post(() => wire.client.end());
      this.#setup.onClosed();
      this.emit('close', this.#closeCode, this.#closeReason);
    }

    /** The TCP connection died (terminate(), the client failed or went away): 1006, nothing more to read. */
    #dropped(): void {
      if (this.#state === CLOSED) return;
      this.#state = CLOSED;
      this.#closeCode = 1006;
      this.#closeReason = Buffer.alloc(0);
      this.#setup.traffic.close('none', 1006, '', false);
      this.#setup.onClosed();
      this.emit('close', 1006, this.#closeReason);
    }

    #tooBig(size: number): void {
      // ws: RangeError 'Max payload size exceeded', close 1009, stop reading. Unlike ws (whose close frame has no
      // reason) the frame says why, since 1 MiB is this runtime's default while ws's is 100 MiB.
      const { maxPayload, maxPayloadExplicit } = this.#setup;
      this.#reading = false;
      const mib = (n: number) => `${(n / 1048576).toFixed(n % 1048576 ? 1 : 0)} MiB`;
      const reason = `Message of ${mib(size)} exceeds maxPayload (${mib(maxPayload)})`;
      this.#setup.traffic.error('closingWith1009', { reason });
      this.#sendClose(1009, utf8(reason));
      const error = Object.assign(new RangeError('Max payload size exceeded'), { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' });
      if (this.#errorEmitted) return;
      this.#errorEmitted = true;
      if (this.listenerCount('error') > 0) this.emit('error', error);
      else if (maxPayloadExplicit) ctx.fatal(error); // Node crashes on an 'error' nobody listens to.
      else
        ctx.log(
          'warn',
          ctx.lang === 'zh'
            ? `收到 ${mib(size)} 的消息，超过浏览器内运行时的上限 ${mib(maxPayload)}，连接以 1009 关闭。真实的 ws 默认上限是 100 MiB；可在 new WebSocketServer({ maxPayload }) 中调整。`
            : `A ${mib(size)} message exceeds the in-browser runtime's limit of ${mib(maxPayload)}: the connection closes with 1009. Real ws allows 100 MiB by default; set it with new WebSocketServer({ maxPayload }).`,
        );
    }
  }

  // ws's on* attributes: one listener each, replaced on assignment (ws/lib/websocket.js, `onclose` and friends).
  for (const type of ['open', 'message', 'close', 'error']) {
    const slot = new WeakMap<object, unknown>();
    Object.defineProperty(WebSocket.prototype, `on${type}`, {
      configurable: true,
      enumerable: true,
      get(this: WebSocket) {
        return slot.get(this) ?? null;
      },
      set(this: WebSocket, handler: unknown) {
        const old = slot.get(this);
        if (old) this.removeEventListener(type, old);
        slot.delete(this);
        if (typeof handler === 'function') {
          slot.set(this, handler);
          this.addEventListener(type, handler);
        }
      },
    });
  }

  /** The server makes its sockets through this; learner code cannot reach `internal`, so `new WebSocket()` is a client. */
  const create = (setup: SocketSetup): WebSocket => new WebSocket(internal, undefined, setup);
  return { WebSocket, create };
}

/**
 * What ws's `toBuffer` makes of send()'s argument: strings are text, bytes of every kind are binary, arrays become
 * bytes, and anything else is the TypeError Node's Buffer.from throws (a common slip: `ws.send({ a: 1 })`).
 */
function payloadOf(data: unknown): { bytes: { value?: Uint8Array }; ready?: Promise<unknown>; binary: boolean } {
  if (typeof data === 'string') return { bytes: { value: utf8(data) }, binary: false };
  if (data === undefined || data === null || data === '') return { bytes: { value: new Uint8Array() }, binary: true };
  if (isArrayBuffer(data) || ArrayBuffer.isView(data)) return { bytes: { value: copyOf(data as ArrayBuffer) }, binary: true };
  if (isBlob(data)) {
    const bytes: { value?: Uint8Array } = {};
    return { bytes, ready: data.arrayBuffer().then((b) => (bytes.value = new Uint8Array(b))), binary: true };
  }
  if (Array.isArray(data)) return { bytes: { value: new Uint8Array(Buffer.from(data)) }, binary: true };
  const received =
    typeof data === 'object' ? `an instance of ${(data as object).constructor?.name ?? 'Object'}` : `type ${typeof data} (${String(data)})`;
  throw Object.assign(
    new TypeError(
      `The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object. Received ${received}`,
    ),
    { code: 'ERR_INVALID_ARG_TYPE' },
  );
}

export type ServerSocketClass = ReturnType<typeof createServerSocketClass>['WebSocket'];
export type ServerSocket = InstanceType<ServerSocketClass>;
