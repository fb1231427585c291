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
import type { TrafficEvent } from '../../src/shared/traffic.js';
import { launch, newPage, run } from './browser.js';

const root = resolve(import.meta.dirname, '../..');
/** How long each lesson's code runs in each mode: long enough for a few timer ticks of the shipped demos. */
const WATCH_MS = 4_500;
/** Events compared per connection: the start of each conversation, where timing cannot reorder them. */
const PER_CONNECTION = 8;

let browser: Browser;
let backend: BackendProcess;

beforeAll(async () => {
  browser = await launch();
  backend = await spawnBackend([], { PUSHLAB_DIST_DIR: resolve(root, 'dist'), PUSHLAB_LESSONS_DIR: resolve(root, 'src/lessons') });
});
afterAll(async () => {
  await backend?.stop();
  await browser?.close();
});

/** Runs the lesson as shipped and returns what its client taps recorded, read through the inspector's export. */
async function observe(base: string, lessonId: string, mode: 'browser' | 'real'): Promise<{ events: TrafficEvent[]; server: string[] }> {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${base}#/lesson/${lessonId}`);
    await page.locator('code-panel .cm-content').first().waitFor();
    if (mode === 'real') await page.getByRole('radio', { name: 'Real Node' }).check();
    await run(page);
    await page.waitForTimeout(WATCH_MS);
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

/** Connections in the order they opened, each with its events' signatures. */
function conversations(events: TrafficEvent[]): string[][] {
  const byConn = new Map<string, string[]>();
  for (const e of events) {
    if (e.observer !== 'client') continue;
    const list = byConn.get(e.conn) ?? [];
    list.push(signature(e));
    byConn.set(e.conn, list);
  }
  return [...byConn.values()];
}

const lessons = await Promise.all(COURSE.filter((l) => l.load).map(async (l) => ({ id: l.id, content: (await l.load!()).default })));

describe.each(lessons)('lesson $id', ({ id }) => {
  it('its client observes the same conversation in the browser runtime and in real Node', async () => {
    const browserRun = await observe(inject('siteUrl'), id, 'browser');
    const nodeRun = await observe(backend.url, id, 'real');
    const inBrowser = conversations(browserRun.events);
    const inNode = conversations(nodeRun.events);
    // When they differ, the servers' own words usually say why (a port already taken, a crash).
    const consoles = `\nserver console, browser runtime:\n  ${browserRun.server.join('\n  ')}\nserver console, real Node:\n  ${nodeRun.server.join('\n  ')}`;
    expect(inBrowser.length, `the client made no connection in the browser runtime${consoles}`).toBeGreaterThan(0);
    // Each connection the client opened, compared from its start.
    const n = Math.min(inBrowser.length, inNode.length);
    for (let i = 0; i < n; i++) {
      const k = Math.min(PER_CONNECTION, inBrowser[i]!.length, inNode[i]!.length);
      expect(inBrowser[i]!.slice(0, k), `connection ${i + 1}${consoles}`).toEqual(inNode[i]!.slice(0, k));
    }
    expect(inBrowser.length, `connections opened${consoles}`).toBe(inNode.length);
  });
});
