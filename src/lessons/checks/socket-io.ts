/**
 * Reads socket.io's conversation back out of the client taps, so a check works the same in both runtimes.
 *
 * The taps see socket.io-client only as what it really uses: XHR long-polling requests (`/socket.io/?EIO=4&
 * transport=polling…`) whose bodies carry Engine.IO payloads (packets joined by the record separator \x1e), and a
 * WebSocket whose text frames each carry one Engine.IO packet. An Engine.IO "message" packet (type 4) carries one
 * Socket.IO packet: `42["message","hi"]` is Engine.IO message + Socket.IO EVENT, `431["ok"]` an ACK for id 1.
 * The decoding is left to socket.io's own parsers (engine.io-parser, socket.io-parser) rather than a regex, so
 * namespaces, ack ids and escaped JSON read exactly as socket.io reads them.
 *
 * Packets are grouped by Engine.IO session id (`sid`), which is what one `io()` connection is: its polling requests
 * carry `sid=` in the URL, an upgraded WebSocket too, and the first packet of a session (`0{"sid":…}`) names it.
 */
import { decodePacket, decodePayload, type Packet as EioPacket } from 'engine.io-parser';
import { Decoder, PacketType } from 'socket.io-parser';
import type { Observation } from '../../shared/lesson.js';
import type { TrafficEvent } from '../../shared/traffic.js';
import { clientEvents } from './observe.js';

export const SIO_TYPES = ['CONNECT', 'DISCONNECT', 'EVENT', 'ACK', 'CONNECT_ERROR', 'BINARY_EVENT', 'BINARY_ACK'] as const;
export type SioType = (typeof SIO_TYPES)[number];

export interface SioPacket {
  type: SioType;
  nsp: string;
  /** Ack id: on an EVENT, the sender wants an answer; on an ACK, which EVENT it answers. */
  id?: number;
  /** EVENT: the event name; ACK: undefined. */
  event?: string;
  /** EVENT: the arguments after the name; ACK: the callback's arguments; CONNECT: the handshake data in `args[0]`. */
  args: unknown[];
}

export interface WirePacket {
  time: number;
  direction: 'c2s' | 's2c';
  via: 'polling' | 'websocket';
  /** Engine.IO session id, when known (see the module comment). */
  sid?: string;
  /** Engine.IO packet type name: open, close, ping, pong, message, upgrade, noop. */
  eio: string;
  /** The Engine.IO packet as text, as the inspector shows it: `42["message","hi"]`, `2`, `3probe`. */
  raw: string;
  /** The Socket.IO packet inside an Engine.IO message, if it decodes. */
  sio?: SioPacket;
}

const EIO_CODES: Record<string, string> = { open: '0', close: '1', ping: '2', pong: '3', message: '4', upgrade: '5', noop: '6' };

/**
 * One Socket.IO packet from its text. Binary packets (types 5 and 6) wait for attachments that travel separately, so
 * for them only the header is read (type, namespace, id).
 */
export function decodeSocketIo(text: string): SioPacket | undefined {
  let packet: { type: PacketType; nsp: string; id?: number; data?: unknown } | undefined;
  const decoder = new Decoder();
  decoder.on('decoded', (p: typeof packet) => (packet = p));
  try {
    decoder.add(text);
  } catch {
    return undefined;
  } finally {
    decoder.destroy();
  }
  if (!packet) {
    const header = /^([56])\d+-(\/[^,]*)?,?(\d+)?/.exec(text);
    if (!header) return undefined;
    return { type: SIO_TYPES[Number(header[1])]!, nsp: header[2] ?? '/', ...(header[3] ? { id: Number(header[3]) } : {}), args: [] };
  }
  const type = SIO_TYPES[packet.type]!;
  const data = packet.data;
  const base = { type, nsp: packet.nsp, ...(packet.id === undefined ? {} : { id: packet.id }) };
  if (type === 'EVENT' && Array.isArray(data)) return { ...base, event: String(data[0]), args: data.slice(1) };
  if (type === 'ACK' && Array.isArray(data)) return { ...base, args: data };
  return { ...base, args: data === undefined ? [] : [data] };
}

