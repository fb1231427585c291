/**
 * The page bench/mocks.ts drives, one mode per browser context (`?mode=…&config=<json>`):
 * - runtime: a run as the lesson page starts one (RunSession → run frame → in-browser runtime, taps and outbox on),
 *   with bench/mocks/server.js as server.js and bench/mocks/client.js as client.js;
 * - reference: the same client.js evaluated in this plain page, native WebSocket and EventSource, against the real
 *   Node server the driver started;
 * - views: <traffic-inspector> and <sequence-diagram> over a TrafficBuffer fed 1,000 events a second, frame times
 *   from requestAnimationFrame deltas.
 * The outcome is left in `window.bench` (a promise) for the driver to read.
 */
import { io } from 'socket.io-client';
import '../../src/components/sequence-diagram.js';
import '../../src/components/traffic-inspector.js';
import { RunSession } from '../../src/page/run-session.js';
import { TrafficBuffer, type TrafficInput } from '../../src/shared/traffic.js';
import { toBase64, utf8Bytes } from '../../src/shared/wire/bytes.js';
import { encodeFrame } from '../../src/shared/wire/websocket-frames.js';
import clientSource from './client.js?raw';
import serverSource from './server.js?raw';

declare global {
  interface Window {
    bench: Promise<unknown>;
    io?: unknown;
  }
}

const params = new URLSearchParams(location.search);
const config = JSON.parse(params.get('config') ?? '{}') as Record<string, unknown>;
const clientCode = `const BENCH_CONFIG = ${JSON.stringify(config)};\n${clientSource}`;

/** The client's one result message: it posts to its parent, which is this page in both modes. */
function clientResult(timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no result from client.js within ${timeoutMs} ms`)), timeoutMs);
    window.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as { type?: string; result?: unknown } | null;
      if (event.origin !== location.origin || data?.type !== 'bench-result') return;
      clearTimeout(timer);
      resolve(data.result);
    });
  });
}

async function runtime(): Promise<unknown> {
  const session = new RunSession();
  const host = document.createElement('div');
  document.body.append(host);
  // A run that ends on its own (an endless loop stopped, the server crashed) will send no result: fail at once.
  const ended = new Promise<never>((_, reject) => {
    session.subscribe(() => {
      if (session.endReason) reject(new Error(`the run ended: ${session.endReason.message}`));
    });
  });
  ended.catch(() => {});
  const result = clientResult(Number(config.totalMs));
  try {
    await session.run(
      { 'server.js': serverSource, 'client.js': clientCode },
      { mode: 'browser', lang: 'en', host, ...(config.recordWire === false ? { recordWire: false } : {}) },
    );
    const client = await Promise.race([result, ended]);
    return {
      client,
      // What the page received from the run while it was measured: every event the taps and shims reported.
      traffic: { kept: session.traffic.size, dropped: session.traffic.dropped },
      errors: session.errors.map((e) => `${e.side} ${e.kind}: ${e.message}`),
    };
  } catch (error) {
    // Say why: the run's own errors and console usually tell.
    const lines = [...session.consoles.server.lines, ...session.consoles.client.lines].map((l) => `${l.side}: ${l.text}`);
    throw new Error(`${String(error)}\n${lines.slice(-20).join('\n')}`);
  } finally {
    await session.stop();
  }
}

async function reference(): Promise<unknown> {
  window.io = io;
  const result = clientResult(Number(config.totalMs));
  (0, eval)(clientCode);
  return { client: await result };
}

// ---------------------------------------------------------------------------------------------------------------
// views

const PAYLOADS = [
  '{"type":"chat","from":"张三","text":"hello everyone, this is message number ',
  '{"name":"张三","age":20,"seq":',
  '42["chat message",{"user":"li","text":"typing a longer line to fill the preview column ',
];

/** A plausible mix of what a lesson's run reports: mostly WebSocket messages, some SSE, a request now and then. */
function syntheticEvent(i: number, time: number): TrafficInput {
  const base = { time, party: 'client', observer: 'client' as const, details: {} };
  const k = i % 20;
  if (k === 0) {
    return { ...base, conn: `http#${i}`, transport: 'http', direction: 'c2s', kind: 'request', bytes: 320,
      preview: `GET /news?since=${i}`, details: { method: 'GET', url: `/news?since=${i}`, headers: { accept: '*/*' } } };
  }
  if (k === 1) {
    const body = `[{"id":${i},"title":"news ${i}"}]`;
    return { ...base, conn: `http#${i - 1}`, transport: 'http', direction: 's2c', kind: 'response', bytes: 180 + body.length,
      preview: `200 ${body}`, body, details: { status: 200, statusText: 'OK', headers: { 'content-type': 'application/json' } } };
  }
  if (k < 5) {
    const data = `${PAYLOADS[1]}${i}}`;
    return { ...base, conn: 'sse#1', transport: 'sse', direction: 's2c', kind: 'message', bytes: data.length + 14,
      preview: `data: ${data} id: ${i}`, body: data, details: { eventId: String(i) } };
  }
  const text = `${PAYLOADS[i % PAYLOADS.length]}${i}"}`;
  return { ...base, conn: 'ws#1', transport: 'ws', direction: i % 2 ? 's2c' : 'c2s', kind: 'message', bytes: text.length,
    preview: text, body: text, details: {} };
}

