/**
 * One side's console lines, bounded: a flood keeps the newest lines and counts the rest, so memory and rendering
 * cost stay flat however much the learner logs.
 */
import type { ConsoleLevel, Side } from '../shared/protocol.js';

export interface ConsoleLine {
  id: number;
  side: Side;
  level: ConsoleLevel;
  /** ms since the run started */
  time: number;
  text: string;
  /** Which client window, when a run has several. */
  party?: string;
  /** Learner location for error lines: clicking it shows the line in the editor. */
  file?: string;
  line?: number;
  column?: number;
}

export const CONSOLE_CAPACITY = 1_000;

let nextId = 1;

export class ConsoleStore {
  lines: ConsoleLine[] = [];
  /** Lines dropped by the frame (too fast) or pushed out of this store (too many). */
  dropped = 0;

  constructor(readonly side: Side) {}

  add(line: Omit<ConsoleLine, 'id' | 'side'>): void {
    const entry = { ...line, id: nextId++, side: this.side };
    // Several client frames send their lines in separate batches: keep the console in time order. Lines nearly
    // always arrive in order, so the search from the end stops at once.
    let at = this.lines.length;
    if (Number.isFinite(entry.time)) while (at > 0 && this.lines[at - 1]!.time > entry.time) at--;
    this.lines.splice(at, 0, entry);
    const excess = this.lines.length - CONSOLE_CAPACITY;
    if (excess > 0) {
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }

  clear(): void {
    this.lines = [];
    this.dropped = 0;
  }
}
