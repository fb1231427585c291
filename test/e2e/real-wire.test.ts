/**
 * Real mode records the real bytes (issue 14): the SSE lesson runs in real Node, and the page's traffic buffer holds
 * what the server's sockets read and wrote, as 'bytes' events: the EventSource's GET with `Accept: text/event-stream`,
 * the 200 head, and the reconnection's `Last-Event-ID: 3`, on the run's clock beside the client's own events.
 * The WebSocket lesson's are read with the shared decoders (src/shared/wire/), as the views read them.
 */
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendProcess } from '../../server/testing/backend-process.js';
import type { TrafficEvent } from '../../src/shared/traffic.js';
import { WireConnectionDecoder, type WireRecord } from '../../src/shared/wire/connection.js';
import { newPage, run } from './browser.js';
import { useRealBackend } from './real-backend.js';
import { expectWireRowNamesServerLine } from './wire-source.js';

let browser: Browser;
let backend: BackendProcess;
let context: BrowserContext;
let page: Page;

useRealBackend((b, k) => ((browser = b), (backend = k)));
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

/** Each connection's records, decoded in layers from its 'bytes' and tcp 'close' events in order. */
function decode(events: TrafficEvent[]): Map<string, WireRecord[]> {
  const decoders = new Map<string, WireConnectionDecoder>();
  const out = new Map<string, WireRecord[]>();
  for (const e of events) {
    if (e.transport !== 'tcp' || e.observer !== 'server') continue;
    let decoder = decoders.get(e.conn);
    if (!decoder) decoders.set(e.conn, (decoder = new WireConnectionDecoder()));
    const records = out.get(e.conn) ?? [];
    if (e.kind === 'close') records.push(...decoder.close(e.seq, e.time));
    else if (e.direction === 'c2s' || e.direction === 's2c') {
      records.push(...decoder.feed(e.direction, new Uint8Array(Buffer.from(e.details.raw ?? '', 'base64')), e.seq, e.time));
    }
    out.set(e.conn, records);
  }
  return out;
}

describe('real mode names the lines that wrote', () => {
  it('a frame the server wrote names the line of server.js, as in browser mode, and a click puts the cursor there', async () => {
    await page.goto(`${backend.url}#/lesson/websocket`);
    await page.locator('code-panel .cm-content').first().waitFor();
    await page.getByRole('radio', { name: 'Real Node' }).check();
    await run(page);
    await expectWireRowNamesServerLine(page);
  });
});

describe('real mode records the WebSocket wire', () => {
  it('the WebSocket lesson: the upgrade, the 101 with a right Sec-WebSocket-Accept, masked client frames, unmasked server frames, and the closing handshake', async () => {
    await page.goto(`${backend.url}#/lesson/websocket`);
    await page.locator('code-panel .cm-content').first().waitFor();
    await page.getByRole('radio', { name: 'Real Node' }).check();
    await run(page);
    await page.getByRole('tab', { name: 'Traffic' }).click();
    // The lesson's client closes after 3.5 s; the server says so when the close frame has come.
    await page.locator('console-panel[side="server"] .line .text').filter({ hasText: /^closed by the client: / }).first().waitFor({ state: 'attached', timeout: 20_000 });

    let records = new Map<string, WireRecord[]>();
    const frames = (conn: string) => (records.get(conn) ?? []).flatMap((r) => ('frame' in r && r.frame.type === 'frame' ? [{ ...r.frame, direction: r.direction, time: r.time }] : []));
    const ws = () => [...records.keys()].find((conn) => frames(conn).some((f) => f.opcode === 8 && f.direction === 's2c'));
    await expect.poll(async () => ((records = decode(await trafficOf(page))), ws() !== undefined), { timeout: 10_000 }).toBe(true);
    const conn = ws()!;
    const heads = records.get(conn)!.flatMap((r) => ('http' in r && r.http.type === 'head' ? [r.http] : []));
    const request = heads.find((h) => h.kind === 'request')!;
    const answer = heads.find((h) => h.kind === 'response')!;
    const header = (h: typeof request, name: string) => h.headers.find(([n]) => n.toLowerCase() === name)?.[1];
    expect(request.method).toBe('GET');
    expect(header(request, 'upgrade')?.toLowerCase()).toBe('websocket');
    const key = header(request, 'sec-websocket-key')!;
    expect(key).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(answer.status).toBe(101);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    expect(header(answer, 'sec-websocket-accept')).toBe(accept);

    const all = frames(conn);
    const text = (f: (typeof all)[number]) => Buffer.from(f.payload).toString('utf8');
    const fromClient = all.filter((f) => f.direction === 'c2s');
    const fromServer = all.filter((f) => f.direction === 's2c');
    expect(fromClient.every((f) => f.masked)).toBe(true);
    expect(fromServer.every((f) => !f.masked)).toBe(true);
    expect(fromClient.some((f) => f.opcode === 1 && text(f) === '客户端数据')).toBe(true);
    expect(fromServer.some((f) => f.opcode === 1 && text(f) === JSON.stringify({ name: '张三', age: 20 }))).toBe(true);
    // close() with no code: an empty close frame from the client, and the server's answer, each with FIN set.
    const clientClose = fromClient.find((f) => f.opcode === 8)!;
    const serverClose = fromServer.find((f) => f.opcode === 8)!;
    expect(clientClose).toMatchObject({ fin: true, length: 0 });
    expect(serverClose).toMatchObject({ fin: true });
    expect(clientClose.closeCode).toBeUndefined();
    expect(serverClose.time).toBeGreaterThanOrEqual(clientClose.time);
  });
});

