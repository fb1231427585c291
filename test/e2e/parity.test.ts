/**
 * Parity: each lesson's shipped code, run in the browser runtime and in real Node, must look the same to its client.
 * The client taps are the same in both modes, so what the client observed is compared event by event, per
 * connection: the same messages in the same order, the same close codes, the same SSE ids and reconnections, the
 * same socket.io packets. Times, random ids, hosts and ports are normalised away. Differences that cannot be removed
 * are listed in docs/differences.md; a lesson may name the ones it shows in `parityNotes` with the reason.
 */
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnBackend, type BackendProcess } from '../../server/testing/backend-process.js';
import { COURSE } from '../../src/lessons/index.js';
import { BODY_LIMIT, type TrafficEvent } from '../../src/shared/traffic.js';
import { launch, newPage, run, setCode } from './browser.js';
import { siteDist } from '../support/site-dist.js';

const root = resolve(import.meta.dirname, '../..');
/** How long each lesson's code runs in each mode: long enough for a few timer ticks of the shipped demos. */
const WATCH_MS = 4_500;
/** Events compared per connection: the start of each conversation, where timing cannot reorder them. */
const PER_CONNECTION = 8;

let browser: Browser;
let backend: BackendProcess;

beforeAll(async () => {
  browser = await launch();
  backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_LESSONS_DIR: resolve(root, 'src/lessons') });
});
afterAll(async () => {
  await backend?.stop();
  await browser?.close();
});

/** Runs the lesson as shipped and returns what its client taps recorded, read through the inspector's export. */
async function observe(
  base: string,
  lessonId: string,
  mode: 'browser' | 'real',
  files: Record<string, string> = {},
  watchMs = WATCH_MS,
): Promise<{ events: TrafficEvent[]; server: string[] }> {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${base}#/lesson/${lessonId}`);
    await page.locator('code-panel .cm-content').first().waitFor();
    if (mode === 'real') await page.getByRole('radio', { name: 'Real Node' }).check();
    for (const [file, code] of Object.entries(files)) await setCode(page, file, code);
    await run(page);
    await page.waitForTimeout(watchMs);
    const json = await page.locator('traffic-inspector').evaluate((el) => (el as unknown as { exportJson(): string }).exportJson());
    const server = await page.locator('console-panel[side="server"] .line .text').allTextContents();
    return { events: (JSON.parse(json) as { events: TrafficEvent[] }).events, server };
  } finally {
    await context.close();
  }
}

/** One line per event, without what legitimately differs between two runs (times, ids, hosts, ports). */
export function signature(e: TrafficEvent): string {
  const clean = (s: string) =>
    s
      .replace(/https?:\/\/[^/\s"]+/g, '<origin>')
      .replace(/wss?:\/\/[^/\s"]+/g, '<ws-origin>')
      .replace(/"sid":"[^"]+"/g, '"sid":"<sid>"')
      .replace(/[?&](sid|t)=[^&\s"]+/g, '&$1=<id>')
      .replace(/\b[A-Za-z0-9_-]{20}\b/g, "<id>")
      // Publish times carried in payloads (ms since 1970).
      .replace(/\b1\d{12}\b/g, "<time>");
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

describe.each(lessons)('lesson $id', ({ id, content }) => {
  it('its client observes the same conversation in the browser runtime and in real Node', async () => {
    // A lesson that shows a race on purpose names the files to compare instead, and why (LessonContent.parity).
    const files = (content.parity?.files ?? {}) as Record<string, string>;
    const browserRun = await observe(inject('siteUrl'), id, 'browser', files, content.parityWatchMs);
    const nodeRun = await observe(backend.url, id, 'real', files, content.parityWatchMs);
    const inBrowser = conversations(browserRun.events);
    const inNode = conversations(nodeRun.events);
    // When they differ, the servers' own words usually say why (a port already taken, a crash).
    const consoles = `\nserver console, browser runtime:\n  ${browserRun.server.join('\n  ')}\nserver console, real Node:\n  ${nodeRun.server.join('\n  ')}`;
    expect(inBrowser.length, `the client made no connection in the browser runtime${consoles}`).toBeGreaterThan(0);
    const browserKinds = byKind(inBrowser);
    const nodeKinds = byKind(inNode);
    // The same kinds of connection: the same endpoints, requested the same way.
    expect([...browserKinds.keys()].sort(), `kinds of connection${consoles}`).toEqual([...nodeKinds.keys()].sort());
    for (const [key, b] of browserKinds) {
      const n = nodeKinds.get(key)!;
      for (const side of ['sent', 'received'] as const) {
        const k = Math.min(PER_CONNECTION, b[side].length, n[side].length);
        expect(b[side].slice(0, k), `${key}: ${side}${consoles}`).toEqual(n[side].slice(0, k));
      }
      // How far each client read a stream depends on timing (it may stop at a parse error); what both read agrees.
      const common = Math.min(b.stream.length, n.stream.length);
      expect(b.stream.slice(0, common), `${key}: the stream's text${consoles}`).toBe(n.stream.slice(0, common));
    }
  });
});
