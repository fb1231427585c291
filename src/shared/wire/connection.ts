/**
 * One TCP connection decoded in layers, from the chunks each side read or wrote ('bytes' events, in order): HTTP/1.1
 * messages; on an event stream its SSE blocks; after a 101 the WebSocket frames, their messages, and for Engine.IO
 * (`/socket.io/` or `/engine.io/`) its packets and the Socket.IO packets inside; long-polling bodies likewise. The page
 * and the tests use the same decoder for browser mode's and real Node's bytes, so the two can be compared.
 */
import type { Localized } from '../localized.js';
import { fromBase64, utf8Text } from './bytes.js';
import { headerValue, HttpMessageDecoder, type HttpHead, type HttpRecord } from './http-message.js';
import { decodeEioMessage, decodeEioPayload, SioDecoder, SseDecoder, type EioRecord, type SioPacket, type SseRecord } from './layers.js';
import { WebSocketFrameDecoder, type FrameRecord, type WebSocketFrame } from './websocket-frames.js';

/** The layers a view can choose, lowest first. 'events': what the application sees (an SSE event, a message). */
export const WIRE_LAYERS = ['bytes', 'http', 'eio', 'sio', 'events'] as const;
export type WireLayer = (typeof WIRE_LAYERS)[number];

export type WireDirection = 'c2s' | 's2c';

interface RecordBase {
  direction: WireDirection;
  /** seq and time of the 'bytes' event that completed this record. */
  seq: number;
  time: number;
  /** Ping, pong and SSE comments: folded by default. */
  control?: boolean;
}

export type WireRecord = RecordBase &
  (
    | { layer: 'http'; http: HttpRecord }
    | { layer: 'http'; frame: FrameRecord }
    | { layer: 'eio'; eio: EioRecord }
    | { layer: 'sio'; sio: { type: 'packet'; packet: SioPacket } | { type: 'error'; message: Localized } }
    | { layer: 'events'; sse: SseRecord }
    /** A whole WebSocket message (fragments joined): text or binary. */
    | { layer: 'events'; message: { binary: boolean; data: Uint8Array } }
    /** An HTTP message, whole: its head, and how many body bytes followed. */
    | { layer: 'events'; exchange: { head: HttpHead; bodyBytes: number } }
  );

/** How much of one message's body the decoder keeps to read it as a polling payload or show it whole. */
const BODY_KEEP = 64 * 1024;

interface Side {
  http: HttpMessageDecoder;
  frames?: WebSocketFrameDecoder;
  sio?: SioDecoder;
  /** The message being read: its head, body bytes so far, and what its body is. */
  head?: HttpHead;
  bodyBytes: number;
  body: Uint8Array[];
  kept: number;
  sse?: SseDecoder;
  polling?: boolean;
  /** Fragments of the WebSocket message being assembled. */
  fragments: Uint8Array[];
  fragmentBinary: boolean;
}

function side(kind: 'request' | 'response'): Side {
  return { http: new HttpMessageDecoder(kind), bodyBytes: 0, body: [], kept: 0, fragments: [], fragmentBinary: false };
}

export function isEngineIoPath(target: string | undefined): boolean {
  return !!target && /^\/(socket\.io|engine\.io)\//.test(target.replace(/^https?:\/\/[^/]+/, '')) && /[?&]EIO=\d/.test(target);
}

export class WireConnectionDecoder {
  #c2s = side('request');
  #s2c = side('response');
  /** Targets of requests not answered yet (a response is read as polling or SSE by its request). */
  #targets: string[] = [];
  #engineIo = false;

  /** Feed one chunk. Returns the records it completed, every layer, in order. */
  feed(direction: WireDirection, bytes: Uint8Array, seq: number, time: number): WireRecord[] {
    const out: WireRecord[] = [];
    const base = { direction, seq, time };
    const s = direction === 'c2s' ? this.#c2s : this.#s2c;
    if (s.frames) {
      this.#frames(s, s.frames.feed(bytes), base, out);
      return out;
    }
    for (const record of s.http.feed(bytes)) this.#http(s, record, base, out);
    return out;
  }

  /** Feed a 'bytes' event's kept bytes (base64); a record with none kept decodes nothing. */
  feedBase64(direction: WireDirection, raw: string | undefined, seq: number, time: number): WireRecord[] {
    const bytes = raw ? fromBase64(raw) : undefined;
    return bytes ? this.feed(direction, bytes, seq, time) : [];
  }

