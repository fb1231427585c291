import EventEmitter from 'events';
import type { Packet, PacketType } from 'engine.io-parser';
import type { IncomingMessageLike } from '../node-api.js';
import type { ConnTraffic } from '../traffic.js';
import type { EngineOptions } from './server.js';
import type { OutPacket, Transport } from './transport.js';

export type EngineCloseReason =
  | 'transport close'
  | 'transport error'
  | 'ping timeout'
  | 'parse error'
  | 'forced close'
  | 'server shutting down';

/**
 * One Engine.IO session (engine.io's Socket): the handshake, heartbeats, a write buffer flushed whenever the transport
 * can take it, and the upgrade from polling to websocket. Emits 'data' per message, 'close' (reason, description).
 */
export class EngineSocket extends EventEmitter {
  readyState: 'opening' | 'open' | 'closing' | 'closed' = 'opening';
  transport!: Transport;
  upgrading = false;
  upgraded = false;
  readonly protocol = 4;
  readonly remoteAddress: string;
  private writeBuffer: OutPacket[] = [];
  private pingIntervalTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimeoutTimer: ReturnType<typeof setTimeout> | undefined;
  private waitingForPong = false;
  private refreshedWhileWaiting = false;
  private cleanupTransport: (() => void) | null = null;

  constructor(
    readonly id: string,
    private readonly opts: EngineOptions,
    transport: Transport,
    readonly request: IncomingMessageLike & { _query?: Record<string, string> },
    readonly traffic: ConnTraffic,
  ) {
    super();
    this.remoteAddress = request.socket?.remoteAddress ?? '127.0.0.1';
    this.setTransport(transport);
    this.onOpen();
  }

  private onOpen(): void {
    this.readyState = 'open';
    this.traffic.lifecycle('open', 'sessionOpen', { id: this.id, transport: this.transport.name });
    this.sendPacket(
      'open',
      JSON.stringify({
        sid: this.id,
        upgrades: this.availableUpgrades(),
        pingInterval: this.opts.pingInterval,
        pingTimeout: this.opts.pingTimeout,
        maxPayload: this.opts.maxHttpBufferSize,
      }),
    );
    this.emit('open');
    this.schedulePing();
  }

  private availableUpgrades(): string[] {
    return this.transport.name === 'polling' && this.opts.allowUpgrades && this.opts.transports.includes('websocket')
      ? ['websocket']
      : [];
  }

  private onPacket(packet: Packet): void {
    if (this.readyState !== 'open') return;
    this.emit('packet', packet);
    // Any packet proves the client alive: engine.io refreshes the ping timeout once per ping (socket.ts onPacket).
    if (this.waitingForPong && !this.refreshedWhileWaiting && packet.type !== 'pong') {
      this.refreshedWhileWaiting = true;
      this.startPingTimeout();
    }
    switch (packet.type) {
      case 'ping':
        this.onError(new Error('invalid heartbeat direction'));
        return;
      case 'pong':
        clearTimeout(this.pingTimeoutTimer);
        this.waitingForPong = false;
        this.schedulePing();
        this.emit('heartbeat');
        return;
      case 'error':
        // engine.io-parser turns what it cannot read into an 'error' packet; engine.io closes with 'parse error'.
        this.onClose('parse error', this.transport.lastEncoded);
        return;
      case 'message':
        this.emit('data', packet.data);
        this.emit('message', packet.data);
        return;
    }
  }

  private onError(err: Error): void {
    this.onClose('transport error', err);
  }

  private schedulePing(): void {
    clearTimeout(this.pingIntervalTimer);
    this.pingIntervalTimer = setTimeout(() => {
      this.refreshedWhileWaiting = false;
      this.waitingForPong = true;
      this.sendPacket('ping');
      this.startPingTimeout();
    }, this.opts.pingInterval);
  }

  private startPingTimeout(): void {
    clearTimeout(this.pingTimeoutTimer);
    this.pingTimeoutTimer = setTimeout(() => {
      if (this.readyState !== 'closed') this.onClose('ping timeout');
    }, this.opts.pingTimeout);
  }

  private setTransport(transport: Transport): void {
    const onError = (err: Error) => this.onError(err);
    const onReady = () => this.flush();
    const onPacket = (p: Packet) => this.onPacket(p);
    const onClose = () => this.onClose('transport close');
    this.transport = transport;
    transport.once('error', onError);
    transport.on('ready', onReady);
    transport.on('packet', onPacket);
    transport.once('close', onClose);
    this.cleanupTransport = () => {
      transport.removeListener('error', onError);
      transport.removeListener('ready', onReady);
      transport.removeListener('packet', onPacket);
      transport.removeListener('close', onClose);
    };
  }

