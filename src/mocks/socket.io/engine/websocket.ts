import { encodePacket } from 'engine.io-parser';
import type { WsLike } from '../node-api.js';
import type { ConnTraffic } from '../traffic.js';
import { Transport, type OutPacket } from './transport.js';

/** engine.io's websocket transport on a ws 8 socket: one Engine.IO packet per frame, binary as binary frames. */
export class WebSocketTransport extends Transport {
  readonly name = 'websocket';

  constructor(
    private readonly ws: WsLike,
    traffic: ConnTraffic,
  ) {
    super(traffic);
    this.writable = true;
    ws.on('message', (data: unknown, isBinary?: boolean) => {
      // ws 8 hands text frames over as a Buffer too, with isBinary false.
      const binary = isBinary ?? typeof data !== 'string';
      const encoded = binary
        ? data instanceof Uint8Array
          ? data
          : new Uint8Array(data as ArrayBuffer)
        : typeof data === 'string'
          ? data
          : new TextDecoder().decode(data as Uint8Array);
      this.onPacket(this.receive(encoded, binary));
    });
    ws.once('close', () => this.onClose());
    ws.on('error', (err: Error) => this.onError(err.message));
  }

  send(packets: OutPacket[]): void {
    this.writable = false;
    for (const packet of packets) {
      encodePacket(packet, true, (data) => {
        const wire = data as string | Uint8Array | ArrayBuffer;
        if (this.ws.readyState === 1) this.ws.send(wire);
        const ref = this.traffic.packet('s2c', this.name, wire, packet);
        packet.onWire?.(ref);
      });
    }
    this.writable = true;
    this.emit('drain');
  }

  protected doClose(fn?: () => void): void {
    this.ws.close();
    fn?.();
  }
}