function toWire(p: EioPacket, base: Omit<WirePacket, 'eio' | 'raw' | 'sio'>): WirePacket | undefined {
  if (p.type === 'error' || typeof p.data !== 'string' && p.data !== undefined) return undefined;
  const data = (p.data as string | undefined) ?? '';
  const wire: WirePacket = { ...base, eio: p.type, raw: EIO_CODES[p.type] + data };
  if (p.type === 'open') {
    try {
      wire.sid = (JSON.parse(data) as { sid?: string }).sid ?? base.sid;
    } catch {
      /* not a handshake after all */
    }
  }
  if (p.type === 'message') {
    const sio = decodeSocketIo(data);
    if (sio) wire.sio = sio;
  }
  return wire;
}

function queryOf(url: string | undefined): URLSearchParams | undefined {
  if (!url) return undefined;
  try {
    return new URL(url, 'http://x').searchParams;
  } catch {
    return undefined;
  }
}

/** Is this URL an Engine.IO endpoint? Every Engine.IO request names the protocol version (`EIO=4`). */
function isEngineIo(url: string | undefined): boolean {
  return queryOf(url)?.has('EIO') ?? false;
}

/** Every Engine.IO packet the client sent or received, oldest first, with the Socket.IO packet inside decoded. */
export function socketIoPackets(o: Observation): WirePacket[] {
  const events = clientEvents(o);
  // A request and its response share a connection id; only the request knows the URL.
  const urlOf = new Map<string, string | undefined>();
  for (const e of events) if (e.kind === 'request' || e.kind === 'open') urlOf.set(e.conn, e.details.url ?? urlOf.get(e.conn));
  const sidOf = new Map<string, string>();
  const out: WirePacket[] = [];
  for (const e of events) {
    const url = urlOf.get(e.conn);
    if (!isEngineIo(url) || e.details.binary || e.body === undefined || e.body === '') continue;
    const sid = queryOf(url)?.get('sid') ?? sidOf.get(e.conn);
    const packets = decodeEvent(e, sid);
    for (const p of packets) {
      // The handshake names the session for the rest of this connection (a WebSocket opened without polling).
      if (p.eio === 'open' && p.sid) sidOf.set(e.conn, p.sid);
      out.push(p);
    }
  }
  return out;
}

function decodeEvent(e: TrafficEvent, sid: string | undefined): WirePacket[] {
  const direction = e.direction === 'c2s' ? 'c2s' : 's2c';
  const base = { time: e.time, direction, ...(sid ? { sid } : {}) } as const;
  if (e.transport === 'ws' && e.kind === 'frame') {
    if (e.details.notSent) return []; // a send after close(): nothing went out
    const w = toWire(decodePacket(e.body!), { ...base, via: 'websocket' });
    return w ? [w] : [];
  }
  if (e.transport === 'http' && (e.kind === 'request' || e.kind === 'message')) {
    return decodePayload(e.body!)
      .map((p) => toWire(p, { ...base, via: 'polling' }))
      .filter((w): w is WirePacket => w !== undefined);
  }
  return [];
}

/** The Socket.IO EVENT packets, optionally one direction and one event name. */
export function sioEvents(o: Observation | WirePacket[], direction?: 'c2s' | 's2c', event?: string): WirePacket[] {
  const packets = Array.isArray(o) ? o : socketIoPackets(o as Observation);
  return packets.filter(
    (p) => p.sio?.type === 'EVENT' && (!direction || p.direction === direction) && (event === undefined || p.sio.event === event),
  );
}

/** Sessions that completed the Socket.IO handshake (the server's `40{"sid":…}` arrived), by Engine.IO sid. */
export function connectedSessions(packets: WirePacket[]): string[] {
  const sids = packets.filter((p) => p.direction === 's2c' && p.sio?.type === 'CONNECT' && p.sid).map((p) => p.sid!);
  return [...new Set(sids)];
}

/** A packet as a learner would recognise it in the inspector, shortened. */
export function showPacket(p: WirePacket): string {
  return p.raw.length > 60 ? p.raw.slice(0, 59) + '…' : p.raw;
}
