/**
 * Browser mode's record of the wire: the bytes a Node server would read and write on one TCP connection, as 'bytes'
 * traffic events (observer 'server', transport 'tcp'), the same record real mode's preload makes of real sockets, so
 * one decoder (src/shared/wire/) serves both. The shims hand over the bytes they compute; this keeps at most
 * BODY_LIMIT of each chunk and counts the rest, so a flood costs no more memory than the buffer's bound.
 */
import { BODY_LIMIT, previewOf, type SourceLookup } from '../shared/traffic.js';
import { bytesPreview, toBase64 } from '../shared/wire/bytes.js';
import type { RuntimeContext } from './context.js';
import { note, type NoteKey } from './notes.js';
import { connectionEnded } from '../shared/wire/connection-end.js';
import { clockNow } from '../shared/clock.js';

let connections = 0;

/**
 * Chunks recorded a second, and payload kept a second, across the run: real mode's budgets (CHUNKS_PER_SECOND and
 * RAW_PER_SECOND in server/child/wire-record.cjs), so a flood is recorded alike in both runtimes. Past the first, a
 * connection's chunks in each direction are counted into one record every MERGE_MS, with no bytes kept; the
 * decoders read such a record as bytes they cannot see, as they do in real mode.
 * @note Measured (bench:mocks, the record on and off): a record per WebSocket frame cost a flood a quarter of its
 * rate, in the events, their base64 and their way to the page.
 */
export const WIRE_CHUNKS_PER_SECOND = 2000;
export const WIRE_RAW_PER_SECOND = 1024 * 1024;
const MERGE_MS = 20;
const EMPTY = new Uint8Array(0);
const budget = { start: -Infinity, chunks: 0, raw: 0 };

interface Merged {
  time: number;
  bytes: number;
  source: SourceLookup;
}

export class WireTap {
  readonly conn = `tcp#${++connections}`;

  constructor(
    private readonly ctx: RuntimeContext,
    /** The server's local port: a view tells the lesson's port from another by it. */
    private readonly port: number,
    private readonly party = 'client',
  ) {}

  /**
   * `rebuilt`: the bytes are browser mode's reconstruction (a request head missing the browser's own headers).
   * `source`: the line of server.js that wrote them, as real mode's record names it (server/child/wire-record.cjs).
   */
  write(direction: 'c2s' | 's2c', bytes: Uint8Array, rebuilt = false, source?: SourceLookup): void {
    this.writeOf(direction, bytes.length, () => bytes, rebuilt, source);
  }

  /**
   * `n` bytes on the wire, made by `make` only when this chunk is kept: past the budget a chunk is counted, not
   * built. @note Measured (bench:mocks, the record on and off): encoding and masking every WebSocket frame of a flood
   * to record nine in ten of them as a count was most of what the record cost the flood.
   */
  writeOf(direction: 'c2s' | 's2c', n: number, make: () => Uint8Array, rebuilt = false, source?: SourceLookup): void {
    if (!n) return;
    const now = clockNow();
    if (now - budget.start >= 1000) {
      budget.start = now;
      budget.chunks = 0;
      budget.raw = 0;
    }
    if (budget.chunks >= WIRE_CHUNKS_PER_SECOND) {
      this.#merge(direction, n, source);
      return;
    }
    budget.chunks++;
    // What came before this chunk goes before it.
    this.#flushMerged();
    const keep = Math.max(0, Math.min(n, BODY_LIMIT, WIRE_RAW_PER_SECOND - budget.raw));
    budget.raw += keep;
    const bytes = keep > 0 ? make() : EMPTY;
    const kept = keep < bytes.length ? bytes.subarray(0, keep) : bytes;
    this.#bytes(this.ctx.now(), direction, n, kept, { rebuilt, source });
  }

  /** One 'bytes' event: `n` bytes on the wire, the first `kept.length` of them kept. */
  #bytes(time: number, direction: 'c2s' | 's2c', n: number, kept: Uint8Array, { rebuilt, source }: { rebuilt?: boolean; source?: SourceLookup }): void {
    this.ctx.report({
      time,
      party: this.party,
      observer: 'server',
      conn: this.conn,
      transport: 'tcp',
      direction,
      kind: 'bytes',
      bytes: n,
      preview: kept.length ? previewOf(bytesPreview(kept)) : '',
      details: {
        raw: kept.length ? toBase64(kept) : '',
        port: this.port,
        ...(kept.length < n ? { rawDropped: n - kept.length } : {}),
        ...(rebuilt ? { rebuilt } : {}),
        ...(source ? { source } : {}),
      },
    });
  }

  #merged: Partial<Record<'c2s' | 's2c', Merged>> = {};
  #mergeTimer: ReturnType<typeof setTimeout> | undefined;

  #merge(direction: 'c2s' | 's2c', n: number, source: SourceLookup): void {
    const merged = this.#merged[direction];
    if (merged) merged.bytes += n;
    else this.#merged[direction] = { time: this.ctx.now(), bytes: n, source };
    this.#mergeTimer ??= setTimeout(() => this.#flushMerged(), MERGE_MS);
  }

  #flushMerged(): void {
    if (this.#mergeTimer === undefined) return;
    clearTimeout(this.#mergeTimer);
    this.#mergeTimer = undefined;
    for (const direction of ['c2s', 's2c'] as const) {
      const merged = this.#merged[direction];
      if (!merged) continue;
      delete this.#merged[direction];
      this.#bytes(merged.time, direction, merged.bytes, EMPTY, { source: merged.source });
    }
  }

  /** The connection ended (a zero-byte record, as a socket's end is seen: the decoders close what reads to the end). */
  end(direction: 'c2s' | 's2c', how: Extract<NoteKey, 'droppedWithoutHandshake' | 'closingHandshakeComplete'>): void {
    const { lang } = this.ctx;
    this.#flushMerged();
    this.ctx.report({
      time: this.ctx.now(),
      party: this.party,
      observer: 'server',
      conn: this.conn,
      transport: 'tcp',
      direction: 'none',
      kind: 'close',
      bytes: 0,
      preview: note(lang, how),
      details: { note: connectionEnded(lang, direction === 'c2s' ? 'client' : 'server', note(lang, how)) },
    });
  }
}
