import { Buffer } from 'buffer';
import EventEmitter from 'events';
import { decodePacket, type Packet } from 'engine.io-parser';
import type { ConnTraffic, WireRef } from '../traffic.js';

/** Packets the server writes may carry a callback run once they are on the wire (the decoded event is reported then). */
export interface OutPacket extends Packet {
  onWire?: (ref: WireRef) => void;
}

export type TransportName = 'polling' | 'websocket';

/** Binary packet data as Node's engine.io hands it to socket.io: a Buffer, whatever the parser's build produced. */
export function toBuffer(data: unknown): unknown {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return data;
}

/**
 * One way packets travel (engine.io's Transport): emits 'packet' (with the last wire ref), 'ready' when it may be
 * written, 'drain' after a write, 'error' and 'close'.
 */
export abstract class Transport extends EventEmitter {
  abstract readonly name: TransportName;
  writable = false;
  readyState: 'open' | 'closing' | 'closed' = 'open';
  discarded = false;
  /** The ref of the raw packet being handled, so socket.io can link its decoded event to it. */
  lastRef: WireRef | undefined;
  /** The last packet received, as it came (for the console line about a malformed one). */
  lastEncoded: string | undefined;

  constructor(readonly traffic: ConnTraffic) {
    super();
  }

  abstract send(packets: OutPacket[]): void;
  protected abstract doClose(fn?: () => void): void;

  close(fn?: () => void): void {
    if (this.readyState === 'closed' || this.readyState === 'closing') return;
    this.readyState = 'closing';
    this.doClose(fn);
  }

  discard(): void {
    this.discarded = true;
  }

  /** Decodes and reports one received packet. A packet engine.io-parser cannot read becomes its 'error' packet. */
  protected receive(encoded: string | Uint8Array, binary: boolean): Packet {
    const packet: Packet = binary
      ? { type: 'message', data: toBuffer(encoded) as Buffer }
      : decodePacket(encoded as string, 'arraybuffer');
    if (!binary && packet.data !== undefined) packet.data = toBuffer(packet.data) as Buffer;
    this.lastRef = this.traffic.packet('c2s', this.name, encoded, packet);
    this.lastEncoded = binary ? undefined : (encoded as string);
    return packet;
  }

  protected onPacket(packet: Packet): void {
    this.emit('packet', packet);
  }

  protected onError(message: string): void {
    if (this.listenerCount('error')) this.emit('error', new Error(message), message);
  }

  protected onClose(): void {
    this.readyState = 'closed';
    this.emit('close');
  }
}
