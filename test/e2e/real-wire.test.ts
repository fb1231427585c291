/**
 * Real mode records the real bytes (issue 14): the SSE lesson runs in real Node, and the page's traffic buffer holds
 * what the server's sockets read and wrote, as 'bytes' events: the EventSource's GET with `Accept: text/event-stream`,
 * the 200 head, and the reconnection's `Last-Event-ID: 3`, on the run's clock beside the client's own events.
 * (The views that decode these are tested with them; here a few lines of decoding are enough.)
 */
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawnBackend, type BackendProcess } from '../../server/testing/backend-process.js';
import type { TrafficEvent } from '../../src/shared/traffic.js';
import { launch, newPage, run } from './browser.js';
import { siteDist } from '../support/site-dist.js';

const root = resolve(import.meta.dirname, '../..');
let browser: Browser;
let backend: BackendProcess;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_LESSONS_DIR: resolve(root, 'src/lessons') });
});
afterAll(async () => {
  await backend?.stop();
  await browser?.close();
});
beforeEach(async () => {
  ({ context, page } = await newPage(browser));
});
afterEach(async () => {
  await context?.close();
});

/** Every event of the run's traffic buffer, as the views read it. */
async function trafficOf(page: Page): Promise<TrafficEvent[]> {
  const json = await page
    .locator('traffic-inspector')
    .evaluate((el) => JSON.stringify((el as unknown as { buffer: { slice(): unknown[] } }).buffer.slice()));
  return JSON.parse(json) as TrafficEvent[];
}

/** One side of each TCP connection the server accepted: its bytes joined in order, as text. */
function streams(events: TrafficEvent[], direction: 'c2s' | 's2c'): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    if (e.kind !== 'bytes' || e.direction !== direction) continue;
    out.set(e.conn, (out.get(e.conn) ?? '') + Buffer.from(e.details.raw ?? '', 'base64').toString('utf8'));
  }
  return out;
}

describe('real mode records the wire', () => {
  it('the SSE lesson: the GET with Accept: text/event-stream, the 200 head, and the reconnection’s Last-Event-ID, as the server read and wrote them', async () => {
    await page.goto(`${backend.url}#/lesson/sse`);
    await page.locator('code-panel .cm-content').first().waitFor();
    await page.getByRole('radio', { name: 'Real Node' }).check();
    await run(page);
    await page.getByRole('tab', { name: 'Traffic' }).click();
    // The lesson's server ends its response after three events; the EventSource comes back with the last id.
    await page.locator('console-panel[side="server"] .line .text').filter({ hasText: /Last-Event-ID: 3$/ }).first().waitFor({ state: 'attached', timeout: 20_000 });

    let events: TrafficEvent[] = [];
    await expect
      .poll(async () => {
        events = await trafficOf(page);
        return [...streams(events, 'c2s').values()].some((text) => /\r\nlast-event-id: 3\r\n/i.test(text));
      }, { timeout: 10_000 })
      .toBe(true);
    const bytes = events.filter((e) => e.kind === 'bytes');
    for (const e of bytes) {
      expect(e).toMatchObject({ observer: 'server', transport: 'tcp', details: { port: 3000 } });
      expect(e.conn).toMatch(/^tcp#\d+$/);
      expect(e.bytes).toBe(Buffer.from(e.details.raw ?? '', 'base64').length + (e.details.rawDropped ?? 0));
    }
    const reads = streams(events, 'c2s');
    const writes = streams(events, 's2c');
    const gets = [...reads].filter(([, text]) => /^GET \/test HTTP\/1\.1\r\n/.test(text) && /\r\naccept: text\/event-stream\r\n/i.test(text));
    expect(gets.length).toBeGreaterThanOrEqual(2);
    const [firstConn, firstGet] = gets[0]!;
    expect(firstGet).not.toMatch(/last-event-id/i);
    expect(gets.some(([, text]) => /\r\nlast-event-id: 3\r\n/i.test(text))).toBe(true);
    const head = writes.get(firstConn)!;
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/\r\nContent-Type: text\/event-stream\r\n/);
    expect(head).toMatch(/\r\nTransfer-Encoding: chunked\r\n/);
    // Chunk framing around the lesson's events, as Node wrote it: "id: 1\ndata: 第 1 条消息\n\n" is 29 bytes (0x1d).
    expect(head).toContain('\r\n1d\r\nid: 1\ndata: 第 1 条消息\n\n\r\n');

    // On the run's clock: the server read the GET and wrote its head before the client's EventSource said 'open'.
    const open = events.find((e) => e.observer === 'client' && e.transport === 'sse' && e.kind === 'open')!;
    const firstRead = bytes.find((e) => e.conn === firstConn && e.direction === 'c2s')!;
    const firstWrite = bytes.find((e) => e.conn === firstConn && e.direction === 's2c')!;
    expect(firstRead.time).toBeGreaterThan(0);
    expect(firstRead.time).toBeLessThanOrEqual(firstWrite.time);
    expect(firstWrite.time).toBeLessThanOrEqual(open.time + 1);
    console.log(`GET read at ${firstRead.time.toFixed(1)} ms, head written at ${firstWrite.time.toFixed(1)} ms, client 'open' at ${open.time.toFixed(1)} ms`);
  });
});
