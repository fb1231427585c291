/**
 * The server's side of a run's wire, as the parity suite compares it between the two runtimes: every 'bytes' event
 * the server observed, decoded with the views' own decoder (src/shared/wire/connection.ts), cut into exchanges (one
 * HTTP request and what answered it; after a 101, the frames that followed), and written as lines without what
 * legitimately differs between two runs: dates, keys, masks, ids, ports, times, and how many times a poller asked.
 *
 * Exchanges are keyed by their request line, not by TCP connection: which requests share a keep-alive connection is
 * the browser's and the proxy's choice (real mode has the backend's proxy in between), not the runtime's.
 */
import type { TrafficEvent } from '../../src/shared/traffic.js';
import { fromBase64, utf8Text } from '../../src/shared/wire/bytes.js';
import { WireConnectionDecoder, type WireRecord } from '../../src/shared/wire/connection.js';
import type { HttpHead } from '../../src/shared/wire/http-message.js';
import { OPCODES } from '../../src/shared/wire/websocket-frames.js';

/** What the client's code decides in a request head. The browser adds the rest itself, and browser mode cannot see it. */
const REQUEST_HEADERS = new Set(['accept', 'content-type', 'last-event-id', 'upgrade', 'sec-websocket-version', 'sec-websocket-protocol']);
/** Response headers whose values change from run to run (the names must still match). */
const VOLATILE_VALUES = new Set(['date', 'sec-websocket-accept', 'set-cookie', 'etag', 'last-modified']);

