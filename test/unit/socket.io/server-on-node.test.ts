// The socket.io shim on REAL Node http + ws, with the real socket.io-client: it is written against Node's APIs only,
// so this checks its protocol against the reference client before the in-browser http/ws shims exist.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, describe, expect, test } from 'vitest';
import type { RuntimeContext } from '../../../src/mocks/context.js';
import { createSocketIoModule } from '../../../src/mocks/socket.io/index.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

const events: TrafficInput[] = [];
const logs: string[] = [];
const ctx = {
  report: (e: TrafficInput) => void events.push(e),
  now: () => performance.now(),
  log: (_level: string, text: string) => void logs.push(text),
  fatal: (e: unknown) => {
    throw e;
  },
  lang: 'en',
  runId: 'test',
} as unknown as RuntimeContext;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  events.length = 0;
  logs.length = 0;
});

async function start(opts: Record<string, unknown> = {}) {
  const { module } = createSocketIoModule(ctx, { http, ws: { WebSocketServer } });
  const server = http.createServer((_req, res) => res.end('learner handler'));
  const io = new module.Server(server, opts as never);
  await new Promise<void>((r) => server.listen(0, r));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  cleanups.push(() => io.close());
  return { io, server, url };
}

function client(url: string, opts: Parameters<typeof connect>[1] = {}): ClientSocket {
  const socket = connect(url, { forceNew: true, reconnection: false, ...opts });
  cleanups.push(() => socket.disconnect());
  return socket;
}

const once = <T = unknown[]>(emitter: { once(ev: string, fn: (...a: unknown[]) => void): unknown }, ev: string) =>
  new Promise<T>((resolve) => emitter.once(ev, (...args: unknown[]) => resolve(args as T)));

