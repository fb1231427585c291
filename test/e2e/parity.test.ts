/**
 * Parity: each lesson's shipped code, run in the browser runtime and in real Node, must look the same to its client.
 * It also holds the server's side of the wire to the same test (test/support/wire-exchanges.ts), and runs the three
 * runs in one page, in the order a learner goes: browser mode, real Node, browser mode again.
 * The client taps are the same in both modes, so what the client observed is compared event by event, per
 * connection: the same messages in the same order, the same close codes, the same SSE ids and reconnections, the
 * same socket.io packets. Times, random ids, hosts and ports are normalised away. Differences that cannot be removed
 * are listed in docs/differences.md; a lesson may name the ones it shows in `parityNotes` with the reason.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { BackendProcess } from '../../server/testing/backend-process.js';
import { COURSE } from '../../src/lessons/index.js';
import { BODY_LIMIT, type TrafficEvent } from '../../src/shared/traffic.js';
import { newPage, run, setCode } from './browser.js';
import { useRealBackend } from './real-backend.js';
import { normalise, wireExchanges, type Exchange } from '../support/wire-exchanges.js';

/** How long each lesson's code runs in each mode: long enough for a few timer ticks of the shipped demos. */
const WATCH_MS = 4_500;
/** Events compared per connection: the start of each conversation, where timing cannot reorder them. */
const PER_CONNECTION = 8;

let browser: Browser;
let backend: BackendProcess;

useRealBackend((b, k) => ((browser = b), (backend = k)));

type Mode = 'browser' | 'real';
interface Observed {
  events: TrafficEvent[];
  server: string[];
}

/**
 * Runs the code in the page in one mode, as a learner does (the mode's switch, Run, watch, Stop), and returns every
 * event of the run's traffic buffer (the client's taps and the server's wire) and what the server printed.
 */
async function runIn(page: Page, mode: Mode, watchMs = WATCH_MS): Promise<Observed> {
  await page.getByRole('radio', { name: mode === 'real' ? 'Real Node' : 'In the browser' }).check();
  await run(page);
  await page.waitForTimeout(watchMs);
  const json = await page
    .locator('traffic-inspector')
    .evaluate((el) => JSON.stringify((el as unknown as { buffer: { slice(): unknown[] } }).buffer.slice()));
  const server = await page.locator('console-panel[side="server"] .line .text').allTextContents();
  await page.getByRole('button', { name: 'Stop' }).click();
  return { events: JSON.parse(json) as TrafficEvent[], server };
}

/** One line per event, without what legitimately differs between two runs (times, ids, hosts, ports). */
export function signature(e: TrafficEvent): string {
  const clean = normalise;
  const d = e.details;
  const parts: string[] = [e.transport, e.direction, e.kind];
  if (d.method) parts.push(d.method);
  if (d.status !== undefined) parts.push(String(d.status));
  if (d.code !== undefined) parts.push(`code=${d.code}`);
  if (d.eventId !== undefined) parts.push(`id=${d.eventId}`);
  if (d.eventType !== undefined) parts.push(`event=${d.eventType}`);
  if (e.kind === 'message' || e.kind === 'frame' || e.kind === 'request' || e.kind === 'open') parts.push(clean(e.preview));
  return parts.join(' ');
}

/**
 * What one connection looked like: what it is (its first event, e.g. the request line or the EventSource URL), and,
 * separately, what the client sent and what it received, in order. Directions are kept apart because a send and a
 * receive that cross on the wire may be observed in either order, in either runtime.
 */
interface Conversation {
  key: string;
  sent: string[];
  received: string[];
  /**
   * An event stream read with fetch, as text. Where its chunks begin and end is the network's doing, not the
   * runtime's (TCP gives a reader what has arrived; a reader that falls behind gets pieces joined), so the text is
   * compared, not the chunks.
   */
  stream: string;
  /**
   * The tap keeps BODY_LIMIT of a chunk: past a chunk that was cut, the text is not the stream's any more. A reader
   * that reads slowly gets big chunks in real Node (what piled up in the browser meanwhile, measured over 200 KB).
   */
  cut?: boolean;
}

const STREAM_TYPE = /event-stream|ndjson/i;

function conversations(events: TrafficEvent[]): Conversation[] {
  const byConn = new Map<string, Conversation>();
  const streamed = new Set<string>();
  for (const e of events) {
    if (e.observer !== 'client') continue;
    // Each client window numbers its own connections from 1: a connection is its window's.
    const id = `${e.party} ${e.conn}`;
    let c = byConn.get(id);
    // Which window and which endpoint; a cursor's value in the query (since=12) depends on timing, not on the runtime.
    if (!c) byConn.set(id, (c = { key: `${e.party}: ${signature(e).replace(/=\d+\b/g, '=<n>')}`, sent: [], received: [], stream: '' }));
    if (e.transport === 'http' && e.kind === 'response' && STREAM_TYPE.test(e.details.headers?.['content-type'] ?? '')) streamed.add(id);
    if (streamed.has(id) && e.kind === 'message' && e.direction === 's2c') {
      if (!c.cut) c.stream += e.body ?? '';
      if ((e.body ?? '').length >= BODY_LIMIT) c.cut = true;
      continue;
    }
    if (e.direction === 'c2s') c.sent.push(signature(e));
    else c.received.push(signature(e));
  }
  return [...byConn.values()];
}

/**
 * Gathers the connections of each kind (window and endpoint). How many times a poller asked in a few seconds, or
 * the order in which several connections opened at once, depends on timing, not on the runtime.
 */
