import { assert } from 'chai';
import '../../../src/components/traffic-inspector.js';
import type { TrafficInspector } from '../../../src/components/traffic-inspector.js';
import { TrafficBuffer, type TrafficInput } from '../../../src/shared/traffic.js';

function ev(over: Partial<TrafficInput> = {}): TrafficInput {
  return {
    time: 0,
    party: 'client',
    observer: 'client',
    conn: 'ws#1',
    transport: 'ws',
    direction: 's2c',
    kind: 'frame',
    bytes: 10,
    preview: 'hello',
    details: {},
    ...over,
  };
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function mount(buffer: TrafficBuffer, width = 700, attrs: Record<string, string> = {}): Promise<TrafficInspector> {
  const el = document.createElement('traffic-inspector');
  el.style.cssText = `display:flex;width:${width}px;height:400px`;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.buffer = buffer;
  document.body.append(el);
  await settle(el);
  return el;
}

async function settle(el: TrafficInspector): Promise<void> {
  await frame();
  await el.updateComplete;
  await frame();
  await el.updateComplete;
}

const rows = (el: TrafficInspector) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.row')];
const $ = <T extends Element = HTMLElement>(el: TrafficInspector, sel: string) => el.shadowRoot!.querySelector(sel) as T;

suite('<traffic-inspector>', () => {
  let buffer: TrafficBuffer;
  let el: TrafficInspector | undefined;
  setup(() => {
    buffer = new TrafficBuffer();
  });
  teardown(() => {
    el?.remove();
    el = undefined;
  });

  test('shows pushed events as rows: time, delta, arrow, transport, kind, size, preview', async () => {
    el = await mount(buffer);
    assert.lengthOf(rows(el), 0);
    assert.include($(el, '.list').textContent, 'No traffic yet');
    buffer.push(ev({ time: 1000, direction: 'c2s', kind: 'request', transport: 'http', conn: 'http#1', bytes: 120, preview: 'GET /poll' }));
    buffer.push(ev({ time: 1012.5, direction: 's2c', kind: 'response', transport: 'http', conn: 'http#1', bytes: 2048, preview: '200 OK' }));
    buffer.notify();
    await settle(el);
    const [a, b] = rows(el);
    assert.lengthOf(rows(el), 2);
    assert.equal(a!.querySelector('.time')!.textContent, '1.000');
    assert.equal(b!.querySelector('.delta')!.textContent, '+13 ms');
    assert.equal(a!.querySelector('.dir')!.textContent, '→');
    assert.equal(a!.querySelector('.dir')!.getAttribute('aria-label'), 'client to server');
    assert.equal(b!.querySelector('.dir')!.textContent, '←');
    assert.equal(a!.querySelector('.transport')!.textContent, 'http');
    assert.equal(a!.querySelector('.kind')!.textContent, 'request');
    assert.equal(b!.querySelector('.size')!.textContent, '2.0 KB');
    assert.equal(a!.querySelector('.preview')!.textContent, 'GET /poll');
  });

  test('shows the client side by default, the server side or both on request', async () => {
    buffer.push(ev({ observer: 'client', preview: 'seen by client' }));
    buffer.push(ev({ observer: 'server', preview: 'seen by server' }));
    el = await mount(buffer);
    assert.deepEqual(rows(el).map((r) => r.querySelector('.preview')!.textContent), ['seen by client']);
    el.observer = 'server';
    await settle(el);
    assert.deepEqual(rows(el).map((r) => r.querySelector('.preview')!.textContent), ['seen by server']);
    el.observer = 'both';
    await settle(el);
    assert.lengthOf(rows(el), 2);
  });

  test('filters by transport, kind and text', async () => {
    buffer.push(ev({ transport: 'http', kind: 'request', direction: 'c2s', preview: 'GET /test', details: { url: 'http://localhost/test' } }));
    buffer.push(ev({ transport: 'sse', kind: 'message', preview: 'tick 1', details: { eventType: 'tick' } }));
    buffer.push(ev({ transport: 'ws', kind: 'frame', preview: '{"name":"张三"}' }));
    buffer.push(ev({ transport: 'ws', kind: 'close', preview: '1000', details: { code: 1000, reason: 'bye' } }));
    el = await mount(buffer);
    const transport = $<HTMLSelectElement>(el, '.transport-filter');
    transport.value = 'ws';
    transport.dispatchEvent(new Event('change'));
    await settle(el);
    assert.equal(el.shownCount, 2);
    const kind = $<HTMLSelectElement>(el, '.kind-filter');
    kind.value = 'close';
    kind.dispatchEvent(new Event('change'));
    await settle(el);
    assert.deepEqual(rows(el).map((r) => r.querySelector('.kind')!.textContent), ['close']);
    transport.value = '';
    transport.dispatchEvent(new Event('change'));
    kind.value = '';
    kind.dispatchEvent(new Event('change'));
    const text = $<HTMLInputElement>(el, '.text-filter');
    text.value = 'TICK';
    text.dispatchEvent(new Event('input'));
    await settle(el);
    assert.deepEqual(rows(el).map((r) => r.querySelector('.transport')!.textContent), ['sse']);
    text.value = '张三';
    text.dispatchEvent(new Event('input'));
    await settle(el);
    assert.deepEqual(rows(el).map((r) => r.querySelector('.kind')!.textContent), ['frame']);
  });

  test('a row expands to headers, pretty JSON, raw text; Enter toggles; picking fires traffic-select', async () => {
    const json = JSON.stringify({ name: '张三', age: 20 });
    buffer.push(ev({ kind: 'response', transport: 'http', details: { status: 200, headers: { 'content-type': 'application/json' } } }));
    const msgEvent = buffer.push(ev({ kind: 'message', transport: 'http', body: json, preview: json }));
    el = await mount(buffer);
    const picked: number[] = [];
    el.addEventListener('traffic-select', (e) => picked.push((e as CustomEvent<{ seq: number }>).detail.seq));
    rows(el)[0]!.click();
    await settle(el);
    let detail = $(el, 'traffic-detail');
    assert.include(detail.shadowRoot!.textContent, 'content-type');
    assert.include(detail.shadowRoot!.textContent, 'application/json');
    assert.equal(rows(el)[0]!.getAttribute('aria-selected'), 'true');

    const second = rows(el)[1]!;
    second.focus();
    assert.strictEqual(el.shadowRoot!.activeElement, second, 'rows take focus');
    second.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await settle(el);
    detail = $(el, 'traffic-detail');
    const pres = [...detail.shadowRoot!.querySelectorAll('pre')].map((p) => p.textContent);
    assert.deepEqual(pres, [JSON.stringify({ name: '张三', age: 20 }, null, 2), json], 'JSON pretty, then raw');
    assert.deepEqual(picked, [1, msgEvent.seq]);
    assert.equal(el.selectedSeq, msgEvent.seq);

    el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await settle(el);
    assert.isNull($(el, 'traffic-detail'), 'Enter again collapses');
  });

  test('where an event came from: its line, not looked up (a flood past the budget), or not a line of the code', async () => {
    buffer.push(ev({ direction: 'c2s', details: { source: { file: 'client.js', line: 7, column: 3 } } }));
    buffer.push(ev({ direction: 'c2s', details: { unlocated: true } }));
    buffer.push(ev({ direction: 's2c' }));
    el = await mount(buffer);
    const sourceText = async (row: number) => {
      rows(el!)[row]!.click();
      await settle(el!);
      return $(el!, 'traffic-detail').shadowRoot!.querySelector('.source')!.textContent!.replace(/\s+/g, ' ').trim();
    };
    assert.include(await sourceText(0), 'client.js:7');
    const unlocated = await sourceText(1);
    assert.include(unlocated, 'not looked up');
    assert.notInclude(unlocated, 'by itself', 'a flood of the learner\'s sends is not said to be the browser\'s doing');
    assert.notInclude($(el, 'traffic-detail').shadowRoot!.querySelector('dl')!.textContent!, 'unlocated', 'the flag is not listed as a fact');
    assert.include(await sourceText(2), 'by itself');
  });

  test('a WebSocket that waited for its handshake says when the page made it, and how long before the event', async () => {
    buffer.push(ev({ kind: 'error', time: 2_500, details: { url: 'ws://localhost:8181/client/7', startedAt: 1_400 } }));
    buffer.push(ev({ kind: 'open', time: 3_000, details: { url: 'ws://localhost:8181/client/8', startedAt: 3_000 } }));
    el = await mount(buffer);
    const facts = async (row: number) => {
      rows(el!)[row]!.click();
      await settle(el!);
      return $(el!, 'traffic-detail').shadowRoot!.querySelector('dl')!.textContent!.replace(/\s+/g, ' ');
    };
    const waited = await facts(0);
    assert.include(waited, 'Made by the page');
    assert.include(waited, '1.400 s (new WebSocket()), 1100 ms before this event');
    assert.notInclude(waited, 'startedAt', 'not listed as a raw fact');
    const atOnce = await facts(1);
    assert.include(atOnce, '3.000 s (new WebSocket())');
    assert.notInclude(atOnce, 'before this event');
  });

  test('arrow keys move between rows', async () => {
    for (let i = 0; i < 5; i++) buffer.push(ev({ preview: `m${i}` }));
    el = await mount(buffer);
    const list = $(el, '.list');
    list.focus();
    list.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true }));
    await settle(el);
    el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    await settle(el);
    assert.equal(el.shadowRoot!.activeElement!.querySelector('.preview')!.textContent, 'm1');
  });

  test('binary bodies show as a hex dump', async () => {
    buffer.push(ev({ body: '48 69 00 ff', details: { binary: true } }));
    el = await mount(buffer);
    rows(el)[0]!.click();
    await settle(el);
    const pre = $(el, 'traffic-detail').shadowRoot!.querySelector('pre.hex')!;
    assert.match(pre.textContent!, /^00000000 {2}48 69 00 ff\s+Hi\.\.$/);
  });

  test('counters: requests, messages and bytes each way, and what the buffer dropped', async () => {
    const small = new TrafficBuffer(3);
    small.push(ev({ kind: 'request', transport: 'http', direction: 'c2s', bytes: 100 }));
    small.push(ev({ kind: 'response', transport: 'http', direction: 's2c', bytes: 50 }));
    small.push(ev({ kind: 'message', transport: 'http', direction: 's2c', bytes: 30 }));
    el = await mount(small);
    assert.equal($(el, '.n-requests').textContent, '1');
    assert.equal($(el, '.n-messages').textContent, '1');
    assert.equal($(el, '.bytes-up').textContent, '100 B');
    assert.equal($(el, '.bytes-down').textContent, '80 B');
    assert.isNull($(el, '.dropped'));
    small.push(ev({ kind: 'frame', direction: 'c2s', bytes: 6 }));
    small.notify();
    await settle(el);
    assert.match($(el, '.dropped').textContent!, /^1 dropped/);
    assert.equal($(el, '.n-messages').textContent, '2');
    assert.equal($(el, '.bytes-up').textContent, '106 B');
  });

  test('export holds the filtered events, all of them, and the button downloads it', async () => {
    for (let i = 0; i < 100; i++) buffer.push(ev({ transport: i % 2 ? 'ws' : 'sse', preview: `e${i}` }));
    el = await mount(buffer);
    const transport = $<HTMLSelectElement>(el, '.transport-filter');
    transport.value = 'sse';
    transport.dispatchEvent(new Event('change'));
    await settle(el);
    const exported = JSON.parse(el.exportJson()) as { events: { seq: number; transport: string; preview: string }[] };
    assert.lengthOf(exported.events, 50);
    assert.isTrue(exported.events.every((e) => e.transport === 'sse'));
    assert.equal(exported.events[49]!.preview, 'e98');

    const created: Blob[] = [];
    const original = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob | MediaSource) => {
      created.push(blob as Blob);
      return 'blob:about:blank#test';
    };
    try {
      $(el, '.export').click();
    } finally {
      URL.createObjectURL = original;
    }
    assert.lengthOf(created, 1);
    assert.deepEqual(JSON.parse(await created[0]!.text()), exported);
  });

  test('with 10,000 events only the rows in view are in the DOM, and scrolling draws the others', async () => {
    const big = new TrafficBuffer(10_000);
    for (let i = 0; i < 12_000; i++) big.push(ev({ time: i, preview: `event ${i}` }));
    el = await mount(big);
    assert.equal(el.shownCount, 10_000);
    assert.isAtMost(rows(el).length, 60);
    assert.isAtLeast(rows(el).length, 10);
    assert.match($(el, '.dropped').textContent!, /^2000 /);
    const last = rows(el).at(-1)!;
    assert.equal(last.querySelector('.preview')!.textContent, 'event 11999', 'follows the newest');
    const list = $(el, '.list');
    list.scrollTop = list.scrollHeight / 2;
    list.dispatchEvent(new Event('scroll'));
    await settle(el);
    const previews = rows(el).map((r) => Number(r.querySelector('.preview')!.textContent!.split(' ')[1]));
    assert.isAtMost(rows(el).length, 60);
    assert.isTrue(previews.some((p) => p > 6900 && p < 7100), `middle rows drawn: ${previews[0]}…`);
  });

  test('a flood of single-event notifications is drawn in one frame', async () => {
    el = await mount(buffer, 700, { observer: 'both' });
    let updates = 0;
    const count = () => updates++;
    const observer = new MutationObserver(count);
    observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    const start = performance.now();
    for (let i = 0; i < 1000; i++) {
      buffer.push(ev({ preview: `n${i}` }));
      buffer.notify();
    }
    const spent = performance.now() - start;
    await el.updateComplete;
    assert.equal(updates, 0, 'nothing is drawn per notification');
    await frame();
    await el.updateComplete;
    await Promise.resolve();
    observer.disconnect();
    assert.isAbove(updates, 0);
    assert.equal(el.shownCount, 1000, 'all of them after one frame');
    assert.isBelow(spent, 50, 'notifications only schedule a frame');
    assert.equal(rows(el).at(-1)!.querySelector('.preview')!.textContent, 'n999');
  });

  test('pause stops following; resume catches up; clear hides from this view only', async () => {
    buffer.push(ev({ preview: 'a' }));
    el = await mount(buffer);
    $(el, '.pause').click();
    await el.updateComplete;
    assert.equal($(el, '.pause').getAttribute('aria-pressed'), 'true');
    buffer.push(ev({ preview: 'b' }));
    buffer.notify();
    await settle(el);
    assert.lengthOf(rows(el), 1);
    assert.match($(el, '.paused').textContent!, /1 new/);
    $(el, '.pause').click();
    await settle(el);
    assert.lengthOf(rows(el), 2);
    $(el, '.clear').click();
    await settle(el);
    assert.lengthOf(rows(el), 0);
    assert.equal(buffer.size, 2, 'the buffer is shared; other views keep it');
    assert.equal($(el, '.n-messages').textContent, '0');
    buffer.push(ev({ preview: 'c' }));
    buffer.notify();
    await settle(el);
    assert.deepEqual(rows(el).map((r) => r.querySelector('.preview')!.textContent), ['c']);
  });

  test('a buffer cleared by the page empties the view; a new buffer replaces it', async () => {
    buffer.push(ev());
    el = await mount(buffer);
    buffer.clear();
    await settle(el);
    assert.lengthOf(rows(el), 0);
    buffer.push(ev({ preview: 'after' }));
    buffer.notify();
    await settle(el);
    assert.lengthOf(rows(el), 1);
    const next = new TrafficBuffer();
    next.push(ev({ preview: 'new run' }));
    el.buffer = next;
    await settle(el);
    assert.deepEqual(rows(el).map((r) => r.querySelector('.preview')!.textContent), ['new run']);
  });

  test('selectedSeq from outside selects the row and scrolls it into view', async () => {
    for (let i = 0; i < 500; i++) buffer.push(ev({ preview: `p${i}` }));
    el = await mount(buffer);
    el.selectedSeq = 20;
    await settle(el);
    const selected = el.shadowRoot!.querySelector('[aria-selected="true"]');
    assert.equal(selected?.querySelector('.preview')!.textContent, 'p19');
    const list = $(el, '.list').getBoundingClientRect();
    const row = selected!.getBoundingClientRect();
    assert.isTrue(row.top >= list.top && row.bottom <= list.bottom, 'in view');
  });

  test('a narrow column drops the delta column; a wide one keeps it', async () => {
    buffer.push(ev());
    buffer.push(ev({ time: 5 }));
    el = await mount(buffer, 420);
    assert.equal(getComputedStyle(rows(el)[1]!.querySelector('.delta')!).display, 'none');
    const preview = rows(el)[1]!.querySelector('.preview')!.getBoundingClientRect();
    assert.isAbove(preview.width, 100, 'the preview keeps room');
    el.style.width = '1000px';
    await settle(el);
    assert.notEqual(getComputedStyle(rows(el)[1]!.querySelector('.delta')!).display, 'none');
  });
});
