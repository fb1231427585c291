/**
 * Readers for the fetch-stream lesson: each streamed answer rebuilt from the fetch tap's events (the request, the
 * response head, one 'message' per chunk the page read, a 'close' when the page aborted or cancelled), and the events
 * in it parsed as the WHATWG event-stream format says, with the chunk each one began and ended in. Only client-observed
 * traffic, so a check reads the same in browser and real mode.
 */
import type { Observation } from '../../shared/lesson.js';
import { clientEvents } from './observe.js';

export interface StreamEvent {
  /** `event:` (default 'message') */
  type: string;
  /** `data:` lines joined with a line feed; undefined when the event had none. */
  data: string | undefined;
  /** Index of the chunk the event's first byte came in, and of the chunk its closing blank line came in. */
  firstChunk: number;
  lastChunk: number;
  /** When the chunk that completed it arrived (ms since the run started). */
  time: number;
}

export interface Stream {
  conn: string;
  requestTime: number;
  /** The request's body as sent (the question, as JSON). */
  requestBody: string;
  status?: number;
  contentType?: string;
  chunks: { time: number; text: string }[];
  events: StreamEvent[];
  /** The page aborted the fetch or cancelled its body: the tap's 'close'. */
  stoppedTime?: number;
}

/** Every fetch whose answer was an event stream (or is not known yet), in request order. */
export function streams(o: Observation): Stream[] {
  const byConn = new Map<string, Stream>();
  const out: Stream[] = [];
  for (const e of clientEvents(o, 'http')) {
    if (e.kind === 'request') {
      const s: Stream = { conn: e.conn, requestTime: e.time, requestBody: e.body ?? '', chunks: [], events: [] };
      byConn.set(e.conn, s);
      out.push(s);
      continue;
    }
    const s = byConn.get(e.conn);
    if (!s) continue;
    if (e.kind === 'response') {
      s.status = e.details.status;
      const headers = e.details.headers ?? {};
      s.contentType = headers['content-type'] ?? headers['Content-Type'];
    } else if (e.kind === 'message' && e.direction === 's2c' && !e.details.binary) {
      s.chunks.push({ time: e.time, text: e.body ?? '' });
    } else if (e.kind === 'close' && e.direction === 'c2s' && s.status !== undefined) {
      s.stoppedTime ??= e.time;
    }
  }
  for (const s of out) s.events = parseChunks(s.chunks);
  return out.filter((s) => s.status === undefined || /event-stream/i.test(s.contentType ?? ''));
}

/** The events of a body delivered in these chunks: lines end at LF, CR or CRLF; a blank line dispatches. */
export function parseChunks(chunks: readonly { time: number; text: string }[]): StreamEvent[] {
  const events: StreamEvent[] = [];
  let type = 'message';
  let data: string[] | undefined;
  let firstChunk = -1;
  let line = '';
  let pendingCR = false;
  const endLine = (chunk: number, time: number) => {
    if (line === '') {
      if (firstChunk >= 0) events.push({ type, data: data?.join('\n'), firstChunk, lastChunk: chunk, time });
      type = 'message';
      data = undefined;
      firstChunk = -1;
      return;
    }
    const colon = line.indexOf(':');
    if (colon !== 0) {
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') (data ??= []).push(value);
    }
    line = '';
  };
  chunks.forEach((chunk, index) => {
    for (const ch of chunk.text) {
      if (pendingCR) {
        pendingCR = false;
        if (ch === '\n') continue;
      }
      if (ch === '\r' || ch === '\n') {
        endLine(index, chunk.time);
        pendingCR = ch === '\r';
        continue;
      }
      if (firstChunk < 0) firstChunk = index;
      line += ch;
    }
  });
  return events;
}

/** The JSON in an event's data, or undefined when it is not JSON. */
export function jsonData(event: StreamEvent): unknown {
  if (event.data === undefined) return undefined;
  try {
    return JSON.parse(event.data) as unknown;
  } catch {
    return undefined;
  }
}

/** What a text delta event carries (`{"delta": "…"}`), or undefined. */
export function deltaOf(event: StreamEvent): string | undefined {
  const value = jsonData(event) as { delta?: unknown } | undefined;
  return event.type === 'message' && typeof value?.delta === 'string' ? value.delta : undefined;
}

/** An error event's message (`event: error`, or a data object with an `error`), or undefined. */
export function errorMessageOf(event: StreamEvent): string | undefined {
  const value = jsonData(event) as { error?: { message?: unknown } | string; message?: unknown } | undefined;
  if (event.type !== 'error' && !(value && typeof value === 'object' && 'error' in value)) return undefined;
  const error = value?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error.message === 'string') return error.message;
  if (typeof value?.message === 'string') return value.message;
  return event.data;
}

export function isDone(event: StreamEvent): boolean {
  return event.data === '[DONE]';
}
