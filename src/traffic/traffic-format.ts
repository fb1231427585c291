/**
 * Pure helpers of the traffic inspector: how a time, a size or a body reads, and which events a filter keeps.
 * Kept apart from the elements so the formatting is one thing to test and to reuse (the sequence diagram shows the
 * same sizes and times).
 */
import type { Direction, TrafficEvent, TrafficKind, Transport } from '../shared/traffic.js';

export type ObserverFilter = 'client' | 'server' | 'both';

export interface TrafficFilter {
  observer: ObserverFilter;
  /** '' keeps every transport. */
  transport: Transport | '';
  kind: TrafficKind | '';
  /** Case-insensitive; matched against the preview, connection, party, url, event names and notes. */
  text: string;
}

export function matches(event: TrafficEvent, filter: TrafficFilter): boolean {
  if (filter.observer !== 'both' && event.observer !== filter.observer) return false;
  // The wire's raw chunks have views of their own (the inspector's wire layers); among API events only when asked for.
  if (event.transport === 'tcp' && filter.transport !== 'tcp') return false;
  if (filter.transport && event.transport !== filter.transport) return false;
  if (filter.kind && event.kind !== filter.kind) return false;
  if (!filter.text) return true;
  const needle = filter.text.toLowerCase();
  const d = event.details;
  // Bodies are left out on purpose: scanning up to 64 KiB per event for each keystroke over 10,000 events would stall.
  const hay = [event.preview, event.conn, event.party, d.url, d.method, d.status, d.eventType, d.event, d.eioType, d.sioType, d.note, d.reason];
  return hay.some((v) => v !== undefined && String(v).toLowerCase().includes(needle));
}

/** Seconds since the run started, to the millisecond: "12.345". */
export function formatTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Time since the previous event: "+0.4 ms", "+12 ms", "+1.20 s". */
export function formatDelta(ms: number): string {
  if (ms < 9.95) return `+${ms.toFixed(1)} ms`;
  // Decide on the rounded value, so 999.6 ms reads "+1.00 s" like its neighbours rather than "+1000 ms".
  if (Math.round(ms) < 1000) return `+${Math.round(ms)} ms`;
  return `+${(ms / 1000).toFixed(2)} s`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function arrowOf(direction: Direction): string {
  return direction === 'c2s' ? '→' : direction === 's2c' ? '←' : '•';
}

/** The body pretty-printed when it is JSON (an object or array: a bare "3" is better shown raw), else undefined. */
export function prettyJson(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const trimmed = body.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return undefined;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return undefined;
  }
}

/** "01 02 … " hex (as the taps store binary bodies) laid out 16 bytes a line with offsets, like `xxd`. */
export function hexDump(hex: string): string {
  const truncated = hex.endsWith('…');
  const bytes = hex.replace('…', '').trim().split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = bytes.slice(i, i + 16);
    const ascii = row.map((b) => {
      const c = parseInt(b, 16);
      return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    });
    lines.push(`${i.toString(16).padStart(8, '0')}  ${row.join(' ').padEnd(47)}  ${ascii.join('')}`);
  }
  if (truncated) lines.push('…');
  return lines.join('\n');
}

/** What the counters line shows; bytes each way count headers (the taps' estimates). */
export class TrafficCounters {
  requests = 0;
  messages = 0;
  bytesUp = 0;
  bytesDown = 0;

  add(event: TrafficEvent): void {
    if (event.kind === 'request') this.requests++;
    if (event.kind === 'message' || event.kind === 'frame') this.messages++;
    if (event.direction === 'c2s') this.bytesUp += event.bytes;
    if (event.direction === 's2c') this.bytesDown += event.bytes;
  }
}

/** The export: the events themselves, so the file can be read back or compared across runs. */
export function exportText(events: readonly TrafficEvent[]): string {
  return JSON.stringify({ format: 'pushlab-traffic', version: 1, events }, null, 2);
}
