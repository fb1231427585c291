/**
 * The layers above HTTP and WebSocket frames, each on the field's own parser: SSE blocks on eventsource-parser,
 * Engine.IO packets on engine.io-parser, Socket.IO packets on socket.io-parser. Each wrapper is fed what the layer
 * below produced and never throws: what a parser refuses becomes an 'error' record.
 */
import { prefixed, type Localized } from './problems.js';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { decodePacket, decodePayload, type Packet } from 'engine.io-parser';
import { Decoder, PacketType } from 'socket.io-parser';

export type SseRecord =
  | { type: 'event'; event: EventSourceMessage }
  | { type: 'retry'; ms: number }
  | { type: 'comment'; text: string }
  | { type: 'error'; message: Localized };

/** An event stream's text as the browser's EventSource parses it (WHATWG HTML §9.2.6). */
export class SseDecoder {
  #text = new TextDecoder();
  #out: SseRecord[] = [];
  #parser = createParser({
    onEvent: (event) => this.#out.push({ type: 'event', event }),
    onRetry: (ms) => this.#out.push({ type: 'retry', ms }),
    onComment: (text) => this.#out.push({ type: 'comment', text }),
    onError: (error) => this.#out.push({ type: 'error', message: prefixed({ en: 'ignored by the browser: ', zh: '浏览器忽略了这一行：' }, error.message) }),
  });

  feed(bytes: Uint8Array): SseRecord[] {
    this.#parser.feed(this.#text.decode(bytes, { stream: true }));
    return this.#out.splice(0);
  }
}

const NOT_EIO_PACKET: Localized = { en: 'not an Engine.IO packet: ', zh: '不是 Engine.IO 数据包：' };
const NOT_EIO_PAYLOAD: Localized = { en: 'not an Engine.IO payload: ', zh: '不是 Engine.IO 负载：' };

export type EioRecord = { type: 'packet'; packet: Packet; encoded: string | Uint8Array } | { type: 'error'; message: Localized };

/** One WebSocket message of an Engine.IO connection: a text frame is one packet, a binary frame a binary message. */
export function decodeEioMessage(data: string | Uint8Array): EioRecord {
  try {
    const packet = decodePacket(typeof data === 'string' ? data : (data.slice().buffer as ArrayBuffer), 'arraybuffer');
    if (packet.type === 'error') return { type: 'error', message: prefixed(NOT_EIO_PACKET, preview(data)) };
    return { type: 'packet', packet, encoded: data };
  } catch (error) {
    return { type: 'error', message: prefixed(NOT_EIO_PACKET, String(error)) };
  }
}

/** An HTTP long-polling body: packets separated by the record separator (0x1e), binary ones in base64. */
export function decodeEioPayload(text: string): EioRecord[] {
  try {
    const packets = decodePayload(text, 'arraybuffer');
    return packets.map((packet, i) =>
      packet.type === 'error' ? { type: 'error', message: prefixed(NOT_EIO_PAYLOAD, preview(text)) } : { type: 'packet', packet, encoded: text.split('\x1e')[i] ?? '' },
    );
  } catch (error) {
    return [{ type: 'error', message: prefixed(NOT_EIO_PAYLOAD, String(error)) }];
  }
}

export interface SioPacket {
  type: number;
  typeName: string;
  nsp: string;
  id?: number;
  data?: unknown;
}

export const SIO_TYPE_NAMES: Record<number, string> = {
  [PacketType.CONNECT]: 'CONNECT',
  [PacketType.DISCONNECT]: 'DISCONNECT',
  [PacketType.EVENT]: 'EVENT',
  [PacketType.ACK]: 'ACK',
  [PacketType.CONNECT_ERROR]: 'CONNECT_ERROR',
  [PacketType.BINARY_EVENT]: 'BINARY_EVENT',
  [PacketType.BINARY_ACK]: 'BINARY_ACK',
};

export type SioRecord = { type: 'packet'; packet: SioPacket } | { type: 'error'; message: Localized };

/**
 * Socket.IO packets of one direction: the Engine.IO 'message' packets' data, a binary event's attachments after its
 * header, as socket.io-parser reassembles them. Its Decoder throws on a malformed packet and is then reset.
 */
export class SioDecoder {
  #decoder = this.#fresh();
  #out: SioRecord[] = [];

  #fresh(): Decoder {
    const decoder = new Decoder();
    decoder.on('decoded', (p: { type: number; nsp: string; id?: number; data?: unknown }) => {
      this.#out.push({
        type: 'packet',
        packet: { type: p.type, typeName: SIO_TYPE_NAMES[p.type] ?? String(p.type), nsp: p.nsp, ...(p.id !== undefined ? { id: p.id } : {}), ...(p.data !== undefined ? { data: p.data } : {}) },
      });
    });
    return decoder;
  }

  feed(data: string | ArrayBuffer | Uint8Array): SioRecord[] {
    try {
      this.#decoder.add(data);
    } catch (error) {
      this.#out.push({ type: 'error', message: prefixed({ en: 'not a Socket.IO packet: ', zh: '不是 Socket.IO 数据包：' }, error instanceof Error ? error.message : String(error)) });
      this.#decoder.destroy();
      this.#decoder = this.#fresh();
    }
    return this.#out.splice(0);
  }
}

function preview(data: string | Uint8Array): string {
  if (typeof data !== 'string') return `${data.length} bytes`;
  return JSON.stringify(data.length > 40 ? data.slice(0, 40) + '…' : data);
}
