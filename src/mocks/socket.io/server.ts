import { Encoder } from 'socket.io-parser';
import type { RuntimeContext } from '../context.js';
import { unsupported } from '../unsupported.js';
import type { BroadcastOperator } from './broadcast.js';
import { Client } from './client.js';
import { EngineServer, type EngineOptions } from './engine/server.js';
import type { EngineSocket } from './engine/socket.js';
import { Namespace, type NamespaceMiddleware } from './namespace.js';
import type { HttpModuleLike, HttpServerLike, IncomingMessageLike, WsModuleLike } from './node-api.js';
import type { Socket } from './socket.js';

export interface ServerOptions extends Partial<EngineOptions> {
  serveClient?: boolean;
  connectTimeout?: number;
  cors?: unknown;
  addTrailingSlash?: boolean;
  connectionStateRecovery?: unknown;
  adapter?: unknown;
  parser?: unknown;
}

/** What the server needs from the runtime: the context, and the http and ws modules the shims installed. */
export interface ServerEnv {
  ctx: RuntimeContext;
  http?: HttpModuleLike;
  ws?: WsModuleLike;
  /** Every server made in this run, so Stop can close them. */
  servers: Set<Server>;
}

type Listener = (...args: unknown[]) => void;

/**
 * socket.io's Server on the runtime's http and ws modules. Event-emitter calls (`io.on('connection')`) and
 * broadcasts (`io.emit`, `io.to(room)`) go to the main namespace '/', as in socket.io.
 *
 * @example
 * const server = require('http').createServer(handler);
 * const io = require('socket.io')(server);
 * io.on('connection', (socket) => socket.on('clientfn', (text) => socket.emit('message', 'got ' + text)));
 * server.listen(3000);
 */
export class Server {
  readonly _nsps = new Map<string, Namespace>();
  readonly sockets: Namespace;
  readonly encoder = new Encoder();
  readonly ctx: RuntimeContext;
  engine: EngineServer | null = null;
  httpServer: HttpServerLike | null = null;
  private readonly opts: ServerOptions;

  constructor(
    private readonly env: ServerEnv,
    srv?: HttpServerLike | number | ServerOptions,
    opts: ServerOptions = {},
  ) {
    this.ctx = env.ctx;
    if (srv && typeof srv === 'object' && !('listen' in srv)) {
      opts = srv as ServerOptions;
      srv = undefined;
    }
    for (const name of ['connectionStateRecovery', 'adapter', 'parser'] as const) {
      if (opts[name]) throw unsupported(`socket.io's "${name}" option`, env.ctx.lang);
    }
    this.opts = opts;
    this.sockets = this.of('/');
    env.servers.add(this);
    if (srv !== undefined) this.attach(srv as HttpServerLike | number);
  }

  get connectTimeoutMs(): number {
    return this.opts.connectTimeout ?? 45_000;
  }

  private get path(): string {
    const path = (this.opts.path ?? '/socket.io').replace(/\/$/, '');
    return this.opts.addTrailingSlash === false ? path : path + '/';
  }

  /** Attaches to an http server, or creates one listening on a port (`require('socket.io')(3000)`). */
  attach(srv: HttpServerLike | number, opts: ServerOptions = {}): this {
    Object.assign(this.opts, opts);
    if (typeof srv === 'number' || typeof srv === 'string') {
      if (!this.env.http) throw unsupported(`require('socket.io')(${srv}) without the http module`, this.ctx.lang);
      const server = this.env.http.createServer((_req, res) => {
        res.writeHead(404);
        res.end();
      });
      server.listen(Number(srv));
      srv = server;
    }
    this.httpServer = srv;
    if (this.opts.serveClient !== false) this.serveClientStub(srv);
    this.engine = new EngineServer(this.ctx, {
      path: this.path,
      pingInterval: this.opts.pingInterval ?? 25_000,
      pingTimeout: this.opts.pingTimeout ?? 20_000,
      upgradeTimeout: this.opts.upgradeTimeout ?? 10_000,
      maxHttpBufferSize: this.opts.maxHttpBufferSize ?? 1e6,
      transports: this.opts.transports ?? ['polling', 'websocket'],
      allowUpgrades: this.opts.allowUpgrades ?? true,
      ...(this.opts.allowRequest ? { allowRequest: this.opts.allowRequest } : {}),
    });
    this.engine.attach(srv, this.env.ws);
    this.engine.on('connection', (conn: EngineSocket) => new Client(this, conn));
    return this;
  }

