/**
 * The rows of the inspector's wire view: the run's 'bytes' events decoded (src/shared/wire/) at the layer the learner
 * chose. Kept up to date incrementally: each sync reads only the buffer's events newer than the last one read, feeds
 * them to their connection's decoder, and keeps at most ROW_LIMIT rows (the oldest go first, and are counted). Nothing
 * is decoded while no wire layer is shown: the element creates this only then.
 */
import { fromBase64, jsonShowingBinary, utf8Length } from '../shared/wire/bytes.js';
import { WireConnectionDecoder, type WireLayer, type WireRecord } from '../shared/wire/connection.js';
import type { TrafficBuffer, TrafficEvent } from '../shared/traffic.js';
import { hexOf, previewOf } from '../shared/traffic.js';
import type { Lang, Localized } from '../shared/localized.js';

export const ROW_LIMIT = 10_000;

/** The sides a wire view can show: what the server's socket read and wrote is recorded; 'client' is its mirror. */
export type WireSide = 'client' | 'server' | 'both';

export interface WireRow {
  /** The 'bytes' event this row came from (the one that completed it). */
  seq: number;
  time: number;
  conn: string;
  direction: 'c2s' | 's2c';
  /** Short name of what the row is: HTTP, chunk, body, frame opcode, EIO, SIO, SSE… (protocol words, not translated). */
  label: string;
  /** What the row says; a decoder's complaint, and the few words of ours, in both languages (see summaryText). */
  summary: string | Localized;
  /** Bytes on the wire this row stands for, where one can say (0: a decoded packet inside a frame). */
  size: number;
  control: boolean;
  error: boolean;
  record?: WireRecord;
  /** For the bytes layer: the event itself. */
  event?: TrafficEvent;
}

const utf8 = new TextDecoder();

function textOf(bytes: Uint8Array): string {
  return utf8.decode(bytes.subarray(0, 400));
}

const json = (value: unknown) => jsonShowingBinary(value, (n) => `<${n} B>`);

/** A row's summary in the learner's language. */
export function summaryText(row: WireRow, lang: Lang): string {
  return typeof row.summary === 'string' ? row.summary : row.summary[lang];
}

/** One decoded record as a row (undefined: the record does not belong to `layer`). */
export function rowOf(r: WireRecord, conn: string, layer: WireLayer): WireRow | undefined {
  const base = { seq: r.seq, time: r.time, conn, direction: r.direction, control: !!r.control, error: false, record: r };
  if (layer === 'http' && 'http' in r) {
    const h = r.http;
    switch (h.type) {
      case 'head':
        return { ...base, label: 'HTTP', summary: h.startLine, size: h.size };
      case 'chunk':
        return { ...base, label: 'chunk', summary: h.size ? `${h.size.toString(16)} (${h.size} B)` : { en: '0 (last chunk)', zh: '0（最后一个分块）' }, size: h.wire };
      case 'body':
        return { ...base, label: 'body', summary: previewOf(textOf(h.data)), size: h.wire };
      case 'end':
        return h.wire ? { ...base, label: 'end', summary: 'CRLF', size: h.wire } : undefined;
      case 'error':
        return { ...base, label: 'error', summary: h.message, size: h.wire, error: true };
      default:
        return undefined;
    }
  }
  if (layer === 'http' && 'frame' in r) {
    const f = r.frame;
    if (f.type === 'error') return { ...base, label: 'error', summary: f.message, size: f.wire, error: true };
    const head = `FIN=${f.fin ? 1 : 0} ${f.masked ? 'MASK ' : ''}len=${f.length}`;
    let payload: string;
    if (f.opcode === 0x8) payload = f.closeCode === undefined ? '(no code: 1005)' : `${f.closeCode}${f.closeReason ? ' ' + f.closeReason : ''}`;
    else if (f.opcode === 0x2) payload = hexOf(f.payload.subarray(0, 32));
    else payload = textOf(f.payload);
    return { ...base, label: f.opcodeName, summary: previewOf(`${head} ${payload}`), size: f.wire };
  }
  if (layer === 'eio' && 'eio' in r) {
    const e = r.eio;
    if (e.type === 'error') return { ...base, label: 'EIO', summary: e.message, size: 0, error: true };
    const data = e.packet.data;
    const shown = data === undefined ? '' : typeof data === 'string' ? data : `<binary ${(data as ArrayBuffer).byteLength} B>`;
    const size = typeof e.encoded === 'string' ? utf8Length(e.encoded) : e.encoded.length;
    return { ...base, label: 'EIO', summary: previewOf(`${e.packet.type} ${shown}`), size };
  }
  if ((layer === 'sio' || layer === 'events') && 'sio' in r) {
    const s = r.sio;
    if (s.type === 'error') return { ...base, label: 'SIO', summary: s.message, size: 0, error: true };
    const p = s.packet;
    if (layer === 'events' && !/EVENT|ACK/.test(p.typeName)) return undefined;
    const id = p.id !== undefined ? ` id=${p.id}` : '';
    return { ...base, label: layer === 'events' ? 'socket.io' : 'SIO', summary: previewOf(`${p.typeName} ${p.nsp}${id}${p.data === undefined ? '' : ' ' + json(p.data)}`), size: 0 };
  }
  if (layer === 'events' && r.layer === 'events') {
    if ('sse' in r) {
      const s = r.sse;
      if (s.type === 'event') {
        const e = s.event;
        return { ...base, label: 'SSE', summary: previewOf(`${e.event ? `event: ${e.event} ` : ''}${e.id !== undefined ? `id: ${e.id} ` : ''}data: ${e.data}`), size: 0 };
      }
      if (s.type === 'retry') return { ...base, label: 'SSE', summary: `retry: ${s.ms}`, size: 0 };
      if (s.type === 'comment') return { ...base, label: 'SSE', summary: `:${s.text}`, size: 0 };
      return { ...base, label: 'SSE', summary: s.message, size: 0, error: true };
    }
    if ('message' in r) {
      const m = r.message;
      return { ...base, label: 'message', summary: m.binary ? `<binary ${m.data.length} B> ${hexOf(m.data.subarray(0, 16))}` : previewOf(textOf(m.data)), size: m.data.length };
    }
    if ('exchange' in r) {
      const x = r.exchange;
      return { ...base, label: 'HTTP', summary: previewOf(`${x.head.startLine}${x.bodyBytes ? ` + ${x.bodyBytes} B` : ''}`), size: x.head.size + x.bodyBytes };
    }
  }
  return undefined;
}

