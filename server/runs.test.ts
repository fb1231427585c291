/**
 * The backend as a page uses it: start a learner's server.js in real Node, follow its output, reach it through the
 * proxy (plain HTTP, SSE, WebSocket, socket.io) and directly, replace it, stop it, close the page.
 * Every test starts a real backend process and real learner processes.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { createParser } from 'eventsource-parser';
import {
  isListening,
  learnerPort,
  learnerPids,
  openLog,
  runOn,
  spawnBackend,
  startRun,
  type BackendProcess,
} from './testing/backend-process.js';

let backend: BackendProcess;
let token: string;

beforeAll(async () => {
  backend = await spawnBackend([], { PUSHLAB_DETACH_GRACE_MS: '100' });
  token = (await backend.meta()).token;
}, 30_000);

afterAll(async () => {
  await backend?.stop();
});

const auth = () => ({ 'x-pushlab-token': token });

const run = (pageId: string, code: string) => runOn(backend.url, token, pageId, code);

/** A lesson-like server: HTTP, an SSE stream that advances when told to, ws on the same server and on its own port. */
function lessonServer(port: number, wsPort: number): string {
  return `
const http = require('http');
const { WebSocketServer } = require('ws');
let sse = null;
const server = http.createServer((req, res) => {
  if (req.url === '/hello') {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('hello from real node, ' + req.method);
  } else if (req.url.startsWith('/say?')) {
    console.log('said ' + decodeURIComponent(req.url.slice(5)));
    res.end('ok');
  } else if (req.url === '/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let n = 0;
    sse = () => res.write('id: ' + (++n) + '\\ndata: tick ' + n + '\\n\\n');
    sse();
    req.on('close', () => console.log('sse client left'));
  } else if (req.url === '/next') {
    sse();
    res.end('sent');
  } else {
    res.statusCode = 404;
    res.end('no route ' + req.url);
  }
});
new WebSocketServer({ server }).on('connection', (ws) => ws.on('message', (m) => ws.send('proxied echo: ' + m)));
server.listen(${port}, () => {
  console.log('http listening on ${port}');
  new WebSocketServer({ port: ${wsPort} }).on('connection', (ws) => ws.on('message', (m) => ws.send('direct echo: ' + m)));
});
console.log('line one');
console.log('line two');
console.error('to stderr');
`;
}

