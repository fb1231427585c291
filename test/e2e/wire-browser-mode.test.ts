/**
 * The wire in browser mode, as a learner reads it in the Traffic tab (layer "HTTP / frames", the server's side): the
 * SSE lesson's EventSource GET with `Accept: text/event-stream`, the 200 head Node would write, and the reconnection's
 * `Last-Event-ID: 3`; the WebSocket lesson's upgrade, the 101 with its `Sec-WebSocket-Accept`, and the close frames.
 * Screenshots (desktop and phone, both languages) go to /tmp/pushlab-wire-shots, never into the repository.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { consoleLine, openLesson, run, setCode, usePage } from './browser.js';

const { page } = usePage();
const SHOTS = '/tmp/pushlab-wire-shots';

async function showWire(p: Page, layer: string): Promise<void> {
  await p.getByRole('tab', { name: /^Traffic|^网络流量/ }).click();
  await p.locator('traffic-inspector select.side-filter').selectOption('server');
  await p.locator('traffic-inspector select.layer-filter').selectOption(layer);
}

const wireSummaries = (p: Page) => p.locator('traffic-inspector wire-list .row .summary').allTextContents();

/** The header rows of the detail of the wire row whose summary is `summary` (the nth such row). */
async function headersOf(p: Page, summary: string, nth = 0): Promise<string[][]> {
  await p.locator('traffic-inspector wire-list .row', { has: p.locator('.summary', { hasText: summary }) }).nth(nth).click();
  const rows = p.locator('traffic-inspector wire-detail table.headers tr');
  await rows.first().waitFor();
  const names = await rows.locator('th').allTextContents();
  const values = await rows.locator('td').allTextContents();
  return names.map((n, i) => [n, values[i]!]);
}

async function shoot(p: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await p.screenshot({ path: `${SHOTS}/${name}.png` });
}

describe('the wire in browser mode', () => {
  it("SSE: the EventSource's GET, the 200 head as Node writes it, and the reconnection's Last-Event-ID", async () => {
    await openLesson(page(), 'sse');
    await run(page());
    await consoleLine(page(), 'server', /Last-Event-ID: 3$/).waitFor({ timeout: 15_000 });
    await showWire(page(), 'http');
    await expect.poll(async () => (await wireSummaries(page())).filter((s) => s === 'GET /test HTTP/1.1').length, { timeout: 10_000 }).toBe(2);
    const summaries = await wireSummaries(page());
    expect(summaries.filter((s) => s.startsWith('HTTP/1.1'))).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(summaries).toContain('0 (last chunk)');

    expect(await headersOf(page(), 'GET /test HTTP/1.1')).toContainEqual(['Accept', 'text/event-stream']);
    expect(await page().locator('traffic-inspector wire-detail .rebuilt').count()).toBe(1);
    const ok = await headersOf(page(), 'HTTP/1.1 200 OK');
    expect(ok.map(([n]) => n)).toEqual(['Content-Type', 'Cache-Control', 'Date', 'Connection', 'Keep-Alive', 'Transfer-Encoding']);
    expect(ok).toContainEqual(['Content-Type', 'text/event-stream']);
    expect(await headersOf(page(), 'GET /test HTTP/1.1', 1)).toContainEqual(['Last-Event-ID', '3']);
    // The header counts both GETs as requests and every byte upward.
    expect(Number(await page().locator('traffic-inspector .n-requests').textContent())).toBeGreaterThanOrEqual(2);
    expect(await page().locator('traffic-inspector .bytes-up').textContent()).not.toBe('0 B');
    await shoot(page(), 'sse-wire-desktop-en');
    // The diagram on the server's side: the GET and its 200, held open.
    await page().locator('sequence-diagram select.side-filter').selectOption('server');
    await expect.poll(async () => (await page().locator('sequence-diagram g.arrow .label').allTextContents()).some((l) => /^GET .*\/test/.test(l)), { timeout: 5_000 }).toBe(true);
    await shoot(page(), 'sse-diagram-server-desktop-en');
  });

  it('WebSocket: the upgrade, the 101 with Sec-WebSocket-Accept, masked frames, and the close frames', async () => {
    await openLesson(page(), 'websocket');
    await run(page());
    await consoleLine(page(), 'server', /^closed by the client/).waitFor({ timeout: 15_000 });
    await showWire(page(), 'http');
    await expect.poll(async () => (await wireSummaries(page())).some((s) => s.startsWith('HTTP/1.1 101')), { timeout: 10_000 }).toBe(true);
    const summaries = await wireSummaries(page());
    expect(summaries[0]).toBe('GET / HTTP/1.1');
    expect(summaries[1]).toBe('HTTP/1.1 101 Switching Protocols');
    const request = await headersOf(page(), 'GET / HTTP/1.1');
    expect(request).toContainEqual(['Upgrade', 'websocket']);
    const accept = (await headersOf(page(), 'HTTP/1.1 101')).find(([n]) => n === 'Sec-WebSocket-Accept');
    expect(accept?.[1]).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    // The client's frames are masked; the server's are not. The course's close() sends no code: 1005 on both sides.
    expect(summaries.some((s) => /^FIN=1 MASK len=\d+ 客户端数据$/.test(s))).toBe(true);
    expect(summaries.some((s) => /^FIN=1 len=\d+ \{"name":"张三","age":20\}$/.test(s))).toBe(true);
    const labels = await page().locator('traffic-inspector wire-list .row .label').allTextContents();
    expect(labels.filter((l) => l === 'close').length).toBe(2);
    expect(summaries.filter((s) => s.endsWith('(no code: 1005)')).length).toBe(2);
    await shoot(page(), 'ws-wire-desktop-en');
  });

  it('a close frame with its code: the page closes with 4001', async () => {
    await openLesson(page(), 'websocket');
    await setCode(page(), 'client.js', "const ws = new WebSocket('ws://localhost:8181');\nws.onopen = () => setTimeout(() => ws.close(4001, '再见'), 200);\n");
    await run(page());
    await consoleLine(page(), 'server', /^closed by the client: 4001/).waitFor({ timeout: 15_000 });
    await showWire(page(), 'http');
    // The page's close frame carries code and reason (2 + 6 bytes, masked); ws answers with the code alone.
    await expect.poll(async () => (await wireSummaries(page())).filter((s) => / 4001( 再见)?$/.test(s)), { timeout: 10_000 }).toEqual([
      'FIN=1 MASK len=8 4001 再见',
      'FIN=1 len=2 4001',
    ]);
  });

  it('socket.io: each layer, from the polling requests and the upgrade to the Engine.IO and Socket.IO packets and the events', async () => {
    await openLesson(page(), 'socket-io');
    await setCode(page(), 'client.js', "const socket = io();\nsocket.on('connect', () => socket.emit('clientfn', 'hello'));\nsocket.on('message', (m) => console.log('message:', m));\n");
    await run(page());
    await consoleLine(page(), 'client', /^message: hello i am server$/).waitFor({ timeout: 15_000 });
    await showWire(page(), 'http');
    await expect.poll(async () => (await wireSummaries(page())).some((s) => s.startsWith('HTTP/1.1 101')), { timeout: 10_000 }).toBe(true);
    const http = await wireSummaries(page());
    expect(http.some((s) => /^GET \/socket\.io\/\?EIO=4&transport=polling/.test(s))).toBe(true);
    expect(http.some((s) => /^GET \/socket\.io\/\?EIO=4&transport=websocket/.test(s))).toBe(true);
    await page().locator('traffic-inspector select.layer-filter').selectOption('eio');
    await expect.poll(async () => (await wireSummaries(page())).some((s) => s.startsWith('open {"sid":')), { timeout: 5_000 }).toBe(true);
    expect((await wireSummaries(page())).some((s) => s.startsWith('upgrade'))).toBe(true);
    await page().locator('traffic-inspector select.layer-filter').selectOption('sio');
    await expect.poll(async () => wireSummaries(page()), { timeout: 5_000 }).toEqual(
      expect.arrayContaining(['CONNECT /', 'EVENT / ["clientfn","hello"]', 'EVENT / ["message","hello i am server"]']),
    );
    // The client's CONNECT (sent in a polling POST's body) and the server's answer with the session id.
    expect((await wireSummaries(page())).some((s) => /^CONNECT \/ \{"sid":"[\w-]+"\}$/.test(s))).toBe(true);
    await shoot(page(), 'sio-layer-desktop-en');
    await page().locator('traffic-inspector select.layer-filter').selectOption('events');
    await expect.poll(async () => (await wireSummaries(page())).filter((s) => s.startsWith('EVENT')), { timeout: 5_000 }).toEqual([
      'EVENT / ["clientfn","hello"]',
      'EVENT / ["message","hello i am server"]',
    ]);
  });
});

