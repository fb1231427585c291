import { assert } from 'chai';
import '../../../src/components/sequence-diagram.js';
import { changeLang } from '../../../src/i18n/locale.js';
import '../../../src/components/traffic-inspector.js';
import type { SequenceDiagram } from '../../../src/components/sequence-diagram.js';
import { TrafficBuffer, type TrafficInput } from '../../../src/shared/traffic.js';

function ev(over: Partial<TrafficInput> = {}): TrafficInput {
  return {
    time: 0,
    party: 'client',
    observer: 'client',
    conn: 'http#1',
    transport: 'http',
    direction: 'c2s',
    kind: 'request',
    bytes: 100,
    preview: '',
    details: {},
    ...over,
  };
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function settle(el: HTMLElement & { updateComplete: Promise<boolean> }): Promise<void> {
  await frame();
  await el.updateComplete;
  await frame();
  await el.updateComplete;
}

async function mount(buffer: TrafficBuffer, height = 400): Promise<SequenceDiagram> {
  const el = document.createElement('sequence-diagram');
  el.style.cssText = `display:flex;width:700px;height:${height}px`;
  el.buffer = buffer;
  document.body.append(el);
  await settle(el);
  return el;
}

const arrows = (el: SequenceDiagram) => [...el.shadowRoot!.querySelectorAll<SVGGElement>('g.arrow')];
const labels = (el: SequenceDiagram) => arrows(el).map((a) => a.querySelector('.label')!.textContent);
const $ = <T extends Element = HTMLElement>(el: Element, sel: string) => el.shadowRoot!.querySelector(sel) as T;

/** The scenarios of the issue, as the client taps report them. */
function scenario(buffer: TrafficBuffer): void {
  const base = 'http://localhost:3000';
  // A short poll.
  buffer.push(ev({ time: 0, details: { method: 'GET', url: `${base}/news/short?since=12` } }));
  buffer.push(ev({ time: 3, kind: 'response', direction: 's2c', details: { status: 200, statusText: 'OK' } }));
  buffer.push(ev({ time: 3.5, kind: 'message', direction: 's2c', preview: '[]', body: '[]' }));
  // A long poll held 2 s.
  buffer.push(ev({ time: 10, conn: 'http#2', details: { method: 'GET', url: `${base}/news/long?since=12` } }));
  buffer.push(ev({ time: 2010, conn: 'http#2', kind: 'response', direction: 's2c', details: { status: 200, statusText: 'OK' } }));
  buffer.push(ev({ time: 2011, conn: 'http#2', kind: 'message', direction: 's2c', preview: '[{"id":13}]', body: '[{"id":13}]' }));
  // An SSE stream with ids.
  const sse = { conn: 'sse#3', transport: 'sse' as const };
  buffer.push(ev({ ...sse, time: 2100, kind: 'open', direction: 'none', preview: `${base}/news/sse`, details: { url: `${base}/news/sse` } }));
  buffer.push(ev({ ...sse, time: 2200, kind: 'message', direction: 's2c', preview: '{"id":14}', body: '{"id":14}', details: { eventType: 'message', eventId: '14' } }));
  // A WebSocket that dies.
  const ws = { conn: 'ws#4', transport: 'ws' as const };
  buffer.push(ev({ ...ws, time: 2300, kind: 'open', direction: 'none', preview: 'ws://localhost:3000/news/ws', details: { url: 'ws://localhost:3000/news/ws' } }));
  buffer.push(ev({ ...ws, time: 2400, kind: 'frame', direction: 's2c', preview: '42["chat message","hi"]', body: '42["chat message","hi"]' }));
  buffer.push(ev({ ...ws, time: 2500, kind: 'close', direction: 'none', preview: '1006 (not clean)', details: { code: 1006, reason: '', wasClean: false } }));
  buffer.notify();
}

suite('<sequence-diagram>', () => {
  let buffer: TrafficBuffer;
  const mounted: HTMLElement[] = [];
  setup(() => {
    buffer = new TrafficBuffer();
  });
  teardown(() => {
    for (const el of mounted.splice(0)) el.remove();
  });

  test('draws one arrow per exchange step, labelled as a developer would say it, between the right lanes', async () => {
    const el = await mount(buffer);
    mounted.push(el);
    assert.include($(el, '.scroll').textContent, 'No traffic yet');
    scenario(buffer);
    await settle(el);
    assert.deepEqual(labels(el), [
      'GET /news/short?since=12',
      '200 []',
      'GET /news/long?since=12',
      '200 [{"id":13}]',
      'open /news/sse',
      'data: {"id":14} id: 14',
      '101 Switching Protocols',
      '42["chat message","hi"]',
      'close 1006',
    ]);
    assert.deepEqual([...el.shadowRoot!.querySelectorAll('.head span')].map((s) => s.textContent), ['client', 'server']);
    // The request goes right (client → server), the answer comes back left.
    const lineOf = (i: number) => arrows(el)[i]!.querySelector('line')!;
    const x = (l: SVGLineElement, a: 'x1' | 'x2') => Number(l.getAttribute(a));
    assert.isBelow(x(lineOf(0), 'x1'), x(lineOf(0), 'x2'));
    assert.isAbove(x(lineOf(1), 'x1'), x(lineOf(1), 'x2'));
    // The long poll waits on the server: a held span labelled with its 2 s, and the silence before its answer marked.
    const texts = [...el.shadowRoot!.querySelectorAll('.span-text')].map((t) => t.textContent);
    assert.include(texts, 'held 2.00 s');
    assert.include([...el.shadowRoot!.querySelectorAll('.gap-text')].map((t) => t.textContent), '⋯ 2.00 s');
    // The close is a mark on the client's lane (no frame travelled), in the close colour.
    const close = arrows(el)[8]!;
    assert.isNotNull(close.querySelector('circle'));
    assert.isTrue(close.classList.contains('close'));
  });

  test('gaps to scale: the long poll’s 2 s take 2 s of height and the axis ticks whole seconds', async () => {
    const el = await mount(buffer);
    mounted.push(el);
    scenario(buffer);
    el.gapMode = 'scale';
    await settle(el);
    const y = (i: number) => Number(arrows(el)[i]!.querySelector('rect.hit')!.getAttribute('y'));
    assert.approximately(y(3) - y(2), 2 * 60, 0.01);
    assert.lengthOf(el.shadowRoot!.querySelectorAll('.gap-text'), 0);
    // Whole seconds 1 and 2 fall inside the wait; "2 s" sits 0.6 px from the answer's own time, so only its tick shows.
    assert.lengthOf(el.shadowRoot!.querySelectorAll('line.tick'), 2);
    assert.include([...el.shadowRoot!.querySelectorAll('.axis')].map((t) => t.textContent), '1 s');
  });

  test('selection both ways with the inspector: a click selects the event, the inspector’s pick selects the arrow', async () => {
    scenario(buffer);
    const diagram = await mount(buffer);
    const inspector = document.createElement('traffic-inspector');
    inspector.style.cssText = 'display:flex;width:700px;height:300px';
    inspector.buffer = buffer;
    document.body.append(inspector);
    mounted.push(diagram, inspector);
    // What an integrator writes: each view's pick becomes the other's selectedSeq.
    diagram.addEventListener('traffic-select', (e) => (inspector.selectedSeq = e.detail.seq));
    inspector.addEventListener('traffic-select', (e) => (diagram.selectedSeq = e.detail.seq));
    await settle(inspector);

    const picked: number[] = [];
    diagram.addEventListener('traffic-select', (e) => picked.push(e.detail.seq));
    const longPoll = arrows(diagram)[2]!;
    longPoll.querySelector<SVGRectElement>('rect.hit')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    await settle(inspector);
    assert.deepEqual(picked, [4]);
    assert.equal(longPoll.getAttribute('aria-selected'), 'true');
    assert.equal(inspector.shadowRoot!.querySelector('.row[aria-selected="true"]')!.getAttribute('data-seq'), '4');

    // The inspector picks the body of the short poll (seq 3): the diagram selects the response arrow it is folded into.
    inspector.shadowRoot!.querySelector<HTMLElement>('.row[data-seq="3"]')!.click();
    await settle(diagram);
    const selected = arrows(diagram).filter((a) => a.getAttribute('aria-selected') === 'true');
    assert.deepEqual(selected.map((a) => a.querySelector('.label')!.textContent), ['200 []']);
  });

  test('the inspector’s filters apply: transport, kind and text', async () => {
    scenario(buffer);
    const el = await mount(buffer);
    mounted.push(el);
    el.transport = 'ws';
    await settle(el);
    assert.deepEqual(labels(el), ['101 Switching Protocols', '42["chat message","hi"]', 'close 1006']);
    el.transport = '';
    el.kind = 'request';
    await settle(el);
    assert.deepEqual(labels(el), ['GET /news/short?since=12', 'GET /news/long?since=12']);
    el.kind = '';
    el.text = 'long';
    await settle(el);
    assert.deepEqual(labels(el), ['GET /news/long?since=12']);
  });

  test('follows the run live, and stops where it is paused', async () => {
    const el = await mount(buffer, 300);
    mounted.push(el);
    for (let i = 0; i < 200; i++) buffer.push(ev({ time: i * 10, conn: 'ws#1', transport: 'ws', kind: 'frame', direction: 's2c', preview: `m${i}` }));
    buffer.notify();
    await settle(el);
    // Following: the newest arrow is in view.
    assert.include(labels(el), 'm199');
    assert.notInclude(labels(el), 'm0');
    $<HTMLButtonElement>(el, '.pause').click();
    await settle(el);
    buffer.push(ev({ time: 3000, conn: 'ws#1', transport: 'ws', kind: 'frame', direction: 's2c', preview: 'after pause' }));
    buffer.notify();
    await settle(el);
    assert.notInclude(labels(el), 'after pause');
    $<HTMLButtonElement>(el, '.pause').click();
    await settle(el);
    assert.include(labels(el), 'after pause');
    // Scrolled back by the learner: it stays there while events keep coming.
    const scroller = $(el, '.scroll');
    scroller.scrollTop = 0;
    scroller.dispatchEvent(new Event('scroll'));
    await settle(el);
    buffer.push(ev({ time: 4000, conn: 'ws#1', transport: 'ws', kind: 'frame', direction: 's2c', preview: 'later' }));
    buffer.notify();
    await settle(el);
    assert.include(labels(el), 'm0');
    assert.isFalse($<HTMLInputElement>(el, '.follow').checked);
  });

  test('10,000 events: a bounded number of arrows is drawn, and scrolling draws the window in view', async () => {
    for (let i = 0; i < 10_000; i++) {
      buffer.push(ev({ time: i * 5, conn: 'ws#1', transport: 'ws', kind: 'frame', direction: i % 2 ? 'c2s' : 's2c', preview: `m${i}` }));
    }
    buffer.notify();
    const el = await mount(buffer, 400);
    mounted.push(el);
    assert.equal(el.arrowCount, 10_000);
    const drawn = arrows(el).length;
    assert.isAbove(drawn, 5);
    assert.isBelow(drawn, 60);
    assert.isBelow(el.shadowRoot!.querySelectorAll('svg *').length, 1200);
    assert.include(labels(el), 'm9999');
    const scroller = $(el, '.scroll');
    scroller.scrollTop = 5000 * 24;
    scroller.dispatchEvent(new Event('scroll'));
    await settle(el);
    assert.include(labels(el), 'm5002');
    assert.isBelow(arrows(el).length, 60);
  });

  test('exports the whole diagram as a standalone SVG, and the view as a PNG', async () => {
    scenario(buffer);
    buffer.push(ev({ time: 2600, conn: 'ws#9', transport: 'ws', kind: 'frame', direction: 'c2s', preview: '<b>&"x"</b>' }));
    buffer.notify();
    const el = await mount(buffer, 200);
    mounted.push(el);
    const text = el.exportSvg();
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    assert.isNull(doc.querySelector('parsererror'), text.slice(0, 300));
    const root = doc.documentElement;
    assert.equal(root.namespaceURI, 'http://www.w3.org/2000/svg');
    assert.isNotNull(root.querySelector('style'));
    // Every arrow, not only those in the 200 px view; learner text stays text.
    const exported = [...root.querySelectorAll('g.arrow .label')].map((t) => t.textContent);
    assert.lengthOf(exported, 10);
    assert.include(exported, 'GET /news/long?since=12');
    assert.include(exported, '<b>&"x"</b>');
    assert.deepEqual([...root.querySelectorAll('.lane-name')].map((t) => t.textContent), ['client', 'server']);
    assert.notInclude(text, '<!--');
    const png = await el.exportPng(1);
    assert.equal(png.type, 'image/png');
    const bitmap = await createImageBitmap(png);
    assert.equal(bitmap.width, 700);
  });

  test('a send after close() is drawn as not sent, in the page’s language', async () => {
    buffer.push(ev({ time: 1, conn: 'ws#1', transport: 'ws', kind: 'frame', direction: 'c2s', preview: 'late', details: { note: '未发送：连接正在关闭或已关闭', notSent: true } }));
    buffer.notify();
    const el = await mount(buffer);
    mounted.push(el);
    const label = () => el.shadowRoot!.querySelector('g.arrow .label')!.textContent;
    assert.equal(label(), '(not sent) late');
    try {
      await changeLang('zh', false);
      await el.updateComplete;
      assert.equal(label(), '（未发送） late');
    } finally {
      await changeLang('en', false);
    }
  });

  test('one lane per client: three chat clients and the server', async () => {
    for (const [i, party] of ['client', 'client 2', 'client 3'].entries()) {
      buffer.push(ev({ time: i, party, conn: `ws#${i}`, transport: 'ws', kind: 'frame', preview: `hi from ${party}` }));
    }
    buffer.notify();
    const el = await mount(buffer);
    mounted.push(el);
    assert.deepEqual([...el.shadowRoot!.querySelectorAll('.head span')].map((s) => s.textContent), ['client', 'client 2', 'client 3', 'server']);
    // The lanes are named in the page's language; the parties keep their ids.
    try {
      await changeLang('zh', false);
      await el.updateComplete;
      assert.deepEqual([...el.shadowRoot!.querySelectorAll('.head span')].map((s) => s.textContent), ['客户端', '客户端 2', '客户端 3', '服务器']);
    } finally {
      await changeLang('en', false);
    }
    const starts = arrows(el).map((a) => Number(a.querySelector('line')!.getAttribute('x1')));
    assert.isBelow(starts[0]!, starts[1]!);
    assert.isBelow(starts[1]!, starts[2]!);
  });
});