  listen(srv: HttpServerLike | number, opts?: ServerOptions): this {
    return this.attach(srv, opts);
  }

  /**
   * socket.io serves its client bundle at <path>/socket.io.js. In the run frame the client page gets `io` from the
   * runtime, so a `<script src="/socket.io/socket.io.js">` receives a script that only says so.
   */
  private serveClientStub(server: HttpServerLike): void {
    const file = this.path + 'socket.io.js';
    const previous = server.listeners('request').slice() as Listener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessageLike, res: { writeHead: Listener; end: Listener }) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname === file) {
        res.writeHead(200, { 'Content-Type': 'application/javascript' });
        res.end('/* socket.io client: provided to the page by Pushlab as the global `io` */');
        return;
      }
      for (const listener of previous) listener.call(server, req, res);
    });
  }

  /** The namespace of that name, created on first use. */
  of(name: string, fn?: (socket: Socket) => void): Namespace {
    if (typeof name !== 'string') throw unsupported('dynamic namespaces (io.of(regex or function))', this.ctx.lang);
    if (!name.startsWith('/')) name = '/' + name;
    let nsp = this._nsps.get(name);
    if (!nsp) {
      nsp = new Namespace(this, name);
      this._nsps.set(name, nsp);
    }
    if (fn) nsp.on('connect', fn);
    return nsp;
  }

  use(fn: NamespaceMiddleware): this {
    this.sockets.use(fn);
    return this;
  }

  /** Disconnects every socket ('server shutting down'), closes the engine and the http server. */
  async close(fn?: (err?: Error) => void): Promise<void> {
    for (const nsp of this._nsps.values()) for (const socket of [...nsp.sockets.values()]) socket._onclose('server shutting down');
    this.engine?.close();
    this.env.servers.delete(this);
    const server = this.httpServer;
    if (!server) return fn?.();
    await new Promise<void>((resolve) =>
      server.close((err) => {
        fn?.(err);
        resolve();
      }),
    );
  }

  // The main namespace's API, as socket.io forwards it.
  on(ev: 'connection' | 'connect', listener: (socket: Socket) => void): this;
  on(ev: string, listener: Listener): this;
  on(ev: string, listener: (...args: never[]) => void): this {
    this.sockets.on(ev, listener as Listener);
    return this;
  }
  once(ev: 'connection' | 'connect', listener: (socket: Socket) => void): this;
  once(ev: string, listener: Listener): this;
  once(ev: string, listener: (...args: never[]) => void): this {
    this.sockets.once(ev, listener as Listener);
    return this;
  }
  off(ev: string, listener: Listener): this {
    this.sockets.off(ev, listener);
    return this;
  }
  addListener(ev: string, listener: Listener): this {
    return this.on(ev, listener);
  }
  removeListener(ev: string, listener: Listener): this {
    return this.off(ev, listener);
  }
  removeAllListeners(ev?: string): this {
    this.sockets.removeAllListeners(ev);
    return this;
  }
  listeners(ev: string): Function[] {
    return this.sockets.listeners(ev);
  }
  emit(ev: string, ...args: unknown[]): boolean {
    return this.sockets.emit(ev, ...args);
  }
  send(...args: unknown[]): this {
    this.sockets.send(...args);
    return this;
  }
  write(...args: unknown[]): this {
    return this.send(...args);
  }
  to(room: string | string[]): BroadcastOperator {
    return this.sockets.to(room);
  }
  in(room: string | string[]): BroadcastOperator {
    return this.sockets.in(room);
  }
  except(room: string | string[]): BroadcastOperator {
    return this.sockets.except(room);
  }
  timeout(ms: number): BroadcastOperator {
    return this.sockets.timeout(ms);
  }
  get volatile(): BroadcastOperator {
    return this.sockets.volatile;
  }
  get local(): BroadcastOperator {
    return this.sockets.local;
  }
  emitWithAck(ev: string, ...args: unknown[]): Promise<unknown[]> {
    return this.sockets.emitWithAck(ev, ...args);
  }
  fetchSockets(): Promise<Socket[]> {
    return this.sockets.fetchSockets();
  }
  allSockets(): Promise<Set<string>> {
    return this.sockets.allSockets();
  }
  socketsJoin(room: string | string[]): void {
    this.sockets.socketsJoin(room);
  }
  socketsLeave(room: string | string[]): void {
    this.sockets.socketsLeave(room);
  }
  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }
  serverSideEmit(ev: string, ...args: unknown[]): boolean {
    return this.sockets.serverSideEmit(ev, ...args);
  }
}