describe.each([['websocket'], ['polling'], ['polling', 'websocket']])('transports %s', (...transports) => {
  test('connects, emits both ways with acks and binary, and reports the traffic', async () => {
    const { io, url } = await start();
    io.on('connection', (socket) => {
      socket.on('clientfn', (text: string, obj: object, bin: Buffer, ack: (r: unknown) => void) => {
        ack({ echoed: text, obj, size: bin.length, isBuffer: Buffer.isBuffer(bin) });
        socket.emit('message', 'hello i am server', Buffer.from([1, 2, 3]));
      });
    });
    const socket = client(url, { transports });
    await once(socket, 'connect');
    const got = once<[string, ArrayBuffer]>(socket, 'message');
    const reply = await socket.emitWithAck('clientfn', 'hello i am client', { a: [1] }, new Uint8Array([9, 8]));
    expect(reply).toEqual({ echoed: 'hello i am client', obj: { a: [1] }, size: 2, isBuffer: true });
    const [text, bytes] = await got;
    expect(text).toBe('hello i am server');
    expect([...new Uint8Array(bytes)]).toEqual([1, 2, 3]);
    if (transports.length === 2) await new Promise<void>((r) => (socket.io.engine.transport.name === 'websocket' ? r() : socket.io.engine.once('upgrade', () => r())));
    expect(socket.io.engine.transport.name).toBe(transports[transports.length - 1]);

    const frames = events.filter((e) => e.kind === 'frame');
    expect(frames[0]!.preview).toMatch(/^0\{"sid":"[^"]+","upgrades":\[/);
    expect(frames.some((e) => e.direction === 'c2s' && e.preview === '40')).toBe(true);
    const inbound = events.find((e) => e.kind === 'message' && e.details.event === 'clientfn')!;
    expect(inbound.direction).toBe('c2s');
    const raw = frames.find((e) => e.details.note?.startsWith(`#${inbound.details.decodes} `))!;
    expect(raw.details).toMatchObject({ eioType: 'message', sioType: 'BINARY_EVENT', event: 'clientfn' });
    expect(events.some((e) => e.kind === 'message' && e.direction === 's2c' && e.details.event === 'message')).toBe(true);
  });
});

test('upgrade: probe, then the upgrade packet moves the session to websocket', async () => {
  const { io, url } = await start();
  const upgraded = new Promise((r) => io.engine!.once('connection', (conn) => conn.once('upgrade', r)));
  client(url);
  await upgraded;
  const previews = events.filter((e) => e.kind === 'frame').map((e) => `${e.direction} ${e.preview}`);
  expect(previews).toEqual(expect.arrayContaining(['c2s 2probe', 's2c 3probe', 'c2s 5']));
});

test('broadcast reaches the others only; rooms and except', async () => {
  const { io, url } = await start();
  io.on('connection', (socket) => {
    socket.on('join', (room: string, ack: () => void) => {
      socket.join(room);
      ack();
    });
    socket.on('shout', (text: string) => socket.broadcast.emit('heard', text));
    socket.on('room', (room: string, text: string) => io.to(room).except(socket.id).emit('heard', text));
  });
  const [a, b, c] = [client(url), client(url), client(url)];
  await Promise.all([a, b, c].map((s) => once(s, 'connect')));
  const heard: string[] = [];
  a.on('heard', (t: string) => heard.push('a:' + t));
  b.on('heard', (t: string) => heard.push('b:' + t));
  c.on('heard', (t: string) => heard.push('c:' + t));
  a.emit('shout', 'hi');
  await Promise.all([once(b, 'heard'), once(c, 'heard')]);
  expect(heard.sort()).toEqual(['b:hi', 'c:hi']);
  heard.length = 0;
  await a.emitWithAck('join', 'r');
  await b.emitWithAck('join', 'r');
  a.emit('room', 'r', 'in r');
  await once(b, 'heard');
  expect(heard).toEqual(['b:in r']);
  expect((await io.in('r').fetchSockets()).length).toBe(2);
});

test('server acks with timeout, and a client that never answers', async () => {
  const { io, url } = await start();
  const socket = client(url);
  socket.on('ask', (n: number, ack: (r: number) => void) => ack(n * 2));
  const [server] = await once<[import('../../../src/mocks/socket.io/socket.js').Socket]>(io, 'connection');
  await expect(server.timeout(1000).emitWithAck('ask', 21)).resolves.toBe(42);
  await expect(server.timeout(50).emitWithAck('silence')).rejects.toThrow('operation has timed out');
});

test('namespaces, auth and middleware rejection reach connect_error with message and data', async () => {
  const { io, url } = await start();
  io.of('/admin').use((socket, next) => {
    const err = Object.assign(new Error('not authorized'), { data: { hint: 'token' } });
    socket.handshake.auth.token === 'ok' ? next() : next(err);
  });
  const seen = once<[{ handshake: { auth: unknown; query: Record<string, string> } }]>(io.of('/admin'), 'connection');
  const bad = client(url + '/admin', { auth: { token: 'no' } });
  const [err] = await once<[Error & { data: unknown }]>(bad, 'connect_error');
  expect(err.message).toBe('not authorized');
  expect(err.data).toEqual({ hint: 'token' });
  const good = client(url + '/admin', { auth: { token: 'ok' }, query: { x: '1' } });
  await once(good, 'connect');
  const [socket] = await seen;
  expect(socket.handshake.auth).toEqual({ token: 'ok' });
  expect(socket.handshake.query.x).toBe('1');
  const invalid = client(url + '/nowhere');
  expect((await once<[Error]>(invalid, 'connect_error'))[0].message).toBe('Invalid namespace');
});

test('disconnect reasons on both sides', async () => {
  const { io, url } = await start();
  const reasons: string[] = [];
  io.on('connection', (s) => s.on('disconnect', (r: string) => reasons.push(r)));
  const serverA = once<[import('../../../src/mocks/socket.io/socket.js').Socket]>(io, 'connection');
  const a = client(url);
  await once(a, 'connect');
  const [sa] = await serverA;
  // Registered after the connection handler's listener, so it runs once that one has recorded the reason.
  const left = once(sa, 'disconnect');
  a.disconnect();
  await left;
  expect(reasons).toEqual(['client namespace disconnect']);
  const b = client(url);
  const [sb] = await once<[import('../../../src/mocks/socket.io/socket.js').Socket]>(io, 'connection');
  sb.disconnect(true);
  expect((await once<[string]>(b, 'disconnect'))[0]).toBe('io server disconnect');
  expect(reasons[1]).toBe('server namespace disconnect');
});

test('server-side conn.close() → the client reconnects with a new id', async () => {
  const { io, url } = await start();
  const socket = client(url, { reconnection: true, reconnectionDelay: 10, transports: ['websocket'] });
  const [server] = await once<[import('../../../src/mocks/socket.io/socket.js').Socket]>(io, 'connection');
  const firstId = server.id;
  const reason = once<[string]>(server, 'disconnect');
  server.conn.close();
  expect((await once<[string]>(socket, 'disconnect'))[0]).toBe('transport close');
  expect((await reason)[0]).toBe('forced close');
  const [again] = await once<[{ id: string }]>(io, 'connection');
  expect(again.id).not.toBe(firstId);
});

test('ping timeout when the client stops answering', async () => {
  const { io, url } = await start({ pingInterval: 50, pingTimeout: 50 });
  const socket = client(url, { transports: ['websocket'] });
  const [server] = await once<[import('../../../src/mocks/socket.io/socket.js').Socket]>(io, 'connection');
  await once(socket, 'connect');
  // Silence the client: drop its pongs at the transport.
  socket.io.engine.transport.send = () => {};
  expect((await once<[string]>(server, 'disconnect'))[0]).toBe('ping timeout');
});

test('a plain WebSocket sees the handshake; a malformed packet closes with parse error', async () => {
  const { io, url } = await start();
  const engineClose = new Promise<string>((r) => io.engine!.once('connection', (c) => c.once('close', r)));
  const ws = new WebSocket(url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket');
  const [first] = await once<[Buffer]>(ws, 'message');
  expect(String(first)).toMatch(/^0\{"sid"/);
  ws.send('hello');
  expect(await engineClose).toBe('parse error');
  await once(ws, 'close');
});

test('learner requests outside /socket.io/ still reach their handler; require("socket.io")(port) works', async () => {
  const { url } = await start();
  expect(await (await fetch(url + '/')).text()).toBe('learner handler');
  const bad = await fetch(url + '/socket.io/?EIO=4&transport=nope');
  expect(bad.status).toBe(400);
  expect(await bad.json()).toEqual({ code: 0, message: 'Transport unknown' });
});
