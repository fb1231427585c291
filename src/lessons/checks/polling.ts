/**
 * Readers for the polling lessons: the client's HTTP exchanges rebuilt from the fetch tap's events (request,
 * response, body 'message' chunks, close/error, all sharing one `conn`), and the news items their bodies carried.
 * Only client-observed traffic is used, so the checks read the same in browser and real mode.
 */
import type { Observation } from '../../shared/lesson.js';
import { clientEvents } from './observe.js';

export interface Exchange {
  conn: string;
  url: URL;
  /** ms since the run started */
  requestTime: number;
  responseTime?: number;
  status?: number;
  /** The body as far as the page has read it. */
  body: string;
  /** A network error or an abort instead of (or after) a response. */
  failedTime?: number;
}

/** Every fetch/XHR exchange whose path is `pathname`, in request order. */
export function exchanges(o: Observation, pathname: string): Exchange[] {
  const byConn = new Map<string, Exchange>();
  const out: Exchange[] = [];
  for (const e of clientEvents(o, 'http')) {
    if (e.kind === 'request') {
      let url: URL;
      try {
        url = new URL(e.details.url ?? '', 'http://localhost');
      } catch {
        continue;
      }
      if (url.pathname !== pathname) continue;
      const x: Exchange = { conn: e.conn, url, requestTime: e.time, body: '' };
      byConn.set(e.conn, x);
      out.push(x);
      continue;
    }
    const x = byConn.get(e.conn);
    if (!x) continue;
    if (e.kind === 'response') {
      x.responseTime = e.time;
      x.status = e.details.status;
    } else if (e.kind === 'message' && e.direction === 's2c' && !e.details.binary) {
      x.body += e.body ?? '';
    } else if (e.kind === 'error' || (e.kind === 'close' && x.responseTime === undefined)) {
      x.failedTime ??= e.time;
    }
  }
  return out;
}

/** The ids of a JSON array of `{ id }` items; undefined when the body is not one (yet). */
export function itemIds(body: string): number[] | undefined {
  if (!body.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(body);
    if (!Array.isArray(value)) return undefined;
    return value
      .map((item: unknown) => (typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined))
      .filter((id): id is number => typeof id === 'number');
  } catch {
    return undefined;
  }
}

/** A cursor parameter's name, as learners are likely to call it: left out when grouping requests by poller. */
const CURSOR_PARAMS = new Set(['since', 'after', 'cursor', 'last', 'lastid', 'last_id']);

/** Which poller made a request: its URL without the cursor (`/news?poller=1s&since=4` → `/news?poller=1s`). */
export function pollerOf(url: URL): string {
  const params = [...url.searchParams].filter(([k]) => !CURSOR_PARAMS.has(k.toLowerCase()));
  return url.pathname + (params.length ? '?' + new URLSearchParams(params).toString() : '');
}

/** "1, 2, 4–6" */
export function idRanges(ids: number[]): string {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `#${sorted[i]}` : `#${sorted[i]}–#${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ') || '—';
}
