import { assert } from 'chai';
import '../../../src/components/transport-comparison.js';
import '../../../src/components/sequence-diagram.js';
import type { TransportComparison } from '../../../src/components/transport-comparison.js';
import { installClientTaps } from '../../../src/frame/taps/index.js';
import { pushPollKind } from '../../../src/lessons/checks/push.js';
import type { RuntimeContext } from '../../../src/mocks/context.js';
import { startBrowserRuntime } from '../../../src/mocks/runtime.js';
import { TrafficBuffer, type TrafficInput } from '../../../src/shared/traffic.js';
import { until } from '../http/fake-context.js';

const EPOCH = 1_700_000_000_000;
const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function mount(buffer: TrafficBuffer, epoch?: number): Promise<TransportComparison> {
  const el = document.createElement('transport-comparison');
  el.style.cssText = 'display:block;width:900px';
  el.buffer = buffer;
  // The push lesson's URL convention tells its long polls from its short ones, as lesson-view passes it.
  el.pollKind = pushPollKind;
  if (epoch !== undefined) el.epoch = epoch;
  document.body.append(el);
  await frame();
  await el.updateComplete;
  return el;
}

/** The summary table as a person reads it: way → column → text. */
function table(el: TransportComparison): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const tr of el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('table.summary tbody tr')) {
    const row: Record<string, string> = {};
    for (const td of tr.querySelectorAll('td[class]')) row[td.className] = td.textContent!.trim();
    out[tr.dataset['way']!] = row;
  }
  return out;
}

function ev(over: Partial<TrafficInput>): TrafficInput {
  return { time: 0, party: 'client', observer: 'client', conn: 'http#1', transport: 'http', direction: 'c2s', kind: 'request', bytes: 0, preview: '', details: {}, ...over };
}

