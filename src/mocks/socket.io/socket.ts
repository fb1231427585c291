import EventEmitter from 'events';
import { BroadcastOperator, RESERVED_EVENTS, type Adapter, type BroadcastFlags } from './broadcast.js';
import type { Client, SioPacket } from './client.js';
import type { Namespace } from './namespace.js';
import type { Server } from './server.js';

type Listener = (...args: unknown[]) => void;
export type SocketMiddleware = (event: unknown[], next: (err?: Error) => void) => void;

export interface Handshake {
  headers: Record<string, string | string[] | undefined>;
  time: string;
  address: string;
  xdomain: boolean;
  secure: boolean;
  issued: number;
  url: string | undefined;
  query: Record<string, string>;
  auth: Record<string, unknown>;
}

const emitLocally = EventEmitter.prototype.emit;

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

/**
 * A client in one namespace (socket.io's Socket). `emit` sends to the client; the events it receives and
 * 'disconnecting'/'disconnect' are emitted locally, to the handlers registered with `on`.
 *
 * @example
 * io.on('connection', (socket) => {
 *   socket.on('clientfn', (text, ack) => ack?.('got ' + text));
 *   socket.emit('message', 'hello from the server');
 * });
 */
export class Socket extends EventEmitter {
  /** A fresh id per connection, not the Engine.IO sid (socket.io keeps that private). */
  readonly id = randomId();
  readonly handshake: Handshake;
  data: Record<string, unknown> = {};
  connected = false;
  readonly acks = new Map<number, Listener>();
  readonly server: Server;
  readonly adapter: Adapter;
  readonly recovered = false;
  private fns: SocketMiddleware[] = [];
  private flags: BroadcastFlags = {};
  private anyListeners: Listener[] = [];
  private anyOutgoingListeners: Listener[] = [];

  constructor(
    readonly nsp: Namespace,
    readonly client: Client,
    auth: Record<string, unknown>,
  ) {
    super();
    this.server = nsp.server;
    this.adapter = nsp.adapter;
    const req = client.request;
    this.handshake = {
      headers: req.headers ?? {},
      time: new Date() + '',
      address: client.conn.remoteAddress,
      xdomain: !!req.headers?.origin,
      secure: false,
      issued: Date.now(),
      url: req.url,
      query: req._query ?? {},
      auth,
    };
    // An 'error' with no listener must not throw, as in socket.io.
    this.on('error', () => {});
  }

  get conn(): Client['conn'] {
    return this.client.conn;
  }

  get request(): Client['request'] {
    return this.client.request;
  }

