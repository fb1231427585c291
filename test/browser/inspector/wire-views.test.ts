import { assert } from 'chai';
import '../../../src/components/traffic-inspector.js';
import type { TrafficInspector } from '../../../src/components/traffic-inspector.js';
import type { WireList } from '../../../src/components/wire-list.js';
import { TrafficBuffer, type TrafficInput } from '../../../src/shared/traffic.js';
import { toBase64, utf8Bytes } from '../../../src/shared/wire/bytes.js';
import { closePayload, encodeFrame } from '../../../src/shared/wire/websocket-frames.js';
import { listen, startRun, until, type TestRun } from '../http/fake-context.js';
import { changeLang } from '../../../src/i18n/locale.js';

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function settle(el: HTMLElement & { updateComplete: Promise<boolean> }): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await frame();
    await el.updateComplete;
  }
}

async function mount(buffer: TrafficBuffer, width = 800): Promise<TrafficInspector> {
  const el = document.createElement('traffic-inspector');
  el.style.cssText = `display:flex;width:${width}px;height:420px`;
  el.buffer = buffer;
  document.body.append(el);
  await settle(el);
  return el;
}

function choose(el: TrafficInspector, select: string, value: string): void {
  const s = el.shadowRoot!.querySelector<HTMLSelectElement>(select)!;
  s.value = value;
  s.dispatchEvent(new Event('change'));
}

function wireList(el: TrafficInspector): WireList {
  return el.shadowRoot!.querySelector('wire-list')!;
}

function wireRows(el: TrafficInspector): HTMLElement[] {
  return [...wireList(el).shadowRoot!.querySelectorAll<HTMLElement>('.row')];
}

async function open(el: TrafficInspector, row: HTMLElement): Promise<ShadowRoot> {
  row.click();
  const list = wireList(el);
  await settle(list);
  const detail = list.shadowRoot!.querySelector('wire-detail')!;
  await detail.updateComplete;
  return detail.shadowRoot!;
}

/** A chunk of a connection's wire as a recorder reports it. */
function bytes(conn: string, direction: 'c2s' | 's2c', data: Uint8Array, time: number): TrafficInput {
  return {
    time, party: 'client', observer: 'server', conn, transport: 'tcp', direction, kind: 'bytes', bytes: data.length, preview: '',
    details: { raw: toBase64(data), port: 8181 },
  };
}