  /** A websocket arrived with this session's sid: probe, then switch (engine.io socket.ts _maybeUpgrade). */
  maybeUpgrade(transport: Transport): void {
    this.upgrading = true;
    let checkTimer: ReturnType<typeof setInterval> | undefined;
    const upgradeTimer = setTimeout(() => {
      cleanup();
      if (transport.readyState === 'open') transport.close();
    }, this.opts.upgradeTimeout);
    // While the client probes, answer its pending poll with a noop so it can pause polling and send 'upgrade'.
    const check = () => {
      if (this.transport.name === 'polling' && this.transport.writable) this.transport.send([{ type: 'noop' }]);
    };
    const onPacket = (packet: Packet) => {
      if (packet.type === 'ping' && packet.data === 'probe') {
        transport.send([{ type: 'pong', data: 'probe' }]);
        this.emit('upgrading', transport);
        clearInterval(checkTimer);
        checkTimer = setInterval(check, 100);
      } else if (packet.type === 'upgrade' && this.readyState !== 'closed') {
        cleanup();
        this.transport.discard();
        this.upgraded = true;
        this.clearTransport();
        this.setTransport(transport);
        this.emit('upgrade', transport);
        this.flush();
        if (this.readyState === 'closing') transport.close(() => this.onClose('forced close'));
      } else {
        cleanup();
        transport.close();
      }
    };
    const onTransportGone = () => {
      cleanup();
      transport.close();
    };
    const cleanup = () => {
      this.upgrading = false;
      clearInterval(checkTimer);
      clearTimeout(upgradeTimer);
      transport.removeListener('packet', onPacket);
      transport.removeListener('close', onTransportGone);
      transport.removeListener('error', onTransportGone);
      this.removeListener('close', onTransportGone);
    };
    transport.on('packet', onPacket);
    transport.once('close', onTransportGone);
    transport.once('error', onTransportGone);
    this.once('close', onTransportGone);
  }

  private clearTransport(): void {
    this.cleanupTransport?.();
    this.cleanupTransport = null;
    this.transport.on('error', () => {});
    this.transport.close();
    clearTimeout(this.pingTimeoutTimer);
  }

  private onClose(reason: EngineCloseReason, description?: unknown): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    clearTimeout(this.pingIntervalTimer);
    clearTimeout(this.pingTimeoutTimer);
    this.writeBuffer = [];
    this.clearTransport();
    this.traffic.lifecycle('close', 'sessionClosed', { reason });
    this.emit('close', reason, description);
  }

  /** Sends a message packet (engine.io's socket.send/write). */
  write(data: string | Uint8Array, options: { onWire?: OutPacket['onWire'] } = {}): this {
    this.sendPacket('message', data, options);
    return this;
  }

  send(data: string | Uint8Array): this {
    return this.write(data);
  }

  private sendPacket(type: PacketType, data?: string | Uint8Array, options: { onWire?: OutPacket['onWire'] } = {}): void {
    if (this.readyState === 'closing' || this.readyState === 'closed') return;
    const packet: OutPacket = { type };
    if (data !== undefined) packet.data = data as OutPacket['data'];
    if (options.onWire) packet.onWire = options.onWire;
    this.writeBuffer.push(packet);
    this.flush();
  }

  private flush(): void {
    if (this.readyState === 'closed' || !this.transport.writable || !this.writeBuffer.length) return;
    const buffer = this.writeBuffer;
    this.writeBuffer = [];
    this.transport.send(buffer);
    this.emit('drain');
  }

  /** Closes the session; the reason seen by socket.io is 'forced close' (engine.io socket.ts close). */
  close(discard = false): void {
    if (discard && (this.readyState === 'open' || this.readyState === 'closing')) return this.closeTransport(discard);
    if (this.readyState !== 'open') return;
    this.readyState = 'closing';
    if (this.writeBuffer.length) {
      this.once('drain', () => this.closeTransport(discard));
      return;
    }
    this.closeTransport(discard);
  }

  private closeTransport(discard: boolean): void {
    if (discard) this.transport.discard();
    this.transport.close(() => this.onClose('forced close'));
  }
}