suite('<transport-comparison>', () => {
  const mounted: HTMLElement[] = [];
  teardown(() => {
    for (const el of mounted.splice(0)) el.remove();
  });

  test('a known run: requests, items, bytes each way and delays per way in the table, and four uPlot charts', async () => {
    const buffer = new TrafficBuffer();
    const item = (id: number, t: number) => JSON.stringify({ id, t: EPOCH + t, text: `news ${id}` });
    // Two short polls 1 s apart: an empty answer, then item 1 published at 0.2 s.
    buffer.push(ev({ time: 0, bytes: 120, details: { method: 'GET', url: 'http://localhost:3000/news/short?since=0' } }));
    buffer.push(ev({ time: 5, kind: 'response', direction: 's2c', bytes: 100, details: { status: 200 } }));
    buffer.push(ev({ time: 5, kind: 'message', direction: 's2c', bytes: 2, body: '[]' }));
    buffer.push(ev({ time: 1000, conn: 'http#2', bytes: 120, details: { method: 'GET', url: 'http://localhost:3000/news/short?since=0' } }));
    buffer.push(ev({ time: 1005, conn: 'http#2', kind: 'response', direction: 's2c', bytes: 100, details: { status: 200 } }));
    buffer.push(ev({ time: 1005, conn: 'http#2', kind: 'message', direction: 's2c', bytes: 50, body: `[${item(1, 200)}]` }));
    // One long poll, answered when item 1 is published.
    buffer.push(ev({ time: 1, conn: 'http#3', bytes: 119, details: { method: 'GET', url: 'http://localhost:3000/news/long?since=0' } }));
    buffer.push(ev({ time: 203, conn: 'http#3', kind: 'response', direction: 's2c', bytes: 100, details: { status: 200 } }));
    buffer.push(ev({ time: 203, conn: 'http#3', kind: 'message', direction: 's2c', bytes: 50, body: `[${item(1, 200)}]` }));
    // SSE and WebSocket: one open each, the item pushed.
    buffer.push(ev({ time: 2, conn: 'sse#4', transport: 'sse', kind: 'open', direction: 'none' }));
    buffer.push(ev({ time: 201, conn: 'sse#4', transport: 'sse', kind: 'message', direction: 's2c', bytes: 60, body: item(1, 200), details: { eventId: '1' } }));
    buffer.push(ev({ time: 3, conn: 'ws#5', transport: 'ws', kind: 'open', direction: 'none' }));
    buffer.push(ev({ time: 204, conn: 'ws#5', transport: 'ws', kind: 'frame', direction: 's2c', bytes: 50, body: item(1, 200) }));
    // The server's own view is left out by default (it would count every byte twice).
    buffer.push(ev({ time: 5, observer: 'server', conn: 'http#9', bytes: 999, details: { url: '/news/short' } }));
    buffer.notify();
    const el = await mount(buffer, EPOCH);
    mounted.push(el);
    assert.deepEqual(table(el), {
      short: { requests: '2', items: '1', up: '240 B', down: '252 B', 'per-item': '492 B', median: '805 ms', max: '805 ms' },
      long: { requests: '1', items: '1', up: '119 B', down: '150 B', 'per-item': '269 B', median: '3 ms', max: '3 ms' },
      sse: { requests: '1', items: '1', up: '0 B', down: '60 B', 'per-item': '60 B', median: '1 ms', max: '1 ms' },
      ws: { requests: '1', items: '1', up: '0 B', down: '50 B', 'per-item': '50 B', median: '4 ms', max: '4 ms' },
    });
    assert.lengthOf(el.shadowRoot!.querySelectorAll('.uplot'), 4);
    assert.include(el.shadowRoot!.querySelector('.u-legend')!.textContent, 'Long polling');

    // Live: a new event updates the table on the next frame.
    buffer.push(ev({ time: 2000, conn: 'http#6', bytes: 120, details: { url: 'http://localhost:3000/news/short?since=1' } }));
    buffer.notify();
    await frame();
    await el.updateComplete;
    assert.equal(table(el)['short']!['requests'], '3');
  });

  test('the push lesson’s server.js and client.js in the in-browser runtime: all four ways deliver the news', async function () {
    this.timeout(30_000);
    // Read before the runtime starts: from then on MSW answers this page's requests.
    const [serverCode = '', clientCode = ''] = await Promise.all(
      ['server.js', 'client.js'].map(async (f) => (await fetch(`/src/lessons/push/${f}`)).text()),
    );
    const buffer = new TrafficBuffer();
    const t0 = performance.now();
    const epoch = performance.timeOrigin + t0;
    const now = () => performance.now() - t0;
    const fatals: unknown[] = [];
    const report = (e: TrafficInput) => {
      buffer.push(e);
      buffer.notify();
    };
    const ctx: RuntimeContext = {
      win: window,
      report,
      now,
      log: () => {},
      fatal: (error) => fatals.push(error),
      lang: 'en',
      runId: `test-${Math.random().toString(36).slice(2)}`,
    };
    const runtime = await startBrowserRuntime(ctx);
    // The client's timers, sources and sockets, so that the test can end them as removing the run frame would.
    let stopped = false;
    const timers: number[] = [];
    const closers: Array<() => void> = [];
    const uninstallTaps = installClientTaps(window, { party: 'client', now, report });
    const root = document.createElement('div');
    document.body.append(root);
    try {
      // The server as the run frame evaluates it: CommonJS wrapper, the runtime's require.
      const module = { exports: {} };
      new Function('require', 'module', 'exports', 'console', serverCode)(runtime.require, module, module.exports, { log() {}, error() {}, warn() {} });
      const client = {
        setInterval: (fn: () => void, ms: number) => (timers.push(window.setInterval(fn, ms)), timers.at(-1)),
        setTimeout: (fn: () => void, ms: number) => (stopped ? 0 : (timers.push(window.setTimeout(fn, ms)), timers.at(-1))),
        EventSource: class extends EventSource {
          constructor(url: string) {
            super(url);
            closers.push(() => this.close());
          }
        },
        WebSocket: class extends WebSocket {
          constructor(url: string) {
            super(url);
            closers.push(() => this.close());
          }
        },
        fetch: (input: string) => (stopped ? new Promise<Response>(() => {}) : fetch(input)),
        document: { createElement: (t: string) => document.createElement(t), body: root },
        console: { log() {} },
      };
      new Function(...Object.keys(client), clientCode)(...Object.values(client));

      const el = await mount(buffer, epoch);
      mounted.push(el);
      // Items are published every 2 s; wait (bounded) until each way has shown two of them.
      await until(() => Object.values(table(el)).every((row) => Number(row['items']) >= 2), 15_000, 'two items each way').catch((error: Error) => {
        const seen = buffer.slice(0).map((e) => `${e.observer} ${e.conn} ${e.kind} ${e.preview.slice(0, 60)}`);
        throw new Error(`${error.message}: ${JSON.stringify(table(el))}\n${seen.slice(-40).join('\n')}\n${fatals.map(String).join('\n')}`);
      });
      const t = table(el);
      assert.equal(t['sse']!['requests'], '1');
      assert.equal(t['ws']!['requests'], '1');
      assert.isAtLeast(Number(t['short']!['requests']), 2);
      assert.isAtLeast(Number(t['long']!['requests']), 2);
      for (const way of ['short', 'long', 'sse', 'ws']) {
        assert.match(t[way]!['median']!, /^\d+ ms$/, way);
        assert.notEqual(t[way]!['down'], '0 B', way);
      }
      // Counted on the recorded wire: polling pays headers on every request; SSE pays its one GET and nothing after it
      // (a few hundred bytes, not 0 B as when only the API taps were counted).
      assert.notEqual(t['short']!['up'], '0 B');
      assert.match(t['sse']!['up']!, /^[1-9]\d{1,2} B$/);
      assert.notEqual(t['ws']!['up'], '0 B');
      // The shown items, in the client's own list: each way's client adds its item after the response or message the
      // table counted (a long poll parses the JSON body first), so the last may still be on its way (CI: 7 of 8).
      await until(() => root.querySelectorAll('li').length >= 8, 5_000, 'eight items in the client’s list');
      assert.deepEqual(fatals, []);
    } finally {
      stopped = true;
      for (const id of timers) clearTimeout(id);
      for (const close of closers) close();
      uninstallTaps();
      await runtime.stop();
      root.remove();
      await workerGone();
    }
  });
});

/** As the http tests do: let MSW's worker unregister before the next suite starts one. */
async function workerGone(): Promise<void> {
  const end = performance.now() + 2000;
  while (performance.now() < end) {
    if (!(await navigator.serviceWorker.getRegistrations()).length) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}