/**
 * The wire of a WebSocket lesson as the record has it ('bytes' events, the server's side): one connection's upgrade
 * and 101, then frames both ways (the client's masked), and now and then a short HTTP exchange on a connection of its
 * own. A full buffer has dropped the upgrade long ago, as a long flood does: the views decode from what is left.
 */
const WIRE = (() => {
  const b64 = (bytes: Uint8Array) => toBase64(bytes);
  const frames = PAYLOADS.map((p, n) => ({
    s2c: b64(encodeFrame({ opcode: 1, payload: utf8Bytes(`${p}${n}"}`) })),
    c2s: b64(encodeFrame({ opcode: 1, payload: utf8Bytes(`${p}${n}"}`), mask: new Uint8Array([1, 2, 3, 4]) })),
    bytes: utf8Bytes(`${p}${n}"}`).length + 2,
  }));
  return {
    upgrade: b64(utf8Bytes('GET / HTTP/1.1\r\nHost: localhost:8181\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')),
    switching: b64(utf8Bytes('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n')),
    get: b64(utf8Bytes('GET /news?since=1 HTTP/1.1\r\nHost: localhost:3000\r\nAccept: */*\r\n\r\n')),
    ok: b64(utf8Bytes('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Mon, 30 Nov 2026 07:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 28\r\n\r\n[{"id":1,"title":"news 1"}]\n')),
    frames,
  };
})();

function wireEvent(i: number, time: number): TrafficInput {
  const base = { time, party: 'client', observer: 'server' as const, transport: 'tcp' as const, kind: 'bytes' as const };
  const at = (conn: string, direction: 'c2s' | 's2c', raw: string, bytes: number): TrafficInput => ({
    ...base, conn, direction, bytes, preview: '', details: { raw, port: 8181 },
  });
  if (i === 0) return at('tcp#ws', 'c2s', WIRE.upgrade, 160);
  if (i === 1) return at('tcp#ws', 's2c', WIRE.switching, 129);
  const k = i % 20;
  if (k === 0) return at(`tcp#${i}`, 'c2s', WIRE.get, 70);
  if (k === 1) return at(`tcp#${i - 1}`, 's2c', WIRE.ok, 180);
  const f = WIRE.frames[i % WIRE.frames.length]!;
  return i % 2 ? at('tcp#ws', 's2c', f.s2c, f.bytes) : at('tcp#ws', 'c2s', f.c2s, f.bytes + 4);
}

/** Pushes `rate` events a second in batches every 50 ms, as the page receives the run frame's outbox flushes. */
function feed(buffer: TrafficBuffer, rate: number, startIndex: number, startTime: number, make = syntheticEvent): () => void {
  const t0 = performance.now();
  let pushed = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    // Bounded: a throttled timer catches up by at most one second's worth.
    for (let n = 0; pushed < due && n < rate; n++, pushed++) {
      buffer.push(make(startIndex + pushed, startTime + (pushed * 1000) / rate));
    }
    buffer.notify();
  }, 50);
  return () => clearInterval(timer);
}