suite('<traffic-inspector>: the wire, decoded', () => {
  let el: TrafficInspector | undefined;
  let run: TestRun | undefined;
  teardown(async () => {
    el?.remove();
    el = undefined;
    await run?.stop();
    run = undefined;
  });

  test("an SSE run from the http shim: the GET with Accept, the 200 head as rows of headers, the reconnection's Last-Event-ID, true counts", async () => {
    run = await startRun();
    let served = 0;
    await listen(
      run.http.createServer((req, res) => {
        served++;
        res.setHeader('Content-Type', 'text/event-stream');
        const from = Number(req.headers['last-event-id'] ?? 0);
        res.write(`retry: 50\nid: ${from + 3}\ndata: n\n\n`);
        if (served === 1) res.end();
      }),
      3000,
    );
    const source = new EventSource('/test');
    let got = 0;
    source.onmessage = () => got++;
    try {
      await until(() => got === 2, 4000, 'two events');
    } finally {
      source.close();
    }
    const buffer = new TrafficBuffer();
    for (const e of run.events) buffer.push(e);
    el = await mount(buffer);
    // The API list keeps to API events: the raw chunks are not rows there.
    assert.isFalse([...el.shadowRoot!.querySelectorAll('.main .row .transport')].some((t) => t.textContent === 'tcp'));
    // True counts: both GETs, and every byte each way as recorded.
    const up = run.events.filter((e) => e.kind === 'bytes' && e.direction === 'c2s').reduce((n, e) => n + e.bytes, 0);
    assert.equal(el.shadowRoot!.querySelector('.n-requests')!.textContent, '2');
    assert.equal(el.shadowRoot!.querySelector('.bytes-up')!.textContent, `${up} B`);
    assert.isAbove(up, 2 * 'GET /test HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n'.length);

    choose(el, '.side-filter', 'server');
    choose(el, '.layer-filter', 'http');
    await settle(el);
    await settle(wireList(el));
    const summaries = wireRows(el).map((r) => r.querySelector('.summary')!.textContent);
    assert.deepEqual(summaries.filter((s) => /HTTP\/1\.1/.test(s!)), ['GET /test HTTP/1.1', 'HTTP/1.1 200 OK', 'GET /test HTTP/1.1', 'HTTP/1.1 200 OK']);
    assert.isTrue(summaries.some((s) => /^\w+ \(\d+ B\)$/.test(s!)), 'a chunk size line');

    const gets = wireRows(el).filter((r) => r.querySelector('.summary')!.textContent === 'GET /test HTTP/1.1');
    let detail = await open(el, gets[0]!);
    const headerRows = () => [...detail.querySelectorAll('table.headers tr')].map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]);
    assert.deepInclude(headerRows(), ['Accept', 'text/event-stream']);
    assert.isNotNull(detail.querySelector('.rebuilt'), 'says which headers browser mode cannot know');
    detail = await open(el, wireRows(el).find((r) => r.querySelector('.summary')!.textContent === 'HTTP/1.1 200 OK')!);
    assert.deepInclude(headerRows(), ['Content-Type', 'text/event-stream']);
    assert.deepInclude(headerRows(), ['Transfer-Encoding', 'chunked']);
    assert.isNull(detail.querySelector('.rebuilt'), 'the response is what Node writes');
    detail = await open(el, wireRows(el).filter((r) => r.querySelector('.summary')!.textContent === 'GET /test HTTP/1.1')[1]!);
    assert.deepInclude(headerRows(), ['Last-Event-ID', '3']);

    choose(el, '.layer-filter', 'events');
    await settle(el);
    await settle(wireList(el));
    const events = wireRows(el).map((r) => r.querySelector('.summary')!.textContent);
    assert.deepEqual(events.filter((s) => s!.startsWith('id:')), ['id: 3 data: n', 'id: 6 data: n']);
  });

  test('a WebSocket: the 101, frames with FIN/opcode/length, a close code, ping/pong folded until asked, hex for binary', async () => {
    const buffer = new TrafficBuffer();
    const mask = new Uint8Array([1, 2, 3, 4]);
    const c = 'tcp#9';
    buffer.push(bytes(c, 'c2s', utf8Bytes('GET / HTTP/1.1\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'), 1));
    buffer.push(bytes(c, 's2c', utf8Bytes('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n'), 2));
    buffer.push(bytes(c, 's2c', encodeFrame({ opcode: 9, payload: new Uint8Array() }), 3));
    buffer.push(bytes(c, 'c2s', encodeFrame({ opcode: 10, payload: new Uint8Array(), mask }), 4));
    buffer.push(bytes(c, 'c2s', encodeFrame({ opcode: 2, payload: new Uint8Array([0xde, 0xad, 0xbe, 0xef]), mask }), 5));
    buffer.push(bytes(c, 's2c', encodeFrame({ opcode: 8, payload: closePayload(4001, 'bye') }), 6));
    el = await mount(buffer);
    choose(el, '.side-filter', 'both');
    choose(el, '.layer-filter', 'http');
    await settle(el);
    await settle(wireList(el));
    const labels = () => wireRows(el!).map((r) => r.querySelector('.label')!.textContent);
    assert.deepEqual(labels(), ['HTTP', 'HTTP', 'binary', 'close']);
    assert.include(wireList(el).shadowRoot!.querySelector('.folded')!.textContent, '2');
    assert.include(wireRows(el)[3]!.querySelector('.summary')!.textContent, '4001 bye');
    let detail = await open(el, wireRows(el)[1]!);
    assert.include(detail.querySelector('table.headers')!.textContent, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    detail = await open(el, wireRows(el)[2]!);
    const facts = detail.querySelector('dl')!.textContent!;
    assert.include(facts, '0x2 (binary)');
    assert.include(facts, '1 (01 02 03 04)');
    assert.include(detail.querySelector('pre.hex')!.textContent, 'de ad be ef');
    const show = el.shadowRoot!.querySelector<HTMLInputElement>('.show-control')!;
    show.checked = true;
    show.dispatchEvent(new Event('change'));
    await settle(el);
    await settle(wireList(el));
    assert.deepEqual(labels(), ['HTTP', 'HTTP', 'ping', 'pong', 'binary', 'close']);
  });

  test('10,000 buffered chunks: choosing a layer decodes them over several frames, never one long freeze, and catches up', async function (this: Mocha.Context) {
    // On a loaded shared machine the whole decoding takes seconds (that is what it must not do in one frame).
    this.timeout(40_000);
    const buffer = new TrafficBuffer();
    buffer.push(bytes('tcp#1', 'c2s', utf8Bytes('GET /test HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n'), 0));
    buffer.push(bytes('tcp#1', 's2c', utf8Bytes('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n'), 0));
    for (let i = 0; buffer.size < 10_000; i++) {
      const event = `id: ${i}\ndata: ${'x'.repeat(80)}\n\n`;
      buffer.push(bytes('tcp#1', 's2c', utf8Bytes(`${event.length.toString(16)}\r\n${event}\r\n`), i));
    }
    el = await mount(buffer);
    choose(el, '.side-filter', 'server');
    let longest = 0;
    let last = performance.now();
    let frames = 0;
    const t0 = performance.now();
    choose(el, '.layer-filter', 'events');
    await el.updateComplete;
    const list = wireList(el);
    while (list.rowCount < 9_999 && performance.now() - t0 < 20_000) {
      await frame();
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      frames++;
    }
    const total = performance.now() - t0;
    assert.equal(list.rowCount, 9_999, 'the GET and every SSE event decoded');
    // Decoding everything in the update that shows the list would be one frame as long as the whole; spread at 8 ms a
    // frame, no frame holds more than a small part of it. Judged against the whole, as this machine's load varies.
    assert.isAtLeast(frames, 3, 'spread over frames');
    assert.isBelow(longest, Math.max(100, total / 3), `longest frame ${longest.toFixed(0)} ms of ${total.toFixed(0)} ms over ${frames} frames`);
  });

  test("the client's side: says its bytes are not recorded instead of showing nothing", async () => {
    const buffer = new TrafficBuffer();
    buffer.push(bytes('tcp#1', 'c2s', utf8Bytes('GET / HTTP/1.1\r\n\r\n'), 1));
    el = await mount(buffer);
    choose(el, '.layer-filter', 'bytes');
    await settle(el);
    await settle(wireList(el));
    assert.include(wireList(el).shadowRoot!.querySelector('.empty')!.textContent, 'not recorded');
    choose(el, '.side-filter', 'server');
    await settle(el);
    await settle(wireList(el));
    assert.lengthOf(wireRows(el), 1);
  });

  test('bytes a protocol does not allow: the decoder says so in the learner\'s language, switching with the page', async () => {
    const buffer = new TrafficBuffer();
    buffer.push(bytes('tcp#1', 's2c', utf8Bytes('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), 1));
    el = await mount(buffer);
    choose(el, '.side-filter', 'server');
    choose(el, '.layer-filter', 'http');
    await settle(el);
    await settle(wireList(el));
    const errorText = () => wireList(el!).shadowRoot!.querySelector('.row.error .summary')!.textContent;
    assert.equal(errorText(), 'not a chunk size: "zz"');
    try {
      await changeLang('zh', false);
      await settle(el);
      await settle(wireList(el));
      assert.equal(errorText(), '不是分块大小："zz"');
    } finally {
      await changeLang('en', false);
    }
  });
});