function byKind(list: Conversation[]): Map<string, Conversation> {
  const merged = new Map<string, Conversation>();
  for (const c of list) {
    const m = merged.get(c.key) ?? { key: c.key, sent: [], received: [], stream: '' };
    m.sent.push(...c.sent);
    m.received.push(...c.received);
    m.stream += c.stream;
    merged.set(c.key, m);
  }
  for (const m of merged.values()) {
    m.sent = content(m.sent);
    m.received = content(m.received);
  }
  return merged;
}

/**
 * What was carried, rather than how often it was asked for: items with an id count once, in order of first arrival
 * (a poll without a cursor gets the same item again, and when a poll finds news depends on timing); each response
 * status once; empty replies are left out (they are a cost, shown elsewhere); everything else stays, in order.
 */
function content(signatures: string[]): string[] {
  const out: string[] = [];
  for (const sig of signatures) {
    const ids = [...sig.matchAll(/"id":(\d+)/g)].map((m) => `item ${m[1]}`);
    if (ids.length > 0) {
      for (const id of ids) if (!out.includes(id)) out.push(id);
    } else if (/ response /.test(sig)) {
      if (!out.includes(sig)) out.push(sig); // each status once: how many polls got it is timing
    } else if (!/ (message|frame) (\[\]|\{\}|)$/.test(sig) && !/ request /.test(sig)) {
      out.push(sig); // the request line is the connection's kind already
    }
  }
  return out;
}

// A lesson without files (the closing page) has nothing to run.
const lessons = (await Promise.all(COURSE.filter((l) => l.load).map(async (l) => ({ id: l.id, content: (await l.load!()).default })))).filter(
  (l) => l.content.files.length > 0,
);

/** Holds two runs' client conversations to each other: the same kinds, the same start of each, the same stream text. */
function expectSameConversations(a: Observed, b: Observed, what: string): void {
  const consoles = `\nserver console, ${what}:\n  ${a.server.join('\n  ')}\nserver console, real Node:\n  ${b.server.join('\n  ')}`;
  const inA = conversations(a.events);
  expect(inA.length, `the client made no connection (${what})${consoles}`).toBeGreaterThan(0);
  const aKinds = byKind(inA);
  const bKinds = byKind(conversations(b.events));
  // The same kinds of connection: the same endpoints, requested the same way.
  expect([...aKinds.keys()].sort(), `kinds of connection (${what})${consoles}`).toEqual([...bKinds.keys()].sort());
  for (const [key, x] of aKinds) {
    const y = bKinds.get(key)!;
    for (const side of ['sent', 'received'] as const) {
      const k = Math.min(PER_CONNECTION, x[side].length, y[side].length);
      expect(x[side].slice(0, k), `${key}: ${side} (${what})${consoles}`).toEqual(y[side].slice(0, k));
    }
    // How far each client read a stream depends on timing (it may stop at a parse error); what both read agrees.
    const common = Math.min(x.stream.length, y.stream.length);
    expect(x.stream.slice(0, common), `${key}: the stream's text (${what})${consoles}`).toBe(y.stream.slice(0, common));
  }
}

/** Lines of each exchange compared, each way: the start of a conversation, where timing cannot reorder it. */
const PER_EXCHANGE = 12;

/**
 * Holds the server's side of two runs' wire to each other: the same exchanges (request lines), and in each the same
 * request head (what the client's code decides), the same response head as Node writes it (every header, values
 * that change per run excepted), and the same events, frames and packets, normalised (see test/support/wire-exchanges.ts).
 */
function expectSameWire(a: Observed, b: Observed, what: string): void {
  const aWire = wireExchanges(a.events);
  const bWire = wireExchanges(b.events);
  const list = (m: Map<string, Exchange>) => [...m.values()].map((x) => `${x.key}\n    → ${x.c2s.join('\n    → ')}\n    ← ${x.s2c.join('\n    ← ')}`).join('\n  ');
  const both = `\nwire, ${what}:\n  ${list(aWire)}\nwire, real Node:\n  ${list(bWire)}`;
  expect(aWire.size, `the server saw no bytes (${what})${both}`).toBeGreaterThan(0);
  expect([...aWire.keys()].sort(), `exchanges on the wire (${what})${both}`).toEqual([...bWire.keys()].sort());
  for (const [key, x] of aWire) {
    const y = bWire.get(key)!;
    for (const side of ['c2s', 's2c'] as const) {
      const k = Math.min(PER_EXCHANGE, x[side].length, y[side].length);
      expect(x[side].slice(0, k), `${key}: ${side === 'c2s' ? 'what the server read' : 'what the server wrote'} (${what})${both}`).toEqual(y[side].slice(0, k));
    }
  }
}

describe.each(lessons)('lesson $id', ({ id, content }) => {
  it('runs the same in the browser runtime and in real Node, in the order a learner goes: browser, real, browser again', async () => {
    // A lesson that shows a race on purpose names the files to compare instead, and why (LessonContent.parity).
    const files = (content.parity?.files ?? {}) as Record<string, string>;
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${backend.url}#/lesson/${id}`);
      await page.locator('code-panel .cm-content').first().waitFor();
      for (const [file, code] of Object.entries(files)) await setCode(page, file, code);
      const first = await runIn(page, 'browser', content.parityWatchMs);
      const real = await runIn(page, 'real', content.parityWatchMs);
      const again = await runIn(page, 'browser', content.parityWatchMs);
      // What the client observed, then what crossed the wire as the server read and wrote it.
      expectSameConversations(first, real, 'browser runtime');
      expectSameWire(first, real, 'browser runtime');
      // Back in the browser after real Node: nothing real mode left behind (a service worker, a frame) changes a run.
      expectSameConversations(again, real, 'browser runtime after real Node');
      expectSameWire(again, real, 'browser runtime after real Node');
    } finally {
      await context.close();
    }
  });
});