describe('the wire on a phone, in both languages', () => {
  const { browser } = usePage();
  for (const [locale, lang] of [['zh-CN', 'zh'], ['en-US', 'en']] as const) {
    it(`${lang}: the layer choice and a request head's rows fit a 390×844 screen`, async () => {
      const context = await browser().newContext({ locale, viewport: { width: 390, height: 844 } });
      try {
        const p = await context.newPage();
        // On a phone the lesson opens on its text: the editor is there, not shown.
        await p.goto(`${inject('siteUrl')}#/lesson/sse`);
        await p.locator('code-panel .cm-content').first().waitFor({ state: 'attached' });
        await p.getByRole('tab', { name: lang === 'zh' ? /代码/ : /Code/ }).click();
        await run(p);
        await consoleLine(p, 'server', /Last-Event-ID: 3$/).waitFor({ timeout: 15_000 });
        await showWire(p, 'http');
        expect(await headersOf(p, 'GET /test HTTP/1.1', 1)).toContainEqual(['Last-Event-ID', '3']);
        const note = await p.locator('traffic-inspector wire-detail .rebuilt').textContent();
        expect(note).toMatch(lang === 'zh' ? /浏览器模式下重建的请求头/ : /^Rebuilt in browser mode/);
        expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await shoot(p, `sse-wire-phone-${lang}`);
        await p.setViewportSize({ width: 1440, height: 900 });
        await shoot(p, `sse-wire-desktop-${lang}-detail`);
        await p.locator('sequence-diagram select.side-filter').selectOption('server');
        await shoot(p, `sse-diagram-server-desktop-${lang}`);
        await p.setViewportSize({ width: 390, height: 844 });
        await p.locator('sequence-diagram').scrollIntoViewIfNeeded();
        await shoot(p, `sse-diagram-server-phone-${lang}`);
      } finally {
        await context.close();
      }
    });
  }
});
