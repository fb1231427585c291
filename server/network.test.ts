/**
 * The network panel in real mode: the backend's proxy applies a page's conditions to what it carries for that page's
 * child (latency, kill, offline, drop), and nothing else: a client on the child's own port is outside the proxy.
 * A real backend process and a real learner process, as a page uses them.
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { learnerPort, openLog, spawnBackend, startRun, type BackendProcess } from './testing/backend-process.js';

let backend: BackendProcess;
let token: string;
let log: ReturnType<typeof openLog>;
const pageId = 'network-page';
const port = learnerPort();
const wsPort = port + 2_500;

const server = `
const http = require('http');
const { WebSocketServer } = require('ws');
const server = http.createServer((req, res) => {
  if (req.url === '/events') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write('data: first\\n\\n');
    req.on('close', () => console.log('events closed'));
    return;
  }
  res.end('hello');
});
new WebSocketServer({ server }).on('connection', (ws) =>
  ws.on('message', (m) => {
    if (String(m) === 'terminate') {
      console.log('terminating');
      return ws.terminate();
    }
    ws.send('echo ' + m);
  }),
);
server.listen(${port}, () => {
  new WebSocketServer({ port: ${wsPort} }).on('connection', (ws) => ws.on('message', (m) => ws.send('direct ' + m)));
});
`;

async function setNetwork(body: Record<string, unknown>, headers: Record<string, string> = { 'x-pushlab-token': token }) {
  return fetch(`${backend.url}__pushlab/network`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ pageId, ...body }),
  });
}

async function timed(url: string): Promise<{ ms: number; text: string }> {
  const start = performance.now();
  const text = await (await fetch(url)).text();
  return { ms: performance.now() - start, text };
}

function openWs(url: string) {
  const socket = new WebSocket(url);
  const seen: string[] = [];
  socket.on('error', () => seen.push('error'));
  socket.on('message', (m) => seen.push(`message ${String(m)}`));
  // Not events.once(socket, 'close'): it rejects on the 'error' a refused handshake emits first.
  const closed = new Promise<void>((resolve) =>
    socket.on('close', (code) => {
      seen.push(`close ${code}`);
      resolve();
    }),
  );
  return { socket, seen, closed };
}

beforeAll(async () => {
  backend = await spawnBackend([]);
  token = (await backend.meta()).token;
  const res = await startRun(backend.url, { pageId, lessonId: 'lesson', files: { 'server.js': server } }, { 'x-pushlab-token': token });
  const { runId } = (await res.json()) as { runId: string };
  log = openLog(backend.url, runId, token);
  await log.next('listening');
  await log.next('listening');
}, 30_000);

afterAll(async () => {
  await backend?.stop();
});

describe("the proxy under the network panel's conditions", () => {
  test('the endpoint needs the token, as starting a run does', async () => {
    const refused = await setNetwork({ conditions: { latencyMs: 100 } }, {});
    expect(refused.status).toBe(403);
    const bad = await setNetwork({ action: 'explode' });
    expect(bad.status).toBe(400);
  });

  test('latency delays a proxied exchange by both trips; the direct port is outside the proxy', async () => {
    const plain = await timed(`${backend.url}hello`);
    expect(plain.text).toBe('hello');
    const latency = 150;
    const res = await setNetwork({ conditions: { latencyMs: latency, bandwidthKbps: 0, dropRate: 0 } });
    expect(await res.json()).toEqual({ conditions: { latencyMs: latency, bandwidthKbps: 0, dropRate: 0 }, offline: false });
    const slowed = await timed(`${backend.url}hello`);
    expect(slowed.text).toBe('hello');
    // Node's timers may fire up to a millisecond early.
    expect(slowed.ms).toBeGreaterThanOrEqual(2 * latency - 2);
    const direct = await timed(`http://127.0.0.1:${port}/hello`);
    expect(direct.ms).toBeLessThan(latency);

    // A proxied WebSocket's echo crosses the link twice too.
    const { socket } = openWs(`${backend.url.replace('http', 'ws')}`);
    await once(socket, 'open');
    const start = performance.now();
    socket.send('hi');
    const [reply] = await once(socket, 'message');
    expect(String(reply)).toBe('echo hi');
    expect(performance.now() - start).toBeGreaterThanOrEqual(2 * latency - 2);
    socket.close();
    await setNetwork({ conditions: { latencyMs: 0 } });
  });

  test('kill ends proxied connections as a vanished server does; the direct port is not reached', async () => {
    const proxied = openWs(backend.url.replace('http', 'ws'));
    const direct = openWs(`ws://127.0.0.1:${wsPort}`);
    await Promise.all([once(proxied.socket, 'open'), once(direct.socket, 'open')]);
    const events = await fetch(`${backend.url}events`);
    const reader = events.body!.getReader();
    await reader.read();

    expect((await setNetwork({ action: 'kill' })).status).toBe(200);
    await proxied.closed;
    expect(proxied.seen).toEqual(['close 1006']);
    await expect(reader.read()).rejects.toThrow();
    // Outside the proxy: still open, still answering.
    direct.socket.send('still');
    const [reply] = await once(direct.socket, 'message');
    expect(String(reply)).toBe('direct still');
    direct.socket.close();
    // The server is still there.
    expect((await timed(`${backend.url}hello`)).text).toBe('hello');
  });

  test('offline refuses proxied connections until online', async () => {
    await setNetwork({ action: 'offline' });
    await expect(fetch(`${backend.url}hello`)).rejects.toThrow(TypeError);
    const refused = openWs(backend.url.replace('http', 'ws'));
    await refused.closed;
    expect(refused.seen[0]).toBe('error');
    await setNetwork({ action: 'online' });
    expect((await timed(`${backend.url}hello`)).text).toBe('hello');
  });

  test('silent: the connections open at that moment stay open and carry nothing, their end included; new ones work', async () => {
    const wsUrl = backend.url.replace('http', 'ws');
    const silent = openWs(wsUrl);
    const half = openWs(wsUrl);
    await Promise.all([once(silent.socket, 'open'), once(half.socket, 'open')]);

    // Both ways: an echo that would take a millisecond never comes back.
    expect((await setNetwork({ action: 'silent' })).status).toBe(200);
    silent.socket.send('lost');
    // A connection made after the fault is not affected; its echo also proves the lost one had time to come back.
    const fresh = openWs(wsUrl);
    await once(fresh.socket, 'open');
    fresh.socket.send('after');
    expect(String((await once(fresh.socket, 'message'))[0])).toBe('echo after');
    expect(silent.seen).toEqual([]);
    expect(silent.socket.readyState).toBe(WebSocket.OPEN);

    // Toward the client only: the server still hears it, and terminates it; the end never reaches the client.
    const oneWay = openWs(wsUrl);
    await once(oneWay.socket, 'open');
    await setNetwork({ action: 'silent-to-client' });
    oneWay.socket.send('terminate');
    await log.next('stdout', 'terminating');
    // `fresh` was open at this action too, so a newer connection proves the way back works and time has passed.
    const probe = openWs(wsUrl);
    await once(probe.socket, 'open');
    probe.socket.send('probe');
    expect(String((await once(probe.socket, 'message'))[0])).toBe('echo probe');
    expect(oneWay.seen).toEqual([]);
    expect(oneWay.socket.readyState).toBe(WebSocket.OPEN);
    fresh.socket.send('unheard');
    probe.socket.send('probe 2');
    expect(String((await once(probe.socket, 'message'))[0])).toBe('echo probe 2');
    expect(fresh.seen).toEqual(['message echo after']);

    // An SSE response held open at a silent action stops delivering, without an end; a new request gets through.
    const events = await fetch(`${backend.url}events`);
    const reader = events.body!.getReader();
    await reader.read();
    await setNetwork({ action: 'silent' });
    const pending = reader.read();
    let settled = false;
    void pending.then(() => (settled = true), () => (settled = true));
    expect((await timed(`${backend.url}hello`)).text).toBe('hello');
    expect(settled).toBe(false);
    for (const s of [silent, half, oneWay, fresh, probe]) s.socket.terminate();
    await reader.cancel();
  });

  test('drop rate 1: the first message loses the proxied WebSocket connection', async () => {
    const proxied = openWs(backend.url.replace('http', 'ws'));
    await once(proxied.socket, 'open');
    await setNetwork({ conditions: { dropRate: 1 } });
    proxied.socket.send('lost');
    await proxied.closed;
    expect(proxied.seen).toEqual(['close 1006']);
    await setNetwork({ conditions: { dropRate: 0 } });
  });
});
