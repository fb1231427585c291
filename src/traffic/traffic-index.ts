import type { TrafficBuffer, TrafficEvent } from '../shared/traffic.js';
import { matches, TrafficCounters, type TrafficFilter } from './traffic-format.js';
import { WireCounters } from './wire-counters.js';

/**
 * Which events of the buffer a view shows, as their sequence numbers: no event is copied, the buffer stays the one
 * store. Kept up to date incrementally (only events newer than the last sync are examined), so a view that syncs once
 * a frame costs nothing while events arrive at 1,000 a second. The buffer's sequence numbers are contiguous, so an
 * event is found again by `seq - oldest.seq`.
 */
export class TrafficIndex {
  private seqs: number[] = [];
  /** seqs[0..start) dropped out of the buffer; trimmed lazily. */
  private start = 0;
  /** Highest sequence number examined. */
  private lastSeq = 0;
  counters = new TrafficCounters();
  /** The wire's own figures, whatever the filter: every byte each way and every request, opening ones included. */
  wire = new WireCounters();

  constructor(public filter: TrafficFilter) {}

  /** Forget everything and examine the buffer again from `afterSeq` (0: from its oldest event). */
  reset(afterSeq = 0): void {
    this.seqs = [];
    this.start = 0;
    this.lastSeq = afterSeq;
    this.counters = new TrafficCounters();
    this.wire = new WireCounters();
  }

  /** Take in the buffer's new events up to `untilSeq` (a paused view stops there); true when something changed. */
  sync(buffer: TrafficBuffer, untilSeq = Infinity): boolean {
    const size = buffer.size;
    const before = this.length;
    if (size === 0) {
      this.start = this.seqs.length;
      return before !== 0;
    }
    const first = buffer.at(0)!.seq;
    while (this.start < this.seqs.length && this.seqs[this.start]! < first) this.start++;
    if (this.start > 1024 && this.start * 2 > this.seqs.length) {
      this.seqs = this.seqs.slice(this.start);
      this.start = 0;
    }
    let changed = this.length !== before;
    for (let i = Math.max(0, this.lastSeq + 1 - first); i < size; i++) {
      const event = buffer.at(i)!;
      if (event.seq > untilSeq) break;
      this.lastSeq = event.seq;
      if (event.transport === 'tcp') this.wire.add(event);
      if (matches(event, this.filter)) {
        this.seqs.push(event.seq);
        this.counters.add(event);
        changed = true;
      }
    }
    return changed;
  }

  get length(): number {
    return this.seqs.length - this.start;
  }

  get newestSeenSeq(): number {
    return this.lastSeq;
  }

  seqAt(i: number): number | undefined {
    return i < 0 || i >= this.length ? undefined : this.seqs[this.start + i];
  }

  eventAt(buffer: TrafficBuffer, i: number): TrafficEvent | undefined {
    const seq = this.seqAt(i);
    return seq === undefined ? undefined : eventBySeq(buffer, seq);
  }

  /** Position of `seq` in the view, or -1 (binary search: seqs are increasing). */
  indexOf(seq: number): number {
    let lo = this.start;
    let hi = this.seqs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.seqs[mid]!;
      if (v === seq) return mid - this.start;
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The shown events in order, for an export. */
  events(buffer: TrafficBuffer): TrafficEvent[] {
    const out: TrafficEvent[] = [];
    for (let i = 0; i < this.length; i++) {
      const e = this.eventAt(buffer, i);
      if (e) out.push(e);
    }
    return out;
  }
}

export function eventBySeq(buffer: TrafficBuffer, seq: number): TrafficEvent | undefined {
  const first = buffer.at(0);
  if (!first) return undefined;
  const e = buffer.at(seq - first.seq);
  return e && e.seq === seq ? e : undefined;
}