/** Takes out of a line what two runs of the same code may differ in. */
export function normalise(text: string): string {
  return text
    .replace(/https?:\/\/[^/\s"]+/g, '<origin>')
    .replace(/wss?:\/\/[^/\s"]+/g, '<ws-origin>')
    .replace(/"sid":"[^"]+"/g, '"sid":"<sid>"')
    .replace(/([?&])(sid|t)=[^&\s"]+/g, '$1$2=<id>')
    .replace(/\b[A-Za-z0-9_-]{20}\b/g, '<id>')
    .replace(/\b1\d{12}\b/g, '<time>')
    .replace(/\b\d{1,2}:\d{2}:\d{2}\b/g, '<clock>');
}

export interface Exchange {
  /** The request line, its query's values normalised: `GET /socket.io/?EIO=4&transport=polling&t=<id>`. */
  key: string;
  c2s: string[];
  s2c: string[];
}

function headLine(head: HttpHead): string {
  if (head.kind === 'request') {
    const headers = head.headers.filter(([n]) => REQUEST_HEADERS.has(n.toLowerCase())).map(([n, v]) => `${n.toLowerCase()}: ${normalise(v)}`);
    return `head ${head.method} ${normaliseTarget(head.target ?? '')} ${head.version} [${headers.sort().join('; ')}]`;
  }
  const headers = head.headers.map(([n, v]) => (VOLATILE_VALUES.has(n.toLowerCase()) ? n : `${n}: ${normalise(v)}`));
  return `head ${head.version} ${head.status} ${head.reason ?? ''} [${headers.join('; ')}]`;
}

/** A cursor's value in the query (since=12, t=…) depends on timing; the parameters asked for do not. */
function normaliseTarget(target: string): string {
  return normalise(target.replace(/^https?:\/\/[^/]+/, '')).replace(/=\d+\b/g, '=<n>');
}

function recordLine(r: WireRecord): string | undefined {
  if ('http' in r) {
    const h = r.http;
    if (h.type === 'head') return headLine(h);
    // A message cut short by the run's Stop is timing (how far it had got); any other fault is the runtime's.
    if (h.type === 'error') return /closed before the message was complete/.test(h.message.en) ? undefined : `http error ${h.message.en}`;
    return undefined; // chunk sizes, body pieces and ends: how writes are cut is compared through what they carry
  }
  if ('frame' in r) {
    const f = r.frame;
    if (f.type === 'error') return `frame error ${f.message.en}`;
    // Pings and pongs come when a timer says, not when the code says.
    if (f.opcode === 0x9 || f.opcode === 0xa) return undefined;
    if (f.opcode === 0x8) return `close ${f.closeCode ?? ''} ${f.closeReason ?? ''}`.trimEnd();
    // Data frames: who masks is the protocol's rule (the client always, the server never); the message follows.
    return `frame ${OPCODES[f.opcode] ?? f.opcode}${f.fin ? ' fin' : ''}${f.masked ? ' masked' : ''}`;
  }
  if ('eio' in r) {
    if (r.eio.type === 'error') return `eio error ${r.eio.message.en}`;
    const p = r.eio.packet;
    // The Engine.IO layer's own pings, pongs and noops are timing; a 'message' is shown by its Socket.IO packet.
    if (p.type === 'ping' || p.type === 'pong' || p.type === 'noop' || p.type === 'message') return undefined;
    return `eio ${p.type} ${typeof p.data === 'string' ? normalise(p.data) : p.data ? '<binary>' : ''}`.trimEnd();
  }
  if ('sio' in r) {
    if (r.sio.type === 'error') return `sio error ${r.sio.message.en}`;
    const p = r.sio.packet;
    return `sio ${p.type} ${p.nsp} ${normalise(JSON.stringify(p.data ?? null))}${p.id !== undefined ? ' ack' : ''}`;
  }
  if ('sse' in r) {
    const s = r.sse;
    if (s.type === 'comment') return undefined; // heartbeats: timing
    return `sse ${normalise(JSON.stringify(s))}`;
  }
  if ('message' in r) return `message ${r.message.binary ? `<${r.message.data.length} bytes>` : normalise(utf8Text(r.message.data))}`;
  return undefined;
}

/**
 * A JSON body of items is its items, each once (a poll's batch holds what had been published when it asked: timing);
 * an empty list or object is an empty reply (a cost, compared elsewhere); anything else is the body as it is.
 */
function bodyLines(body: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`body ${normalise(body)}`];
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0 || (items.length === 1 && typeof items[0] === 'object' && items[0] && Object.keys(items[0]).length === 0)) return [];
  return items.map((item) => `body ${normalise(JSON.stringify(item))}`);
}

/** One request and what answered it, each line with its place in the run. */
interface Asked {
  key: string;
  /** What the request's body said: requests that say the same are the same question asked again (a poll). */
  question?: string;
  c2s: [number, string][];
  s2c: [number, string][];
}

/**
 * The run's exchanges by key. Lines of one key are merged across its exchanges and each kept once, in order of first
 * appearance: how many times a client polled in a few seconds is timing, what the polls carried is not. Exchanges
 * whose requests carry different bodies are different questions: each one's lines stay together, in the order the
 * questions were asked, because two answers streaming at once interleave as timing has it (fetch-stream's client
 * asks its next question when a parse error ends the last one's loop, while the server still writes that answer).
 */
export function wireExchanges(events: TrafficEvent[]): Map<string, Exchange> {
  const decoders = new Map<string, WireConnectionDecoder>();
  /** The exchange each connection's records belong to now. */
  const current = new Map<string, Asked>();
  const asked: Asked[] = [];
  let tick = 0;
  /** Body text of the HTTP message being read, per connection and direction (for what is neither SSE nor polling). */
  const bodies = new Map<string, string>();
  const add = (conn: string, direction: 'c2s' | 's2c', line: string | undefined) => {
    const x = current.get(conn);
    if (x && line !== undefined) x[direction].push([tick++, line]);
  };
  for (const e of events) {
    if (e.transport !== 'tcp' || e.observer !== 'server') continue;
    let decoder = decoders.get(e.conn);
    if (!decoder) decoders.set(e.conn, (decoder = new WireConnectionDecoder()));
    let records: WireRecord[];
    if (e.kind === 'close') records = decoder.close(e.seq, e.time);
    else if (e.kind === 'bytes' && (e.direction === 'c2s' || e.direction === 's2c')) {
      const bytes = fromBase64(e.details.raw ?? '');
      records = bytes ? decoder.feed(e.direction, bytes, e.seq, e.time) : [];
    } else continue;
    for (const r of records) {
      const bodyKey = `${e.conn} ${r.direction}`;
      if ('http' in r && r.http.type === 'head' && r.http.kind === 'request') {
        const x: Asked = { key: `${r.http.method} ${normaliseTarget(r.http.target ?? '')}`, c2s: [], s2c: [] };
        asked.push(x);
        current.set(e.conn, x);
        bodies.delete(bodyKey);
      }
      if ('http' in r && r.http.type === 'body') bodies.set(bodyKey, (bodies.get(bodyKey) ?? '') + utf8Text(r.http.data));
      if ('exchange' in r) {
        // A whole message that was neither an event stream nor a polling payload: what its body said.
        const body = bodies.get(bodyKey);
        bodies.delete(bodyKey);
        const x = current.get(e.conn);
        const polling = /[?&]EIO=/.test(x?.key ?? '');
        const lines = body && !polling ? bodyLines(body) : [];
        if (x && r.direction === 'c2s' && x.question === undefined) x.question = lines.join('\n');
        for (const line of lines) add(e.conn, r.direction, line);
        continue;
      }
      add(e.conn, r.direction, recordLine(r));
    }
  }
  return merged(asked);
}

/** Each key's exchanges as one: question by question in the order first asked, and within one, lines in run order. */
function merged(asked: Asked[]): Map<string, Exchange> {
  const questions = new Map<string, Map<string, Asked[]>>();
  for (const x of asked) {
    let byQuestion = questions.get(x.key);
    if (!byQuestion) questions.set(x.key, (byQuestion = new Map()));
    const q = x.question ?? '';
    const same = byQuestion.get(q);
    if (same) same.push(x);
    else byQuestion.set(q, [x]);
  }
  const byKey = new Map<string, Exchange>();
  for (const [key, byQuestion] of questions) {
    const out: Exchange = { key, c2s: [], s2c: [] };
    for (const same of byQuestion.values()) {
      for (const direction of ['c2s', 's2c'] as const) {
        const lines = same.flatMap((x) => x[direction]).sort((a, b) => a[0] - b[0]);
        for (const [, line] of lines) if (!out[direction].includes(line)) out[direction].push(line);
      }
    }
    byKey.set(key, out);
  }
  return byKey;
}
