/**
 * npm run bench:page-costs — what the page's own mechanisms cost in the system Chromium, measured apart, behind the
 * choices their comments name:
 * - an empty task from a MessageChannel message and from `scheduler.postTask` (src/frame/loop-guard.ts,
 *   src/mocks/ws/pipe.ts, the mock-socket patch), chained and queued;
 * - a traffic event's way from the run frame to the page: `structuredClone` and a MessagePort, for the four kinds of
 *   event a socket.io message makes, as objects and as `packTraffic` tuples (src/shared/traffic-packing.ts);
 * - reading the clock, the run's way before (`performance.timeOrigin + performance.now()`, two reads of the window's
 *   `performance` accessor), as `performance.now()`, and through a `performance` read once (src/shared/clock.ts); and
 *   a WebSocket frame's mask, from `crypto.getRandomValues` each and from a pool (src/mocks/ws/traffic.ts).
 * Prints µs per task, event, clock read or mask, the median of 5 rounds, and the ratios the choices rest on. Not a test.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, chromePath } from '../test/support/chrome.mjs';

const root = resolve(import.meta.dirname, '..');
const packing = await build({
  entryPoints: [resolve(root, 'src/shared/traffic-packing.ts')],
  bundle: true,
  format: 'iife',
  globalName: 'packing',
  write: false,
  logLevel: 'silent',
});

const browser = await chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS, headless: true });
try {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><title>page costs</title>');
  await page.addScriptTag({ content: packing.outputFiles[0]!.text });
  // A string, not a function: what runs in the page must not depend on how tsx compiles this file.
  const figures = (await page.evaluate(`(async () => {
    const ROUNDS = 5, TASKS = 20000, EVENTS = 10000;
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    const perItem = async (n, run) => { const t = performance.now(); await run(n); return ((performance.now() - t) / n) * 1000; };
    const chainedChannel = (n) => new Promise((done) => { const c = new MessageChannel(); let i = 0; c.port1.onmessage = () => (++i >= n ? done() : c.port2.postMessage(0)); c.port2.postMessage(0); });
    const queuedChannel = (n) => new Promise((done) => { const c = new MessageChannel(); let i = 0; c.port1.onmessage = () => { if (++i >= n) done(); }; for (let k = 0; k < n; k++) c.port2.postMessage(0); });
    const chainedPostTask = (n) => new Promise((done) => { let i = 0; const f = () => (++i >= n ? done() : scheduler.postTask(f)); scheduler.postTask(f); });
    const queuedPostTask = (n) => new Promise((done) => { let i = 0; const f = () => { if (++i >= n) done(); }; for (let k = 0; k < n; k++) scheduler.postTask(f); });
    const x = 'x'.repeat(100);
    const kinds = (i) => [
      { time: 329.7 + i, party: 'client', observer: 'client', conn: 'ws#5', transport: 'ws', direction: 'c2s', kind: 'frame', bytes: 112, preview: '42["ack","' + x + '"]', body: '42["ack","' + x + '"]', details: {} },
      { time: 332.2 + i, party: 'client', observer: 'server', conn: 'ws#1', transport: 'ws', direction: 'c2s', kind: 'frame', bytes: 116, preview: '42["ack","' + x + '"]', body: '42["ack","' + x + '"]', details: { binary: false } },
      { time: 332.7 + i, party: 'server', observer: 'server', conn: 'socket.io#1', transport: 'socket.io', direction: 'c2s', kind: 'frame', bytes: 112, preview: '42["ack","' + x + '"]', body: '42["ack","' + x + '"]', details: { eioType: 'message', note: '#' + i + ' · websocket', sioType: 'EVENT', nsp: '/', ackId: i, event: 'ack' } },
      { time: 362.4 + i, party: 'server', observer: 'server', conn: 'socket.io#1', transport: 'socket.io', direction: 'c2s', kind: 'message', bytes: 0, preview: 'ack("' + x + '")', body: '["' + x + '"]', details: { sioType: 'EVENT', nsp: '/', event: 'ack', ackId: i, note: 'decodes #' + i, decodes: i } },
    ];
    const events = []; for (let i = 0; events.length < EVENTS; i++) events.push(...kinds(i));
    const objects = events.map((event) => ({ type: 'traffic', event }));
    const tuples = events.map((event) => ({ type: 'traffic', event: packing.packTraffic(event) }));
    const port = new MessageChannel();
    const throughPort = (batch) => new Promise((done) => { port.port1.onmessage = (m) => { void m.data.length; done(); }; port.port2.postMessage(batch); });
    const rows = {
      'MessageChannel task, chained': [], 'MessageChannel task, queued': [],
      'scheduler.postTask task, chained': [], 'scheduler.postTask task, queued': [],
      'event as an object, structuredClone': [], 'event as a tuple, structuredClone': [],
      'event as an object, MessagePort': [], 'event as a tuple, MessagePort': [],
      'clock, timeOrigin + now via the window': [], 'clock, performance.now()': [], 'clock, performance read once': [],
      'mask, getRandomValues each': [], 'mask, from a pool of 1 KiB': [],
    };
    const CLOCK_READS = 200000, MASKS = 50000;
    let sink = 0;
    const perf = performance, origin = performance.timeOrigin;
    const pool = new Uint8Array(1024);
    let poolAt = pool.length;
    for (let r = 0; r < ROUNDS; r++) {
      rows['MessageChannel task, chained'].push(await perItem(TASKS, chainedChannel));
      rows['scheduler.postTask task, chained'].push(await perItem(TASKS, chainedPostTask));
      rows['MessageChannel task, queued'].push(await perItem(TASKS, queuedChannel));
      rows['scheduler.postTask task, queued'].push(await perItem(TASKS, queuedPostTask));
      rows['event as an object, structuredClone'].push(await perItem(events.length, async () => structuredClone(objects)));
      rows['event as a tuple, structuredClone'].push(await perItem(events.length, async () => structuredClone(tuples)));
      rows['event as an object, MessagePort'].push(await perItem(events.length, () => throughPort(objects)));
      rows['event as a tuple, MessagePort'].push(await perItem(events.length, () => throughPort(tuples)));
      rows['clock, timeOrigin + now via the window'].push(await perItem(CLOCK_READS, async (n) => { for (let i = 0; i < n; i++) sink += performance.timeOrigin + performance.now(); }));
      rows['clock, performance.now()'].push(await perItem(CLOCK_READS, async (n) => { for (let i = 0; i < n; i++) sink += performance.now(); }));
      rows['clock, performance read once'].push(await perItem(CLOCK_READS, async (n) => { for (let i = 0; i < n; i++) sink += origin + perf.now(); }));
      rows['mask, getRandomValues each'].push(await perItem(MASKS, async (n) => { for (let i = 0; i < n; i++) sink += crypto.getRandomValues(new Uint8Array(4))[0]; }));
      rows['mask, from a pool of 1 KiB'].push(await perItem(MASKS, async (n) => { for (let i = 0; i < n; i++) { if (poolAt >= pool.length) { crypto.getRandomValues(pool); poolAt = 0; } sink += pool.slice(poolAt, (poolAt += 4))[0]; } }));
    }
    if (Number.isNaN(sink)) throw new Error('unreachable: keeps the loops from being optimised away');
    return Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
  })()`)) as Record<string, number>;
  console.log(`bench:page-costs — Chromium ${browser.version()}, median of 5 rounds`);
  for (const [name, us] of Object.entries(figures)) console.log(`  ${name.padEnd(38)} ${us.toFixed(2).padStart(7)} µs`);
  const ratio = (a: string, b: string) => (figures[a]! / figures[b]!).toFixed(2);
  console.log(`  tuples over objects: ${ratio('event as a tuple, structuredClone', 'event as an object, structuredClone')} (structuredClone), ${ratio('event as a tuple, MessagePort', 'event as an object, MessagePort')} (MessagePort)`);
  console.log(`  postTask over MessageChannel, chained: ${ratio('scheduler.postTask task, chained', 'MessageChannel task, chained')}`);
  console.log(`  clock, read once over timeOrigin + now via the window: ${ratio('clock, performance read once', 'clock, timeOrigin + now via the window')}; ` +
    `mask from a pool over getRandomValues each: ${ratio('mask, from a pool of 1 KiB', 'mask, getRandomValues each')}`);
} finally {
  await browser.close();
}