/** The 'bytes' event itself as a row of the bytes layer. */
function bytesRow(e: TrafficEvent): WireRow {
  return {
    seq: e.seq,
    time: e.time,
    conn: e.conn,
    direction: e.direction === 'c2s' ? 'c2s' : 's2c',
    label: 'TCP',
    summary: e.preview,
    size: e.bytes,
    control: false,
    error: false,
    event: e,
  };
}

export class WireRows {
  rows: WireRow[] = [];
  /** Rows that fell off the front (ROW_LIMIT), and ping/pong rows not shown while folded. */
  dropped = 0;
  folded = 0;
  /** Wire events of the chosen side read so far: none for the client's side means its bytes are not recorded. */
  recorded = 0;
  #decoders = new Map<string, WireConnectionDecoder>();
  #lastSeq = 0;

  constructor(
    readonly layer: WireLayer,
    /** Whose recording to show: 'both' shows every side recorded. */
    readonly side: WireSide,
    /** Show ping, pong and heartbeat comments (folded by default). */
    readonly showControl: boolean,
  ) {}

  /** Events of the buffer not read yet (a sync cut short by its time budget leaves some). */
  behind(buffer: TrafficBuffer): boolean {
    return buffer.size > 0 && buffer.at(buffer.size - 1)!.seq > this.#lastSeq;
  }

  /**
   * Read the buffer's events newer than the last sync, until `deadline` (a performance.now() time) if given, so a
   * first decoding of 10,000 buffered events is spread over frames instead of freezing one; true when rows changed.
   */
  sync(buffer: TrafficBuffer, deadline = Infinity): boolean {
    const size = buffer.size;
    if (!size) return false;
    const first = buffer.at(0)!.seq;
    const before = this.rows.length + this.dropped + this.folded;
    for (let i = Math.max(0, this.#lastSeq + 1 - first); i < size; i++) {
      // Checked every 64 events: performance.now() is not free either.
      if ((i & 63) === 0 && performance.now() > deadline) break;
      const e = buffer.at(i)!;
      this.#lastSeq = e.seq;
      if (e.transport !== 'tcp' || (this.side !== 'both' && e.observer !== this.side)) continue;
      this.recorded++;
      if (this.layer === 'bytes') {
        if (e.kind === 'bytes') this.#push(bytesRow(e));
        continue;
      }
      // Each side's record of a connection is its own byte stream.
      const key = `${e.observer} ${e.conn}`;
      let decoder = this.#decoders.get(key);
      if (!decoder) this.#decoders.set(key, (decoder = new WireConnectionDecoder()));
      let records: WireRecord[] = [];
      if (e.kind === 'close') records = decoder.close(e.seq, e.time);
      else if (e.kind === 'bytes' && (e.direction === 'c2s' || e.direction === 's2c')) {
        const bytes = e.details.raw ? fromBase64(e.details.raw) : undefined;
        if (bytes) records = decoder.feed(e.direction, bytes, e.seq, e.time);
      }
      for (const r of records) {
        const row = rowOf(r, e.conn, this.layer);
        if (row) this.#push(row);
      }
    }
    return this.rows.length + this.dropped + this.folded !== before;
  }

  #push(row: WireRow): void {
    if (row.control && !this.showControl) {
      this.folded++;
      return;
    }
    this.rows.push(row);
    if (this.rows.length > ROW_LIMIT * 1.5) {
      const cut = this.rows.length - ROW_LIMIT;
      this.rows = this.rows.slice(cut);
      this.dropped += cut;
    }
  }
}

