import type { Namespace } from './namespace.js';
import type { Socket } from './socket.js';
import type { SioPacket } from './client.js';

export interface BroadcastFlags {
  volatile?: boolean;
  compress?: boolean;
  local?: boolean;
  timeout?: number;
}

export interface BroadcastOptions {
  rooms: Set<string>;
  except: Set<string>;
  flags: BroadcastFlags;
}

export const RESERVED_EVENTS = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

/**
 * socket.io-adapter's in-memory Adapter: who is in which room, and fan-out of one encoded packet to many sockets.
 * One server in one page, so there is nothing to synchronise and serverCount is 1.
 */
export class Adapter {
  readonly rooms = new Map<string, Set<string>>();
  readonly sids = new Map<string, Set<string>>();

  constructor(readonly nsp: Namespace) {}

  addAll(id: string, rooms: Set<string>): void {
    let joined = this.sids.get(id);
    if (!joined) this.sids.set(id, (joined = new Set()));
    for (const room of rooms) {
      joined.add(room);
      let members = this.rooms.get(room);
      if (!members) this.rooms.set(room, (members = new Set()));
      members.add(id);
    }
  }

  del(id: string, room: string): void {
    this.sids.get(id)?.delete(room);
    const members = this.rooms.get(room);
    if (members) {
      members.delete(id);
      if (!members.size) this.rooms.delete(room);
    }
  }

  delAll(id: string): void {
    for (const room of this.sids.get(id) ?? []) this.del(id, room);
    this.sids.delete(id);
  }

  socketRooms(id: string): Set<string> | undefined {
    return this.sids.get(id);
  }

  /** The sockets a broadcast reaches: in any of `rooms` (all if none), in none of `except`. */
  apply(opts: BroadcastOptions, fn: (socket: Socket) => void): void {
    const excluded = new Set<string>();
    for (const room of opts.except) for (const id of this.rooms.get(room) ?? []) excluded.add(id);
    const seen = new Set<string>();
    const ids = opts.rooms.size
      ? [...opts.rooms].flatMap((room) => [...(this.rooms.get(room) ?? [])])
      : [...this.sids.keys()];
    for (const id of ids) {
      if (seen.has(id) || excluded.has(id)) continue;
      seen.add(id);
      const socket = this.nsp.sockets.get(id);
      if (socket) fn(socket);
    }
  }

  broadcast(packet: SioPacket, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    const encoded = this.nsp.server.encoder.encode(packet);
    this.apply(opts, (socket) => socket.client.writeToEngine(encoded, opts.flags, packet));
  }

  broadcastWithAck(
    packet: SioPacket,
    opts: BroadcastOptions,
    clientCount: (n: number) => void,
    ack: (...args: unknown[]) => void,
  ): void {
    packet.nsp = this.nsp.name;
    packet.id = this.nsp._ids++;
    const encoded = this.nsp.server.encoder.encode(packet);
    let n = 0;
    this.apply(opts, (socket) => {
      n++;
      socket.acks.set(packet.id!, ack);
      socket.client.writeToEngine(encoded, opts.flags, packet);
    });
    clientCount(n);
  }
}

/**
 * What `io.to(room)`, `socket.broadcast`, `io.except(room)` and `io.timeout(ms)` return (socket.io's
 * BroadcastOperator): an immutable selection of sockets to emit to or act on.
 *
 * @example
 * io.to('room1').except(socket.id).emit('news', { text: 'hi' });
 */
export class BroadcastOperator {
  constructor(
    private readonly adapter: Adapter,
    private readonly rooms = new Set<string>(),
    private readonly exceptRooms = new Set<string>(),
    private readonly flags: BroadcastFlags = {},
  ) {}

  private with(rooms: Set<string>, except: Set<string>, flags: BroadcastFlags): BroadcastOperator {
    return new BroadcastOperator(this.adapter, rooms, except, flags);
  }

  to(room: string | string[]): BroadcastOperator {
    const rooms = new Set(this.rooms);
    for (const r of Array.isArray(room) ? room : [room]) rooms.add(r);
    return this.with(rooms, this.exceptRooms, this.flags);
  }

  in(room: string | string[]): BroadcastOperator {
    return this.to(room);
  }

  except(room: string | string[]): BroadcastOperator {
    const except = new Set(this.exceptRooms);
    for (const r of Array.isArray(room) ? room : [room]) except.add(r);
    return this.with(this.rooms, except, this.flags);
  }

  compress(compress: boolean): BroadcastOperator {
    return this.with(this.rooms, this.exceptRooms, { ...this.flags, compress });
  }

  get volatile(): BroadcastOperator {
    return this.with(this.rooms, this.exceptRooms, { ...this.flags, volatile: true });
  }

  get local(): BroadcastOperator {
    return this.with(this.rooms, this.exceptRooms, { ...this.flags, local: true });
  }

  timeout(timeout: number): BroadcastOperator {
    return this.with(this.rooms, this.exceptRooms, { ...this.flags, timeout });
  }

  private get options(): BroadcastOptions {
    return { rooms: this.rooms, except: this.exceptRooms, flags: this.flags };
  }

  emit(ev: string, ...args: unknown[]): boolean {
    if (RESERVED_EVENTS.has(ev)) throw new Error(`"${ev}" is a reserved event name`);
    const data: unknown[] = [ev, ...args];
    const packet: SioPacket = { type: 2, nsp: '/', data };
    if (typeof data[data.length - 1] !== 'function') {
      this.adapter.broadcast(packet, this.options);
      return true;
    }
    // Acks from many clients: the callback gets (err, responses) once all answered or the timeout passed.
    const ack = data.pop() as (err: Error | null, responses: unknown[]) => void;
    let timedOut = false;
    let expected = -1;
    const responses: unknown[] = [];
    const timer =
      this.flags.timeout === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            ack(new Error('operation has timed out'), responses);
          }, this.flags.timeout);
    const check = () => {
      if (!timedOut && expected === responses.length) {
        clearTimeout(timer);
        ack(null, responses);
      }
    };
    this.adapter.broadcastWithAck(
      packet,
      this.options,
      (n) => {
        expected = n;
        check();
      },
      (response) => {
        responses.push(response);
        check();
      },
    );
    return true;
  }

  emitWithAck(ev: string, ...args: unknown[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.emit(ev, ...args, (err: Error | null, responses: unknown[]) =>
        err ? reject(Object.assign(err, { responses })) : resolve(responses),
      );
    });
  }

  private selected(): Socket[] {
    const out: Socket[] = [];
    this.adapter.apply(this.options, (socket) => out.push(socket));
    return out;
  }

  async allSockets(): Promise<Set<string>> {
    return new Set(this.selected().map((s) => s.id));
  }

  async fetchSockets(): Promise<Socket[]> {
    return this.selected();
  }

  socketsJoin(room: string | string[]): void {
    for (const socket of this.selected()) socket.join(room);
  }

  socketsLeave(room: string | string[]): void {
    for (const socket of this.selected()) for (const r of Array.isArray(room) ? room : [room]) socket.leave(r);
  }

  disconnectSockets(close = false): void {
    for (const socket of this.selected()) socket.disconnect(close);
  }
}
