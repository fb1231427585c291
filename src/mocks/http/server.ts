import EventEmitter from 'events';
import type { HostNetwork } from './host-network.js';
import type { Guard } from './incoming-message.js';
import { describeType, NodeError } from './node-errors.js';
import type { ServerResponse } from './server-response.js';

export interface ServerDeps {
  network: HostNetwork;
  guard: Guard;
  /** Node would crash: an 'error' event nobody listens for. */
  crash(error: Error): void;
  unsupported(what: string): Error;
}

type RequestListener = (req: unknown, res: unknown) => void;

interface ListenOptions {
  port?: number | string;
  host?: string;
  path?: string;
}

/**
 * `http.Server` in the run: an EventEmitter that owns a port of the run's HostNetwork and emits 'request' (req, res)
 * for each request routed to it. socket.io attaches to it as to Node's, by wrapping its 'request' listeners.
 */
export class Server extends EventEmitter {
  timeout = 0;
  keepAliveTimeout = 5000;
  headersTimeout = 60_000;
  requestTimeout = 300_000;
  maxHeadersCount: number | null = null;
  maxRequestsPerSocket = 0;

  #deps: ServerDeps;
  #port: number | undefined;
  #host: string | undefined;
  #open = new Set<ServerResponse>();
  #closing = false;

  constructor(deps: ServerDeps, optionsOrListener?: object | RequestListener, listener?: RequestListener) {
    super();
    this.#deps = deps;
    const handler = typeof optionsOrListener === 'function' ? (optionsOrListener as RequestListener) : listener;
    if (handler) this.on('request', handler);
  }

  get listening(): boolean {
    return this.#port !== undefined;
  }

  /**
   * @example server.listen(3000, () => console.log('listening on 3000'))
   * @example server.listen({ port: 0, host: '127.0.0.1' }, () => console.log(server.address().port))
   */
  listen(...args: unknown[]): this {
    const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as () => void) : undefined;
    let options: ListenOptions;
    if (typeof args[0] === 'object' && args[0] !== null) options = args[0] as ListenOptions;
    else options = { port: args[0] as number | string | undefined, host: typeof args[1] === 'string' ? args[1] : undefined };
    if (options.path !== undefined || (typeof options.port === 'string' && !/^\d+$/.test(options.port))) {
      throw this.#deps.unsupported('server.listen(path) (a Unix socket or named pipe)');
    }
    if (this.listening) {
      throw new NodeError('ERR_SERVER_ALREADY_LISTEN', 'Listen method has been called more than once without closing.');
    }
    const port = options.port === undefined || options.port === null ? 0 : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new NodeError('ERR_SOCKET_BAD_PORT', `options.port should be >= 0 and < 65536. Received ${describeType(options.port)}.`, 'RangeError');
    }
    if (callback) this.once('listening', callback);
    const bound = this.#deps.network.bind(this, port);
    const host = options.host;
    // Node binds, then reports on a later tick: 'listening', or 'error' (EADDRINUSE) that crashes if unheard.
    queueMicrotask(() => {
      if (bound === undefined) {
        const address = host ?? '::';
        const error = Object.assign(new Error(`listen EADDRINUSE: address already in use ${address}:${port}`), {
          code: 'EADDRINUSE',
          errno: -98,
          syscall: 'listen',
          address,
          port,
        });
        if (this.listenerCount('error')) this.#deps.guard(() => this.emit('error', error));
        else this.#deps.crash(error);
        return;
      }
      this.#port = bound;
      this.#host = host;
      this.#closing = false;
      this.#deps.guard(() => this.emit('listening'));
    });
    return this;
  }

  address(): { address: string; family: string; port: number } | null {
    if (this.#port === undefined) return null;
    const host = this.#host === 'localhost' ? '127.0.0.1' : this.#host;
    if (!host || host === '::') return { address: '::', family: 'IPv6', port: this.#port };
    return { address: host, family: host.includes(':') ? 'IPv6' : 'IPv4', port: this.#port };
  }

  /** Stops accepting requests; 'close' comes once the open exchanges (streams included) have ended, as in Node. */
  close(callback?: (error?: Error) => void): this {
    const wasListening = this.listening;
    if (callback) {
      this.once('close', () =>
        wasListening ? callback() : callback(new NodeError('ERR_SERVER_NOT_RUNNING', 'Server is not running.')),
      );
    }
    this.#deps.network.unbind(this);
    this.#port = undefined;
    this.#closing = true;
    this.#emitCloseIfDrained();
    return this;
  }

  closeAllConnections(): void {
    for (const res of [...this.#open]) res.destroy();
  }

  closeIdleConnections(): void {}

  setTimeout(ms: number, callback?: () => void): this {
    this.timeout = ms;
    if (callback) this.on('timeout', callback);
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  getConnections(callback: (error: Error | null, count: number) => void): this {
    queueMicrotask(() => this.#deps.guard(() => callback(null, this.#open.size)));
    return this;
  }

  /** An exchange started on this server (the runtime calls this, learner code does not). */
  accept(res: ServerResponse): void {
    this.#open.add(res);
  }

  /** An exchange ended. */
  release(res: ServerResponse): void {
    this.#open.delete(res);
    this.#emitCloseIfDrained();
  }

  #emitCloseIfDrained(): void {
    if (!this.#closing || this.#open.size) return;
    this.#closing = false;
    queueMicrotask(() => this.#deps.guard(() => this.emit('close')));
  }
}
