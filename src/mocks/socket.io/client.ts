import { Decoder } from 'socket.io-parser';
import type { EngineSocket } from './engine/socket.js';
import type { BroadcastFlags } from './broadcast.js';
import type { Server } from './server.js';
import type { Socket } from './socket.js';
import { malformedPacket } from './messages.js';
import type { WireRef } from './traffic.js';

/** A Socket.IO packet as socket.io-parser encodes and decodes it. */
export interface SioPacket {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

const CONNECT = 0;
const CONNECT_ERROR = 4;

/**
 * One Engine.IO connection seen by Socket.IO (socket.io's Client): decodes its packets, routes them to the socket of
 * their namespace, and writes encoded packets to the engine. It also reports each event and ack, decoded, linked to
 * the raw packet that carried it.
 */
export class Client {
  readonly sockets = new Map<string, Socket>();
  readonly nsps = new Map<string, Socket>();
  readonly id: string;
  private readonly decoder = new Decoder();
  private connectTimeout: ReturnType<typeof setTimeout> | undefined;
  /** The raw packet that started the packet being decoded (the header of a binary event, not its attachments). */
  private headerRef: WireRef | undefined;

  constructor(
    readonly server: Server,
    readonly conn: EngineSocket,
  ) {
    this.id = conn.id;
    this.decoder.on('decoded', (packet: SioPacket) => this.ondecoded(packet));
    conn.on('data', this.ondata);
    conn.on('error', this.onerror);
    conn.on('close', this.onclose);
    // A connection that joins no namespace in time is closed (socket.io's connectTimeout, 45 s by default).
    this.connectTimeout = setTimeout(() => {
      if (this.nsps.size === 0) this.close();
    }, server.connectTimeoutMs);
  }

  get request(): EngineSocket['request'] {
    return this.conn.request;
  }

  private connect(name: string, auth: Record<string, unknown>): void {
    if (!this.server._nsps.has(name)) {
      this._packet({ type: CONNECT_ERROR, nsp: name, data: { message: 'Invalid namespace' } });
      return;
    }
    void this.server.of(name)._add(this, auth, (socket) => {
      this.sockets.set(socket.id, socket);
      this.nsps.set(socket.nsp.name, socket);
      clearTimeout(this.connectTimeout);
      this.connectTimeout = undefined;
    });
  }

  /** socket.disconnect(true): every namespace of this connection, then the connection. */
  _disconnect(): void {
    for (const socket of this.sockets.values()) socket.disconnect();
    this.sockets.clear();
    this.close();
  }

  _remove(socket: Socket): void {
    if (this.sockets.delete(socket.id)) this.nsps.delete(socket.nsp.name);
  }

  private close(): void {
    if (this.conn.readyState === 'open') {
      this.conn.close();
      this.onclose('forced server close');
    }
  }

  _packet(packet: SioPacket, flags: BroadcastFlags = {}): void {
    if (this.conn.readyState !== 'open') return;
    this.writeToEngine(this.server.encoder.encode(packet), flags, packet);
  }

  writeToEngine(encoded: Array<string | Uint8Array>, flags: BroadcastFlags, packet?: SioPacket): void {
    if (flags.volatile && !this.conn.transport.writable) return;
    encoded.forEach((piece, i) => {
      // The decoded event is reported once its header packet is on the wire, linked to it.
      const onWire =
        i === 0 && packet && packet.type !== CONNECT && packet.type !== CONNECT_ERROR && packet.type !== 1
          ? (ref: WireRef) => this.conn.traffic.decoded('s2c', ref, packet)
          : undefined;
      this.conn.write(piece, { onWire });
    });
  }

  private ondata = (data: string | Uint8Array): void => {
    if (typeof data === 'string') this.headerRef = this.conn.transport.lastRef;
    try {
      this.decoder.add(data);
    } catch (e) {
      const ctx = this.server.ctx;
      ctx.log('warn', malformedPacket(ctx.lang, 'Socket.IO', String(data), (e as Error).message));
      this.onerror(e as Error);
    }
  };

  private ondecoded(packet: SioPacket): void {
    const socket = this.nsps.get(packet.nsp);
    if ([2, 3, 5, 6].includes(packet.type)) this.conn.traffic.decoded('c2s', this.headerRef, packet);
    if (!socket && packet.type === CONNECT) {
      this.connect(packet.nsp, (packet.data as Record<string, unknown> | undefined) ?? {});
    } else if (socket && packet.type !== CONNECT && packet.type !== CONNECT_ERROR) {
      queueMicrotask(() => socket._onpacket(packet));
    } else {
      this.close();
    }
  }

  private onerror = (err: Error): void => {
    for (const socket of this.sockets.values()) socket._onerror(err);
    this.conn.close();
  };

  private onclose = (reason: string, description?: unknown): void => {
    this.conn.removeListener('data', this.ondata);
    this.conn.removeListener('error', this.onerror);
    this.conn.removeListener('close', this.onclose);
    clearTimeout(this.connectTimeout);
    for (const socket of this.sockets.values()) socket._onclose(reason, description);
    this.sockets.clear();
    this.decoder.destroy();
  };
}
