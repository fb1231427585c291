/**
 * A traffic event as it crosses from a run frame to the page: a tuple, not an object. The frame and the page are on
 * different origins (server/frame-origin.ts), so every event is structured-cloned once to get there.
 * @note Measured (`npm run bench:page-costs`: the four kinds of event a socket.io message makes): 5.5 µs an event as an
 * object through `structuredClone`, 3.9 µs as this tuple with the body left out where it repeats the preview (4.9 and
 * 3.3 µs through a MessagePort). Tried apart and no cheaper: one flat array for a whole batch (against tuples), and
 * JSON text (against objects). The events' way to the page was about a fifth of bench:mocks' floods even after this.
 */
import type { TrafficInput } from './traffic.js';

/** `body` of a packed event: absent, the same text as the preview (most frames of a few hundred bytes), or its own. */
type PackedBody = null | 1 | string;

export type PackedTraffic = [
  time: number,
  party: string,
  observer: TrafficInput['observer'],
  conn: string,
  transport: TrafficInput['transport'],
  direction: TrafficInput['direction'],
  kind: TrafficInput['kind'],
  bytes: number,
  preview: string,
  body: PackedBody,
  details: TrafficInput['details'],
];

const SAME_AS_PREVIEW = 1;

export function packTraffic(e: TrafficInput): PackedTraffic {
  const body = e.body === undefined ? null : e.body === e.preview ? SAME_AS_PREVIEW : e.body;
  return [e.time, e.party, e.observer, e.conn, e.transport, e.direction, e.kind, e.bytes, e.preview, body, e.details];
}

/** The event again, with the page's own objects; undefined for anything that is not a packed event. */
export function unpackTraffic(p: unknown): TrafficInput | undefined {
  if (!Array.isArray(p) || p.length !== 11) return undefined;
  const [time, party, observer, conn, transport, direction, kind, bytes, preview, body, details] = p as PackedTraffic;
  const event: TrafficInput = { time, party, observer, conn, transport, direction, kind, bytes, preview, details };
  if (body === SAME_AS_PREVIEW) event.body = preview;
  else if (typeof body === 'string') event.body = body;
  return event;
}
