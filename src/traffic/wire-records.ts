/**
 * The decoded wire of a run, read from its 'bytes' events (both runtimes record them the same way) with the one
 * decoder in src/shared/wire/. Decoding happens here, in the page, only for what a view asks: a connection is decoded
 * when first shown, and afterwards only the events newer than what it already read.
 */
import type { TrafficBuffer, TrafficEvent, TrafficInput } from '../shared/traffic.js';
import { WireConnectionDecoder, type WireRecord } from '../shared/wire/connection.js';
import { eventBySeq } from './traffic-index.js';

export type { WireRecord };

export function isWireEvent(e: Pick<TrafficInput, 'transport' | 'kind'>): boolean {
  return e.transport === 'tcp' && (e.kind === 'bytes' || e.kind === 'close');
}

/** Every connection of `events` decoded from its start (tests and exports; views use WireRecords). */
export function decodeAll(events: ReadonlyArray<TrafficInput | TrafficEvent>): Map<string, WireRecord[]> {
  const out = new Map<string, WireRecord[]>();
  const decoders = new Map<string, WireConnectionDecoder>();
  events.forEach((e, i) => {
    if (!isWireEvent(e) || e.observer !== 'server') return;
    let decoder = decoders.get(e.conn);
    if (!decoder) decoders.set(e.conn, (decoder = new WireConnectionDecoder()));
    const seq = 'seq' in e ? e.seq : i + 1;
    const records = out.get(e.conn) ?? [];
    if (e.kind === 'close') records.push(...decoder.close(seq, e.time));
    else if (e.direction === 'c2s' || e.direction === 's2c') records.push(...decoder.feedBase64(e.direction, e.details.raw, seq, e.time));
    out.set(e.conn, records);
  });
  return out;
}

interface Decoded {
  decoder: WireConnectionDecoder;
  records: WireRecord[];
  /** seq of the newest event this connection's decoder has read. */
  through: number;
  /** Kept bytes were missing somewhere (the buffer dropped the start, or a chunk was cut): later records may be off. */
  gap: boolean;
}

/**
 * Decoded connections of one buffer, cached. `records(conn, seqs)` decodes the connection's events from its oldest
 * kept one up to the newest, once; the caller passes the seqs of the connection's events it knows of (the view's
 * index holds them), so nothing scans the buffer.
 */
export class WireRecords {
  #cache = new Map<string, Decoded>();

  constructor(private buffer: TrafficBuffer) {}

  /** A different buffer (a new run): forget everything. */
  use(buffer: TrafficBuffer): void {
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.#cache.clear();
  }

  records(conn: string, seqs: readonly number[]): { records: WireRecord[]; gap: boolean } {
    let d = this.#cache.get(conn);
    if (!d) {
      d = { decoder: new WireConnectionDecoder(), records: [], through: 0, gap: false };
      this.#cache.set(conn, d);
    }
    for (const seq of seqs) {
      if (seq <= d.through) continue;
      const e = eventBySeq(this.buffer, seq);
      d.through = seq;
      if (!e) {
        d.gap = true;
        continue;
      }
      if (e.details.rawDropped) d.gap = true;
      if (e.kind === 'close') d.records.push(...d.decoder.close(e.seq, e.time));
      else if (e.direction === 'c2s' || e.direction === 's2c') d.records.push(...d.decoder.feedBase64(e.direction, e.details.raw, e.seq, e.time));
    }
    return { records: d.records, gap: d.gap };
  }
}
