/**
 * The layers above HTTP and WebSocket frames, each on the field's own parser: SSE blocks on eventsource-parser,
 * Engine.IO packets on engine.io-parser, Socket.IO packets on socket.io-parser. Each wrapper is fed what the layer
 * below produced and never throws: what a parser refuses becomes an 'error' record.
 */
import { prefixed, preview, sseLineIgnored, type Localized } from './problems.js';
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
    onError: (error) => this.#out.push({ type: 'error', message: sseLineIgnored(error) }),
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
    if (packet.type === 'error') return { type: 'error', message: quoted(NOT_EIO_PACKET, data) };
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
      packet.type === 'error' ? { type: 'error', message: quoted(NOT_EIO_PAYLOAD, text) } : { type: 'packet', packet, encoded: text.split('\x1e')[i] ?? '' },
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
      this.#out.push({ type: 'error', message: sioParserProblem(error instanceof Error ? error.message : String(error)) });
      this.#decoder.destroy();
      this.#decoder = this.#fresh();
    }
    return this.#out.splice(0);
  }
}

/**
 * socket.io-parser's reasons for refusing a packet (it throws plain Errors with English messages), in both languages;
 * one it may add later stays as it says it.
 */
const SIO_PARSER_REASONS: [RegExp, string][] = [
  [/^invalid payload$/, '负载无效（JSON 不合法，或不是这种数据包能带的数据）'],
  [/^unknown packet type (\d+)$/, '未知的数据包类型 $1'],
  [/^illegal attachments$/i, '附件数不合法'],
  [/^too many attachments$/, '附件太多'],
  [/^got plaintext data when reconstructing a packet$/, '还在等二进制附件时收到了文本数据包'],
  [/^got binary data when not reconstructing a packet$/, '没有在等附件时收到了二进制数据'],
  [/^Unknown type: (.*)$/s, '未知的输入类型：$1'],
];

function sioParserProblem(reason: string): Localized {
  const prefix: Localized = { en: 'not a Socket.IO packet: ', zh: '不是 Socket.IO 数据包：' };
  const known = SIO_PARSER_REASONS.find(([pattern]) => pattern.test(reason));
  return { en: prefix.en + reason, zh: prefix.zh + (known ? reason.replace(known[0], known[1]) : reason) };
}

/** The prefix, then what was refused: text quoted (its first 40 characters), binary as its length. */
function quoted(prefix: Localized, data: string | Uint8Array): Localized {
  if (typeof data !== 'string') return { en: `${prefix.en}${data.length} bytes`, zh: `${prefix.zh}${data.length} 字节` };
  return prefixed(prefix, preview(data));
}