describe('real mode records the socket.io wire', () => {
  it('the socket.io lesson: HTTP long-polling, then the upgrade, decoded into Engine.IO and Socket.IO packets both ways', async () => {
    await page.goto(`${backend.url}#/lesson/socket-io`);
    await page.locator('code-panel .cm-content').first().waitFor();
    await page.getByRole('radio', { name: 'Real Node' }).check();
    await run(page);
    await page.getByRole('tab', { name: 'Traffic' }).click();
    await page.locator('console-panel[side="server"] .line .text').filter({ hasText: /^connected: / }).first().waitFor({ state: 'attached', timeout: 20_000 });

    const layer = (records: WireRecord[], name: WireRecord['layer']) => records.filter((r) => r.layer === name);
    let all: WireRecord[] = [];
    const sio = () => layer(all, 'sio').flatMap((r) => ('sio' in r && r.sio.type === 'packet' ? [{ ...r.sio.packet, direction: r.direction }] : []));
    // The client's CONNECT, and the server's answer to it, over the WebSocket after the upgrade or over polling.
    await expect
      .poll(async () => {
        all = [...decode(await trafficOf(page)).values()].flat();
        return sio().some((p) => p.typeName === 'CONNECT' && p.direction === 's2c') && sio().some((p) => p.typeName === 'CONNECT' && p.direction === 'c2s');
      }, { timeout: 10_000 })
      .toBe(true);
    const eio = layer(all, 'eio').flatMap((r) => ('eio' in r && r.eio.type === 'packet' ? [{ type: r.eio.packet.type, direction: r.direction }] : []));
    // Engine.IO's handshake: the server's 'open' packet (polling), and the probe of the upgrade (ping "probe" / pong).
    expect(eio.some((p) => p.type === 'open' && p.direction === 's2c')).toBe(true);
    expect(eio.some((p) => p.type === 'ping' && p.direction === 'c2s')).toBe(true);
    expect(eio.some((p) => p.type === 'pong' && p.direction === 's2c')).toBe(true);
    // The upgrade itself: a request with Upgrade: websocket to /socket.io/ answered by 101.
    const heads = layer(all, 'http').flatMap((r) => ('http' in r && r.http.type === 'head' ? [r.http] : []));
    expect(heads.some((h) => h.kind === 'request' && /^\/socket\.io\/\?EIO=4&transport=websocket/.test(h.target ?? ''))).toBe(true);
    expect(heads.some((h) => h.kind === 'response' && h.status === 101)).toBe(true);
  });
});

describe('in Chinese, browser mode and then real mode in the same page', () => {
  it('each run’s wire says in Chinese how its connections ended, in the words browser mode uses', async () => {
    const zh = await newPage(browser, { locale: 'zh-CN' });
    try {
      await zh.page.goto(`${backend.url}#/lesson/websocket`);
      await zh.page.locator('code-panel .cm-content').first().waitFor();
      for (const mode of ['浏览器内', '真实 Node']) {
        await zh.page.getByRole('radio', { name: mode }).check();
        await run(zh.page);
        const ends = async () => (await trafficOf(zh.page)).filter((e) => e.transport === 'tcp' && e.kind === 'close');
        // The run starts with an empty record: what follows is this mode's, not the last run's.
        await expect.poll(async () => (await ends()).length, { message: `${mode}: the record starts empty` }).toBe(0);
        // The lesson's client closes after 3.5 s; its TCP connection's end is the record's last word on it.
        await expect.poll(async () => (await ends()).length, { timeout: 20_000, message: `${mode}: a connection's end` }).toBeGreaterThan(0);
        const notes = (await ends()).map((e) => e.details.note ?? '');
        for (const note of notes) expect(note, mode).toMatch(/^(客户端|服务器)结束了连接/);
        expect(notes.join('\n'), mode).not.toMatch(/ended the connection|reset/);
      }
    } finally {
      await zh.context.close();
    }
  });
});
