/**
 * Readers for the push lesson: the four ways (short polling, long polling, SSE, WebSocket) counted exactly as the
 * Compare tab counts them (src/traffic/transport-stats.ts: which way an event belongs to, requests, news items by
 * their `id` and `t`), from the client taps only, so a check and the table a learner looks at never disagree.
 */
import type { Observation, PollKind } from '../../shared/lesson.js';
import { TransportStats, WAYS, type Way } from '../../traffic/transport-stats.js';
import { exchanges, itemIds } from './polling.js';
import { clientEvents } from './observe.js';

export { WAYS, type Way };

export interface WayFigures {
  requests: number;
  /** Run times (ms) of the requests, in order. */
  requestTimes: number[];
  /** News items shown, first arrival of each id. */
  items: number;
  /** Items as they arrived: id, run time, and publish time (ms since 1970). */
  arrivals: Array<{ id: number; time: number; t: number }>;
}

/**
 * The push lesson's URL convention: its client long-polls `/news/long` and short-polls `/news/short`, so a URL that
 * mentions "long" is a long poll. The lesson hands this to the Compare tab (LessonContent.pollKind).
 */
export const pushPollKind: PollKind = (url) => (url && /long/i.test(url) ? 'long' : 'short');

export function wayFigures(o: Observation): Record<Way, WayFigures> {
  const stats = new TransportStats(pushPollKind);
  for (const e of clientEvents(o)) stats.add(e);
  const out = {} as Record<Way, WayFigures>;
  for (const way of WAYS) {
    const s = stats.ways[way];
    out[way] = { requests: s.requests, requestTimes: [...s.requestTimes], items: s.arrivals.length, arrivals: [...s.arrivals] };
  }
  return out;
}

/** Answers to polls at `pathname` whose body was a JSON array, and how many of those were empty (`[]`). */
export function pollReplies(o: Observation, pathname: string): { replies: number; empty: number } {
  let replies = 0;
  let empty = 0;
  for (const x of exchanges(o, pathname)) {
    const ids = itemIds(x.body);
    if (ids === undefined) continue;
    replies++;
    if (ids.length === 0) empty++;
  }
  return { replies, empty };
}

/** The middle gap between consecutive times (ms); undefined with fewer than two. */
export function medianGap(times: readonly number[]): number | undefined {
  if (times.length < 2) return undefined;
  const sorted = [...times].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((time, i) => time - sorted[i]!).sort((a, b) => a - b);
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
}