  get rooms(): Set<string> {
    return this.adapter.socketRooms(this.id) ?? new Set();
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /** Sends an event to this client; a function as the last argument receives its acknowledgement. */
  override emit(ev: string | symbol, ...args: unknown[]): boolean {
    if (typeof ev !== 'string' || RESERVED_EVENTS.has(ev)) throw new Error(`"${String(ev)}" is a reserved event name`);
    const data: unknown[] = [ev, ...args];
    const packet: SioPacket = { type: 2, nsp: this.nsp.name, data };
    if (typeof data[data.length - 1] === 'function') {
      const id = this.nsp._ids++;
      this.registerAck(id, data.pop() as Listener);
      packet.id = id;
    }
    const flags = this.flags;
    this.flags = {};
    for (const listener of this.anyOutgoingListeners.slice()) listener.apply(this, data);
    this.packet(packet, flags);
    return true;
  }

  emitWithAck(ev: string, ...args: unknown[]): Promise<unknown> {
    const withErr = this.flags.timeout !== undefined;
    return new Promise((resolve, reject) => {
      this.emit(ev, ...args, (arg1: unknown, arg2: unknown) => {
        if (!withErr) return resolve(arg1);
        return arg1 ? reject(arg1) : resolve(arg2);
      });
    });
  }

  private registerAck(id: number, ack: Listener): void {
    const timeout = this.flags.timeout;
    if (timeout === undefined) {
      this.acks.set(id, ack);
      return;
    }
    const timer = setTimeout(() => {
      this.acks.delete(id);
      ack.call(this, new Error('operation has timed out'));
    }, timeout);
    this.acks.set(id, (...args) => {
      clearTimeout(timer);
      ack.apply(this, [null, ...args]);
    });
  }

  /** Emits an event to the handlers on this socket (what `emit` does on a plain EventEmitter). */
  private emitReserved(ev: string, ...args: unknown[]): void {
    emitLocally.call(this, ev, ...args);
  }

  send(...args: unknown[]): this {
    this.emit('message', ...args);
    return this;
  }

  write(...args: unknown[]): this {
    return this.send(...args);
  }

  packet(packet: SioPacket, flags: BroadcastFlags = {}): void {
    packet.nsp = this.nsp.name;
    this.client._packet(packet, flags);
  }

  join(rooms: string | string[]): void {
    this.adapter.addAll(this.id, new Set(Array.isArray(rooms) ? rooms : [rooms]));
  }

  leave(room: string): void {
    this.adapter.del(this.id, room);
  }

  private newBroadcastOperator(): BroadcastOperator {
    const flags = this.flags;
    this.flags = {};
    return new BroadcastOperator(this.adapter, new Set(), new Set([this.id]), flags);
  }

  to(room: string | string[]): BroadcastOperator {
    return this.newBroadcastOperator().to(room);
  }

  in(room: string | string[]): BroadcastOperator {
    return this.newBroadcastOperator().in(room);
  }

  except(room: string | string[]): BroadcastOperator {
    return this.newBroadcastOperator().except(room);
  }

  /** Everyone in the namespace but this socket. */
  get broadcast(): BroadcastOperator {
    return this.newBroadcastOperator();
  }

  get local(): BroadcastOperator {
    return this.newBroadcastOperator().local;
  }

  get volatile(): this {
    this.flags.volatile = true;
    return this;
  }

  compress(compress: boolean): this {
    this.flags.compress = compress;
    return this;
  }

  timeout(timeout: number): this {
    this.flags.timeout = timeout;
    return this;
  }

  _onconnect(): void {
    this.connected = true;
    this.join(this.id);
    this.packet({ type: 0, nsp: this.nsp.name, data: { sid: this.id } });
  }

  _onpacket(packet: SioPacket): void {
    switch (packet.type) {
      case 2:
      case 5:
        this.onevent(packet);
        break;
      case 3:
      case 6:
        this.onack(packet);
        break;
      case 1:
        this._onclose('client namespace disconnect');
        break;
    }
  }

  private onevent(packet: SioPacket): void {
    const args = Array.isArray(packet.data) ? [...(packet.data as unknown[])] : [];
    if (packet.id != null) args.push(this.ack(packet.id));
    for (const listener of this.anyListeners.slice()) listener.apply(this, args);
    this.dispatch(args);
  }

  private ack(id: number): Listener {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent) return;
      this.packet({ id, type: 3, nsp: this.nsp.name, data: args });
      sent = true;
    };
  }

  private onack(packet: SioPacket): void {
    const ack = this.acks.get(packet.id!);
    if (typeof ack !== 'function') return;
    this.acks.delete(packet.id!);
    ack.apply(this, (packet.data as unknown[]) ?? []);
  }

  _onerror(err: Error): void {
    this.emitReserved('error', err);
  }

  _onclose(reason: string, description?: unknown): void {
    if (!this.connected) return;
    this.emitReserved('disconnecting', reason, description);
    this._cleanup();
    this.client._remove(this);
    this.connected = false;
    this.emitReserved('disconnect', reason, description);
  }

  _cleanup(): void {
    this.adapter.delAll(this.id);
    this.nsp._remove(this);
  }

  _error(err: unknown): void {
    this.packet({ type: 4, nsp: this.nsp.name, data: err });
  }

  /** Leaves the namespace ('server namespace disconnect'); with `true`, closes the whole connection. */
  disconnect(close = false): this {
    if (!this.connected) return this;
    if (close) {
      this.client._disconnect();
    } else {
      this.packet({ type: 1, nsp: this.nsp.name });
      this._onclose('server namespace disconnect');
    }
    return this;
  }

  use(fn: SocketMiddleware): this {
    this.fns.push(fn);
    return this;
  }

  private dispatch(event: unknown[]): void {
    const fns = this.fns.slice();
    const done = (err?: Error) =>
      queueMicrotask(() => {
        if (err) return this._onerror(err);
        if (this.connected) this.emitReserved(...(event as [string, ...unknown[]]));
      });
    const run = (i: number): void => {
      if (i >= fns.length) return done();
      fns[i]!(event, (err) => (err ? done(err) : run(i + 1)));
    };
    run(0);
  }

  onAny(listener: Listener): this {
    this.anyListeners.push(listener);
    return this;
  }

  prependAny(listener: Listener): this {
    this.anyListeners.unshift(listener);
    return this;
  }

  offAny(listener?: Listener): this {
    this.anyListeners = listener ? this.anyListeners.filter((l) => l !== listener) : [];
    return this;
  }

  listenersAny(): Listener[] {
    return this.anyListeners;
  }

  onAnyOutgoing(listener: Listener): this {
    this.anyOutgoingListeners.push(listener);
    return this;
  }

  offAnyOutgoing(listener?: Listener): this {
    this.anyOutgoingListeners = listener ? this.anyOutgoingListeners.filter((l) => l !== listener) : [];
    return this;
  }
}
