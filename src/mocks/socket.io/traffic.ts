/**
 * The server's view of socket.io traffic, at two levels the inspector links together: every Engine.IO packet as it
 * crosses the wire (`0{…}`, `40`, `42[…]`, `2`/`3`, attachments), and one decoded 'message' per Socket.IO event or
 * ack (name, arguments, ack id).
 *
 * The link: each raw packet gets a per-connection number, shown as `#n` in its details.note, and the decoded event
 * says `decodes #n` with the same conn (and the number in details.decodes, for views: the note is in the learner's
 * language). `ctx.report` returns nothing today; if it ever returns the seq the buffer
 * stamped, the decoded event carries it in details.linkedTo as well.
 */
import type { Packet } from 'engine.io-parser';
import type { RuntimeContext } from '../context.js';
import { hexOf, previewOf, type Direction, type TrafficDetails, type TrafficInput } from '../../shared/traffic.js';
import { note, type NoteKey } from '../notes.js';
import { jsonShowingBinary, utf8Length } from '../../shared/wire/bytes.js';

export const SIO_TYPES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK'];

/** The raw packet a decoded event came from. */
export interface WireRef {
  n: number;
  seq?: number;
}

export interface SioHeader {
  sioType: string;
  nsp: string;
  ackId?: number;
  event?: string;
}

/**
 * Reads the header of an encoded Socket.IO packet (type, namespace, ack id, event name) for the inspector. The
 * encoding itself is socket.io-parser's; this only labels what it produced or received, and never throws.
 */
export function readSioHeader(text: string): SioHeader | undefined {
  const m = /^([0-6])(?:\d+-)?(\/[^,]*,|)(\d*)([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  const header: SioHeader = { sioType: SIO_TYPES[Number(m[1])]!, nsp: m[2] ? m[2].slice(0, -1) : '/' };
  if (m[3]) header.ackId = Number(m[3]);
  if (m[1] === '2' || m[1] === '5') {
    try {
      const data: unknown = JSON.parse(m[4]!);
      if (Array.isArray(data) && typeof data[0] === 'string') header.event = data[0];
    } catch {
      /* a malformed packet: the parser reports it */
    }
  }
  return header;
}

function byteLength(data: string | Uint8Array | ArrayBuffer): number {
  return typeof data === 'string' ? utf8Length(data) : data.byteLength;
}

let connections = 0;

/** One Engine.IO connection's traffic (its polling requests and its WebSocket share it). */
export class ConnTraffic {
  readonly conn = `socket.io#${++connections}`;
  private packets = 0;

  constructor(private readonly ctx: RuntimeContext) {}

  private send(event: Omit<TrafficInput, 'time' | 'party' | 'observer' | 'conn' | 'transport'>): number | undefined {
    // `report` is typed void today; a seq it may return later becomes linkedTo (see the file comment).
    const seq = (this.ctx.report as (e: TrafficInput) => unknown)({
      time: this.ctx.now(),
      party: 'server',
      observer: 'server',
      conn: this.conn,
      transport: 'socket.io',
      ...event,
    });
    return typeof seq === 'number' ? seq : undefined;
  }

  /** One Engine.IO packet on the wire, as encoded. */
  packet(direction: Direction, via: string, encoded: string | Uint8Array | ArrayBuffer, packet: Packet): WireRef {
    const n = ++this.packets;
    const details: TrafficDetails = { eioType: packet.type, note: `#${n} · ${via}` };
    let preview: string;
    let body: string;
    if (typeof encoded === 'string') {
      preview = previewOf(encoded);
      body = encoded;
      if (packet.type === 'message' && typeof packet.data === 'string') {
        Object.assign(details, readSioHeader(packet.data));
      } else if (packet.type === 'message' && encoded.startsWith('b')) {
        details.binary = true;
        details.note += ` · ${note(this.ctx.lang, 'attachmentBase64')}`;
      }
    } else {
      const bytes = encoded instanceof Uint8Array ? encoded : new Uint8Array(encoded);
      preview = note(this.ctx.lang, 'binaryBytes', { n: bytes.length });
      body = hexOf(bytes);
      details.binary = true;
      details.note += ` · ${note(this.ctx.lang, 'attachment')}`;
    }
    const seq = this.send({ direction, kind: 'frame', bytes: byteLength(encoded), preview, body, details });
    return seq === undefined ? { n } : { n, seq };
  }

  /** A Socket.IO event or ack, decoded, linked to the raw packet that carried it. */
  decoded(
    direction: Direction,
    ref: WireRef | undefined,
    packet: { type: number; nsp: string; data?: unknown; id?: number },
  ): void {
    const isEvent = packet.type === 2 || packet.type === 5;
    const args = Array.isArray(packet.data) ? packet.data : [];
    const event = isEvent && typeof args[0] === 'string' ? args[0] : undefined;
    const shown = isEvent ? args.slice(1) : args;
    const body = jsonShowingBinary(shown, (n) => note(this.ctx.lang, 'binaryBytes', { n }));
    const text = body.slice(1, -1);
    const details: TrafficDetails = { sioType: SIO_TYPES[packet.type], nsp: packet.nsp };
    if (event !== undefined) details.event = event;
    if (packet.id !== undefined) details.ackId = packet.id;
    if (ref) {
      details.note = note(this.ctx.lang, 'decodes', { n: ref.n });
      details.decodes = ref.n;
      if (ref.seq !== undefined) details.linkedTo = ref.seq;
    }
    const preview = previewOf(event !== undefined ? `${event}(${text})` : `ack ${packet.id ?? ''} (${text})`);
    this.send({ direction, kind: 'message', bytes: 0, preview, body, details });
  }

  lifecycle(kind: 'open' | 'close' | 'error', key: Extract<NoteKey, 'sessionOpen' | 'sessionClosed'>, values: Record<string, string>): void {
    const text = note(this.ctx.lang, key, values);
    this.send({ direction: 'none', kind, bytes: 0, preview: text, details: { note: text } });
  }
}