  /** The connection closed: what was read until close ends; what was cut short says so. */
  close(seq: number, time: number): WireRecord[] {
    const out: WireRecord[] = [];
    for (const [direction, s] of [['c2s', this.#c2s], ['s2c', this.#s2c]] as const) {
      if (s.frames) continue;
      for (const record of s.http.close()) this.#http(s, record, { direction, seq, time }, out);
    }
    return out;
  }

  #http(s: Side, record: HttpRecord, base: RecordBase, out: WireRecord[]): void {
    if (record.type === 'upgrade') {
      this.#upgrade(s, record.rest, base, out);
      return;
    }
    out.push({ ...base, layer: 'http', http: record });
    switch (record.type) {
      case 'head':
        s.head = record;
        s.bodyBytes = 0;
        s.body = [];
        s.kept = 0;
        s.sse = undefined;
        s.polling = false;
        if (record.kind === 'request') {
          this.#s2c.http.expectResponseTo(record.method ?? 'GET');
          this.#targets.push(record.target ?? '');
          s.polling = isEngineIoPath(record.target);
        } else {
          const target = this.#targets.shift();
          if (record.status !== 101 && record.status !== undefined && record.status >= 100 && record.status < 200) this.#targets.unshift(target ?? '');
          if (/^text\/event-stream/i.test(headerValue(record, 'content-type') ?? '')) s.sse = new SseDecoder();
          s.polling = isEngineIoPath(target);
          if (record.status === 101) this.#engineIo = isEngineIoPath(target);
        }
        return;
      case 'body':
        s.bodyBytes += record.data.length;
        if (s.sse) {
          for (const sse of s.sse.feed(record.data)) out.push({ ...base, layer: 'events', sse, ...(sse.type === 'comment' ? { control: true } : {}) });
        } else if (s.kept < BODY_KEEP) {
          const piece = record.data.subarray(0, BODY_KEEP - s.kept);
          s.body.push(piece.slice());
          s.kept += piece.length;
        }
        return;
      case 'end':
        if (s.head) {
          if (s.polling && s.kept && (s.head.kind === 'request' || s.head.status === 200)) {
            this.#polling(s, base, out);
          }
          if (!s.sse) out.push({ ...base, layer: 'events', exchange: { head: s.head, bodyBytes: s.bodyBytes } });
        }
        s.head = undefined;
        return;
      default:
        return;
    }
  }

  /** A long-polling body: every packet in it, and the Socket.IO packets inside the 'message' ones. */
  #polling(s: Side, base: RecordBase, out: WireRecord[]): void {
    const text = utf8Text(join(s.body));
    // A handshake GET answered with 'ok' by a POST, or the like, is no payload.
    if (text === 'ok') return;
    for (const eio of decodeEioPayload(text)) this.#eio(s, eio, base, out);
  }

  #upgrade(s: Side, rest: Uint8Array, base: RecordBase, out: WireRecord[]): void {
    if (s === this.#s2c) {
      // The server switched protocols: both directions are frames from now on; what the client sent after its
      // request (held until now) is its first frames.
      this.#s2c.frames = new WebSocketFrameDecoder('server');
      const held = this.#c2s.http.resolveUpgrade(true) ?? new Uint8Array(0);
      this.#c2s.frames = new WebSocketFrameDecoder('client');
      if (this.#engineIo) {
        this.#c2s.sio = new SioDecoder();
        this.#s2c.sio = new SioDecoder();
      }
      if (held.length) this.#frames(this.#c2s, this.#c2s.frames.feed(held), { ...base, direction: 'c2s' }, out);
      if (rest.length) this.#frames(s, s.frames!.feed(rest), base, out);
      return;
    }
    // A request decoder only reports an upgrade after resolveUpgrade(true): its bytes are frames.
    s.frames ??= new WebSocketFrameDecoder('client');
    if (rest.length) this.#frames(s, s.frames.feed(rest), base, out);
  }

  #frames(s: Side, records: FrameRecord[], base: RecordBase, out: WireRecord[]): void {
    for (const frame of records) {
      const control = frame.type === 'frame' && (frame.opcode === 0x9 || frame.opcode === 0xa);
      out.push({ ...base, layer: 'http', frame, ...(control ? { control } : {}) });
      if (frame.type !== 'frame' || frame.opcode >= 0x8) continue;
      this.#message(s, frame, base, out);
    }
  }

  #message(s: Side, frame: WebSocketFrame, base: RecordBase, out: WireRecord[]): void {
    if (frame.opcode !== 0x0) {
      s.fragments = [];
      s.fragmentBinary = frame.opcode === 0x2;
    }
    s.fragments.push(frame.payload);
    if (!frame.fin) return;
    const data = join(s.fragments);
    s.fragments = [];
    if (this.#engineIo) {
      this.#eio(s, decodeEioMessage(s.fragmentBinary ? data : utf8Text(data)), base, out);
      return;
    }
    out.push({ ...base, layer: 'events', message: { binary: s.fragmentBinary, data } });
  }

  #eio(s: Side, eio: EioRecord, base: RecordBase, out: WireRecord[]): void {
    const control = eio.type === 'packet' && (eio.packet.type === 'ping' || eio.packet.type === 'pong');
    out.push({ ...base, layer: 'eio', eio, ...(control ? { control } : {}) });
    if (eio.type !== 'packet' || eio.packet.type !== 'message' || eio.packet.data === undefined) return;
    s.sio ??= new SioDecoder();
    for (const sio of s.sio.feed(eio.packet.data as string | ArrayBuffer)) {
      out.push({ ...base, layer: 'sio', sio });
    }
  }
}

function join(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const n = parts.reduce((sum, p) => sum + p.length, 0);
  const out = new Uint8Array(n);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
