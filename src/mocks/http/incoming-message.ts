import { Buffer } from 'buffer';
import EventEmitter from 'events';

/** Runs learner callbacks; an exception there is one Node would crash on, so the guard reports it as fatal. */
export type Guard = (fn: () => void) => void;

export interface IncomingInit {
  method: string;
  /** Path and query, as Node gives them (`/test?x=1`). */
  url: string;
  headers: Record<string, string>;
  rawHeaders: string[];
  body: Uint8Array;
  remotePort: number;
  localPort: number;
  guard: Guard;
}

/**
 * The `req` a request handler receives: Node's IncomingMessage as far as a lesson uses it. The body arrives as Node
 * delivers it: nothing flows until someone listens for 'data' (or calls resume(), or iterates), and 'end' comes only
 * after the body was consumed, so a handler that attaches its listeners late loses nothing, and one that never reads
 * never sees 'end' (as in Node).
 */
export class IncomingMessage extends EventEmitter {
  readonly method: string;
  url: string;
  readonly headers: Record<string, string>;
  readonly rawHeaders: string[];
  readonly httpVersion = '1.1';
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly trailers: Record<string, string> = {};
  readonly rawTrailers: string[] = [];
  readonly socket: { remoteAddress: string; remoteFamily: string; remotePort: number; localAddress: string; localPort: number; encrypted: boolean };
  complete = false;
  aborted = false;
  destroyed = false;
  readable = true;

  #chunks: Buffer[];
  #flowing: boolean | null = null;
  #encoding: string | undefined;
  #endEmitted = false;
  #closed = false;
  #scheduled = false;
  #guard: Guard;

  constructor(init: IncomingInit) {
    super();
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.rawHeaders = init.rawHeaders;
    this.#chunks = init.body.length ? [Buffer.from(init.body.buffer, init.body.byteOffset, init.body.length)] : [];
    this.#guard = init.guard;
    this.socket = {
      remoteAddress: '127.0.0.1',
      remoteFamily: 'IPv4',
      remotePort: init.remotePort,
      localAddress: '127.0.0.1',
      localPort: init.localPort,
      encrypted: false,
    };
    // A 'data' listener switches the stream to flowing, unless the handler paused it explicitly (Node's rule).
    this.on('newListener', (event: string) => {
      if (event === 'data' && this.#flowing !== false) this.resume();
    });
  }

  /** Node's deprecated alias of `socket`. */
  get connection(): IncomingMessage['socket'] {
    return this.socket;
  }

  get readableEnded(): boolean {
    return this.#endEmitted;
  }

  setEncoding(encoding: string): this {
    this.#encoding = encoding;
    return this;
  }

  resume(): this {
    this.#flowing = true;
    this.#schedule();
    return this;
  }

  pause(): this {
    this.#flowing = false;
    return this;
  }

  isPaused(): boolean {
    return this.#flowing === false;
  }

  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.on('timeout', callback);
    return this;
  }

  pipe<T extends { write(chunk: unknown): unknown; end(): unknown }>(destination: T, options?: { end?: boolean }): T {
    this.on('data', (chunk: unknown) => destination.write(chunk));
    if (options?.end !== false) this.on('end', () => destination.end());
    return destination;
  }

  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.readable = false;
    if (error) this.#guard(() => this.emit('error', error));
    this.markClosed();
    return this;
  }

  /** The body as the async iterator of a Node Readable yields it. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer | string> {
    const queue: Array<Buffer | string> = [];
    let done = false;
    let wake: (() => void) | undefined;
    const onData = (chunk: Buffer | string) => {
      queue.push(chunk);
      wake?.();
    };
    const onEnd = () => {
      done = true;
      wake?.();
    };
    this.on('data', onData);
    this.once('end', onEnd);
    this.once('close', onEnd);
    try {
      for (;;) {
        if (queue.length) yield queue.shift()!;
        else if (done) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      this.off('data', onData);
      this.off('end', onEnd);
      this.off('close', onEnd);
    }
  }

  /** The client went away or the exchange finished: Node emits 'close' once, whichever comes first. */
  markClosed(aborted = false): void {
    if (this.#closed) return;
    this.#closed = true;
    if (aborted && !this.#endEmitted) this.aborted = true;
    this.readable = false;
    queueMicrotask(() => this.#guard(() => this.emit('close')));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Node delivers on a later tick, never inside the handler call that attached the listener.
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#flowing && this.#chunks.length && !this.destroyed) {
      const chunk = this.#chunks.shift()!;
      const out = this.#encoding ? chunk.toString(this.#encoding as BufferEncoding) : chunk;
      this.#guard(() => this.emit('data', out));
    }
    if (this.#flowing && !this.#chunks.length && !this.#endEmitted && !this.destroyed) {
      this.#endEmitted = true;
      this.complete = true;
      this.readable = false;
      this.#guard(() => this.emit('end'));
      // @note Node (16 and later) destroys a request once its body has been read, so req 'close' follows 'end' at
      // once, while the response may go on for minutes: a handler that stops its work on req 'close' stops it there.
      // Measured on Node 20: a POST read with 'data' gets 'close' 1 ms after 'end'; a request nobody reads gets it
      // when the client leaves. Learners meet this in the fetch-stream lesson; res 'close' is the one to listen on.
      this.markClosed();
    }
  }
}
