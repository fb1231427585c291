import EventEmitter from 'events';
import { Adapter, BroadcastOperator } from './broadcast.js';
import type { Client } from './client.js';
import type { Server } from './server.js';
import { Socket } from './socket.js';

export type NamespaceMiddleware = (socket: Socket, next: (err?: Error & { data?: unknown }) => void) => void;

const emitLocally = EventEmitter.prototype.emit;

/**
 * A namespace (socket.io's Namespace): its sockets, its rooms (the adapter) and its middleware. `emit` broadcasts to
 * every socket in it; 'connection' is emitted locally.
 *
 * @example
 * const chat = io.of('/chat');
 * chat.use((socket, next) => (socket.handshake.auth.token ? next() : next(new Error('not authorized'))));
 * chat.on('connection', (socket) => chat.emit('joined', socket.id));
 */
export class Namespace extends EventEmitter {
  readonly sockets = new Map<string, Socket>();
  readonly adapter: Adapter;
  _ids = 0;
  private fns: NamespaceMiddleware[] = [];

  constructor(
    readonly server: Server,
    readonly name: string,
  ) {
    super();
    this.adapter = new Adapter(this);
  }

  use(fn: NamespaceMiddleware): this {
    this.fns.push(fn);
    return this;
  }

  private run(socket: Socket, fn: (err?: Error & { data?: unknown }) => void): void {
    const fns = this.fns.slice();
    const step = (i: number): void => {
      if (i >= fns.length) return fn();
      fns[i]!(socket, (err) => (err ? fn(err) : step(i + 1)));
    };
    step(0);
  }

  async _add(client: Client, auth: Record<string, unknown>, fn: (socket: Socket) => void): Promise<void> {
    const socket = new Socket(this, client, auth);
    this.run(socket, (err) => {
      queueMicrotask(() => {
        if (client.conn.readyState !== 'open') return socket._cleanup();
        if (err) {
          socket._cleanup();
          // The client's 'connect_error' gets err.message and err.data.
          return socket._error({ message: err.message, data: err.data });
        }
        this.sockets.set(socket.id, socket);
        socket._onconnect();
        fn(socket);
        emitLocally.call(this, 'connect', socket);
        emitLocally.call(this, 'connection', socket);
      });
    });
  }

  _remove(socket: Socket): void {
    this.sockets.delete(socket.id);
  }

  private operator(): BroadcastOperator {
    return new BroadcastOperator(this.adapter);
  }

  /** Sends to every socket of the namespace. */
  override emit(ev: string | symbol, ...args: unknown[]): boolean {
    return this.operator().emit(String(ev), ...args);
  }

  send(...args: unknown[]): this {
    this.emit('message', ...args);
    return this;
  }

  write(...args: unknown[]): this {
    return this.send(...args);
  }

  to(room: string | string[]): BroadcastOperator {
    return this.operator().to(room);
  }

  in(room: string | string[]): BroadcastOperator {
    return this.operator().in(room);
  }

  except(room: string | string[]): BroadcastOperator {
    return this.operator().except(room);
  }

  timeout(ms: number): BroadcastOperator {
    return this.operator().timeout(ms);
  }

  compress(compress: boolean): BroadcastOperator {
    return this.operator().compress(compress);
  }

  get volatile(): BroadcastOperator {
    return this.operator().volatile;
  }

  get local(): BroadcastOperator {
    return this.operator().local;
  }

  emitWithAck(ev: string, ...args: unknown[]): Promise<unknown[]> {
    return this.operator().emitWithAck(ev, ...args);
  }

  allSockets(): Promise<Set<string>> {
    return this.operator().allSockets();
  }

  fetchSockets(): Promise<Socket[]> {
    return this.operator().fetchSockets();
  }

  socketsJoin(room: string | string[]): void {
    this.operator().socketsJoin(room);
  }

  socketsLeave(room: string | string[]): void {
    this.operator().socketsLeave(room);
  }

  disconnectSockets(close = false): void {
    this.operator().disconnectSockets(close);
  }

  /** With one server there are no other servers to reach: socket.io's cluster-wide emit delivers nothing here. */
  serverSideEmit(ev: string, ...args: unknown[]): boolean {
    const ack = args[args.length - 1];
    if (typeof ack === 'function') queueMicrotask(() => (ack as (e: null, r: unknown[]) => void)(null, []));
    void ev;
    return true;
  }
}