const nextFrame = () => new Promise<number>((ok) => requestAnimationFrame(ok));

/**
 * Frame times: rAF deltas (whole vsync intervals), and each frame's own work, from the frame's rAF timestamp to a
 * message posted during it, which is delivered once that frame's rAF callbacks, style, layout and paint are done (and
 * after any task already queued, such as a feed batch: that is work the page does between frames too).
 */
async function frameTimes(ms: number): Promise<{ deltas: number[]; work: number[] }> {
  const deltas: number[] = [];
  const work: number[] = [];
  const channel = new MessageChannel();
  let frameStart = 0;
  channel.port1.onmessage = () => work.push(performance.now() - frameStart);
  let last = await nextFrame();
  const end = last + ms;
  while (last < end && deltas.length < 10_000) {
    const t = await new Promise<number>((ok) =>
      requestAnimationFrame((stamp) => {
        frameStart = stamp;
        channel.port2.postMessage(0);
        ok(stamp);
      }),
    );
    deltas.push(t - last);
    last = t;
  }
  channel.port1.close();
  return { deltas, work };
}

/** 'wire': the inspector showing the wire's HTTP / frames layer (the server's side), fed 'bytes' events. */
type ViewSet = 'none' | 'inspector' | 'diagram' | 'both' | 'wire';

async function scenario(views: ViewSet, prefill: number): Promise<{ deltas: number[]; work: number[]; events: number; mountMs: number }> {
  const buffer = new TrafficBuffer();
  const make = views === 'wire' ? wireEvent : syntheticEvent;
  for (let i = 0; i < prefill; i++) buffer.push(make(i, i));
  const row = document.createElement('div');
  const mount = (tag: 'traffic-inspector' | 'sequence-diagram', width: number) => {
    const box = document.createElement('div');
    box.className = 'view';
    box.style.width = `${width}px`;
    box.style.height = '320px';
    const el = document.createElement(tag);
    el.setAttribute('observer', views === 'wire' ? 'server' : 'client');
    if (views === 'wire') el.setAttribute('layer', 'http');
    if (tag === 'sequence-diagram' && views === 'both') el.setAttribute('shared-filters', '');
    el.buffer = buffer;
    box.append(el);
    row.append(box);
  };
  const mountStart = performance.now();
  if (views === 'inspector' || views === 'both' || views === 'wire') mount('traffic-inspector', 480);
  if (views === 'diagram' || views === 'both') mount('sequence-diagram', 380);
  document.body.append(row);
  await nextFrame();
  await nextFrame();
  const mountMs = performance.now() - mountStart;
  const stop = feed(buffer, Number(config.viewRate), prefill, prefill, make);
  try {
    await frameTimes(Number(config.viewWarmupMs));
    const { deltas, work } = await frameTimes(Number(config.viewMs));
    return { deltas, work, events: buffer.size + buffer.dropped, mountMs };
  } finally {
    stop();
    row.remove();
  }
}

/**
 * Each scenario runs `viewRounds` times, round-robin, and its frames are pooled: the machine is shared, and a burst of
 * someone else's work then falls on every scenario alike rather than on whichever ran at that moment.
 */
async function views(): Promise<unknown> {
  const out: Record<string, { deltas: number[]; work: number[]; events: number; mountMs: number[] }> = {};
  const full = Number(config.viewPrefill);
  for (let round = 0; round < Number(config.viewRounds); round++) {
    for (const set of ['none', 'inspector', 'diagram', 'both', 'wire'] as const) {
      for (const [key, prefill] of [['live', 0], ['full', full]] as const) {
        const s = await scenario(set, prefill);
        const acc = (out[`${set}/${key}`] ??= { deltas: [], work: [], events: 0, mountMs: [] });
        acc.deltas.push(...s.deltas);
        acc.work.push(...s.work);
        acc.events += s.events;
        acc.mountMs.push(s.mountMs);
      }
    }
  }
  return out;
}

const modes: Record<string, () => Promise<unknown>> = { runtime, reference, views };
const mode = params.get('mode') ?? '';
window.bench = modes[mode]?.() ?? Promise.reject(new Error(`unknown mode '${mode}'`));
// Keep the rejection for the driver, not the console.
window.bench.catch(() => {});