describe('a run in real Node', () => {
  const port = learnerPort();
  const wsPort = port + 2_500;
  let runId: string;
  let log: Awaited<ReturnType<typeof run>>['log'];

  beforeAll(async () => {
    ({ runId, log } = await run('page-a', lessonServer(port, wsPort)));
    await log.next('listening');
    await log.next('listening');
    // 'listening' comes over IPC, the learner's lines over the stdout and stderr pipes: three channels with no
    // order between them, so wait for what the first test reads rather than assume it came first.
    await log.next('stdout', `http listening on ${port}`);
    await log.next('stderr', 'to stderr');
  }, 20_000);

  test('output arrives live, in order, with times; listening reports the port', async () => {
    const out = log.events.filter((e) => e.type === 'stdout').map((e) => e.data.text);
    expect(out.slice(0, 3)).toEqual(['line one', 'line two', `http listening on ${port}`]);
    const err = log.events.find((e) => e.type === 'stderr');
    expect(err?.data.text).toBe('to stderr');
    const listening = log.events.filter((e) => e.type === 'listening').map((e) => e.data);
    expect(listening.map((l) => l.port)).toEqual([port, wsPort]);
    // The learner's listen(port) had no host: the preload bound it to loopback only.
    expect(listening.every((l) => l.address === '127.0.0.1')).toBe(true);
    const times = log.events.map((e) => e.data.time as number);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // A line logged while the child runs arrives while it runs, not at exit.
    await fetch(`${backend.url}say?now`);
    await log.next('stdout', 'said now');
    expect(log.events.some((e) => e.type === 'exit')).toBe(false);
  });

  test('a relative URL the page requests is proxied to the child', async () => {
    const res = await fetch(`${backend.url}hello`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('hello from real node, POST');
    const missing = await fetch(`${backend.url}nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('no route /nothing-here');
  });

  test('the page’s own files are served by the backend, not the child', async () => {
    const res = await fetch(`${backend.url}assets/app-abc123.js`);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toContain('fixture');
  });

  test('an SSE response streams through the proxy event by event', async () => {
    const controller = new AbortController();
    const res = await fetch(`${backend.url}events`, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const got: string[] = [];
    let wake = () => {};
    const parser = createParser({
      onEvent: (e) => {
        got.push(`${e.id}:${e.data}`);
        wake();
      },
    });
    const waitFor = async (n: number) => {
      while (got.length < n) await new Promise<void>((r) => (wake = r));
    };
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk));
      } catch {
        // aborted
      }
    })();
    // The server sends the second event only when asked: the first must arrive while the response is still open.
    await waitFor(1);
    expect(got).toEqual(['1:tick 1']);
    await fetch(`${backend.url}next`);
    await waitFor(2);
    expect(got).toEqual(['1:tick 1', '2:tick 2']);
    // The page leaving must reach the learner's server as the request's 'close'.
    controller.abort();
    await reading;
    await log.next('stdout', 'sse client left');
  });

  test('a WebSocket upgrade on the page’s origin is proxied to the child', async () => {
    const ws = new WebSocket(`${backend.url.replace('http', 'ws')}chat`);
    await once(ws, 'open');
    ws.send('hi');
    const [reply] = (await once(ws, 'message')) as [Buffer];
    expect(reply.toString()).toBe('proxied echo: hi');
    ws.close(1000);
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1000);
  });

  test('ws://localhost:<port> reaches the child directly', async () => {
    const ws = new WebSocket(`ws://localhost:${wsPort}`);
    await once(ws, 'open');
    ws.send('hi');
    const [reply] = (await once(ws, 'message')) as [Buffer];
    expect(reply.toString()).toBe('direct echo: hi');
    ws.close();
  });

  test('a new run from the same page replaces the child; its old port is free again', async () => {
    const next = await run('page-a', `require('http').createServer((q, s) => s.end('second')).listen(0)`);
    // The old child was ended before the new one started.
    const exit = await log.next('exit');
    expect(exit.data.reason).toBe('replaced');
    expect(await isListening(port)).toBe(false);
    expect(await isListening(wsPort)).toBe(false);
    await next.log.next('listening');
    expect(await (await fetch(`${backend.url}hello`)).text()).toBe('second');
    // Stop: answers once the child is gone, and the log says why.
    const stop = await fetch(`${backend.url}__pushlab/runs/${next.runId}/stop`, { method: 'POST', headers: auth() });
    expect(stop.status).toBe(200);
    const stopped = await next.log.next('exit');
    expect(stopped.data).toMatchObject({ reason: 'stopped', signal: 'SIGTERM' });
    await next.log.ended();
    expect(await learnerPids(backend.proc.pid!)).toEqual([]);
    // A finished run's log answers 204 to a reconnection, which tells EventSource to stop retrying.
    const again = await fetch(`${backend.url}__pushlab/runs/${runId}/log?token=${token}`, {
      headers: { 'last-event-id': exit.id! },
    });
    expect(again.status).toBe(204);
  }, 20_000);
});

test('a crash is reported with its stack on stderr, then the exit code', async () => {
  const { log } = await run(
    'page-crash',
    `console.log('about to fail');\nfunction explode() { throw new Error('boom'); }\nsetTimeout(explode, 10);\n`,
  );
  const exit = await log.next('exit');
  expect(exit.data).toMatchObject({ code: 1, signal: null, reason: null });
  const stderr = log.events.filter((e) => e.type === 'stderr').map((e) => e.data.text as string).join('\n');
  expect(stderr).toContain('Error: boom');
  // Node names the function and the learner's own file and line; the temp dir it ran from is cut.
  expect(stderr).toMatch(/at Timeout\.explode .*\(server\.js:2:\d+\)/);
  expect(stderr).not.toContain('pushlab-run-');
  expect(log.events[0]).toMatchObject({ type: 'stdout', data: { text: 'about to fail' } });
});

test('closing the page’s log stream ends the child', async () => {
  const port = learnerPort();
  const { log } = await run('page-closing', `require('http').createServer(() => {}).listen(${port})`);
  await log.next('listening');
  expect(await isListening(port)).toBe(true);
  expect(await learnerPids(backend.proc.pid!)).toHaveLength(1);
  log.close();
  // The backend waits a grace period (100 ms here) for an EventSource reconnection, then ends the child.
  while ((await learnerPids(backend.proc.pid!)).length > 0) await new Promise((r) => setTimeout(r, 50));
  expect(await isListening(port)).toBe(false);
});

test('socket.io through the proxy: polling, then the upgrade to WebSocket', async () => {
  const { log, runId } = await run(
    'page-sio',
    `const server = require('http').createServer();
const io = require('socket.io')(server);
io.on('connection', (socket) => socket.on('ping', (n, ack) => ack(n + 1)));
server.listen(0);`,
  );
  await log.next('listening');
  const socket = io(backend.url, { reconnection: false });
  try {
    await new Promise((r, j) => socket.once('connect', () => r(null)).once('connect_error', j));
    expect(await socket.emitWithAck('ping', 41)).toBe(42);
    if (socket.io.engine.transport.name !== 'websocket') {
      await new Promise((r) => socket.io.engine.once('upgrade', r));
    }
    expect(socket.io.engine.transport.name).toBe('websocket');
    expect(await socket.emitWithAck('ping', 1)).toBe(2);
  } finally {
    socket.close();
    await fetch(`${backend.url}__pushlab/runs/${runId}/stop`, { method: 'POST', headers: auth() });
  }
});

test('the child environment holds none of the backend’s variables', async () => {
  const { log } = await run('page-env', `console.log(JSON.stringify(Object.keys(process.env).sort()))`);
  const line = await log.next('stdout');
  const keys = JSON.parse(line.data.text as string) as string[];
  expect(keys.some((k) => k.startsWith('PUSHLAB_'))).toBe(false);
  expect(keys).toContain('NODE_PATH');
});

test('a flood of output arrives complete and in order', async () => {
  const { log } = await run(
    'page-flood',
    `const server = require('http').createServer((req, res) => {
  res.end('go');
  for (let i = 0; i < 20000; i++) console.log('line ' + i + ' ' + 'x'.repeat(100));
  server.close();
});
server.listen(0);`,
  );
  await log.next('listening');
  await fetch(`${backend.url}go`);
  await log.next('exit');
  const lines = log.events.filter((e) => e.type === 'stdout').map((e) => (e.data.text as string).split(' ')[1]);
  expect(lines).toHaveLength(20000);
  expect(lines.every((n, i) => n === String(i))).toBe(true);
}, 30_000);

test('two quick Runs from one page leave one child', async () => {
  const code = `require('http').createServer(() => {}).listen(0)`;
  const body = { pageId: 'page-twice', lessonId: 'lesson', files: { 'server.js': code } };
  const [a, b] = await Promise.all([startRun(backend.url, body, auth()), startRun(backend.url, body, auth())]);
  expect([a.status, b.status]).toEqual([201, 201]);
  const ids = await Promise.all([a.json(), b.json()]);
  const logs = ids.map(({ runId }) => openLog(backend.url, runId as string, token));
  // Exactly one of them was replaced by the other.
  const first = await Promise.race(logs.map((l, i) => l.next('exit').then(() => i)));
  await logs[1 - first]!.next('listening');
  expect(await learnerPids(backend.proc.pid!)).toHaveLength(1);
  await fetch(`${backend.url}__pushlab/runs/${ids[1 - first].runId}/stop`, { method: 'POST', headers: auth() });
});

test('with two pages running, a run frame’s ?pushlab-page= in its Referer picks its own page’s server', async () => {
  const serve = (name: string) => `require('http').createServer((q, s) => s.end('${name}')).listen(0)`;
  const a = await run('page-one', serve('one'));
  await a.log.next('listening');
  const b = await run('page-two', serve('two'));
  await b.log.next('listening');
  const from = (pageId: string) => ({ referer: `${backend.url}run.html?pushlab-page=${pageId}` });
  expect(await (await fetch(`${backend.url}which`, { headers: from('page-one') })).text()).toBe('one');
  expect(await (await fetch(`${backend.url}which`, { headers: from('page-two') })).text()).toBe('two');
  // Without a hint, the newest run answers.
  expect(await (await fetch(`${backend.url}which`)).text()).toBe('two');
  for (const { runId } of [a, b]) {
    await fetch(`${backend.url}__pushlab/runs/${runId}/stop`, { method: 'POST', headers: auth() });
  }
});

test('a Run from another page ends a child whose page has left, so the port it held is free at once', async () => {
  // A long reconnect grace, as in real use: without the fix the old child would hold the port for all of it.
  const patient = await spawnBackend([], { PUSHLAB_DETACH_GRACE_MS: '60000' });
  try {
    const key = { 'x-pushlab-token': (await patient.meta()).token };
    const start = async (pageId: string, code: string) => {
      const res = await startRun(patient.url, { pageId, lessonId: 'lesson', files: { 'server.js': code } }, key);
      expect(res.status).toBe(201);
      const log = openLog(patient.url, ((await res.json()) as { runId: string }).runId, key['x-pushlab-token']);
      await log.ready;
      return log;
    };
    const port = learnerPort();
    const server = `require('http').createServer(() => {}).listen(${port}, () => console.log('listening on ${port}'))`;
    const left = await start('page-that-left', server);
    await left.next('stdout', `listening on ${port}`);
    left.close(); // the tab is closed; its child waits out the grace
    await expect.poll(() => learnerPids(patient.proc.pid!)).toHaveLength(1);
    const next = await start('page-that-runs', server);
    await next.next('stdout', `listening on ${port}`);
    expect((await learnerPids(patient.proc.pid!)).length).toBe(1);
    next.close();
  } finally {
    await patient.stop();
  }
}, 30_000);
