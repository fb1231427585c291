/**
 * The course's ports on a machine where they are taken: the learner's listen(port) still works, on another port behind
 * the scenes, and the page reaches it by the number the code used, through the backend. Real backend, real learner
 * processes, a real program holding the port.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { runOn, spawnBackend, type BackendProcess } from './testing/backend-process.js';

let backend: BackendProcess;
let token: string;
/** Something else on this machine, holding two ports the lesson wants. */
const squatters: Server[] = [];
const taken: number[] = [];

beforeAll(async () => {
  backend = await spawnBackend();
  token = (await backend.meta()).token;
  for (let i = 0; i < 2; i++) {
    const s = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsquatter'));
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    squatters.push(s);
    taken.push((s.address() as AddressInfo).port);
  }
});
afterAll(async () => {
  for (const s of squatters) s.close();
  await backend?.stop();
});

test('listen() on a port something else holds: the run still starts, says the port it asked for, and the page reaches it by that number', async () => {
  const [httpPort, wsPort] = taken as [number, number];
  const { log } = await runOn(backend.url, token, 'page-ports', `const http = require('http');
const { WebSocketServer } = require('ws');
const server = http.createServer((req, res) => res.end('hello from ' + server.address().port + ' ' + req.url));
server.listen(${httpPort}, () => {
  console.log('http on ' + server.address().port);
  const wss = new WebSocketServer({ port: ${wsPort} }, () => console.log('ws on ' + wss.address().port));
  wss.on('connection', (ws) => ws.on('message', (m) => ws.send('echo ' + m)));
  // The run's own connection to its moved port goes where the server really is.
  setTimeout(() => http.get('http://localhost:${httpPort}/self', (r) => r.on('data', (d) => console.log('self: ' + d))), 50);
});`);
  await log.next('stdout', `http on ${httpPort}`);
  await log.next('stdout', `ws on ${wsPort}`);
  expect((await log.next('stdout', `self: hello from ${httpPort} /self`)).data.text).toBe(`self: hello from ${httpPort} /self`);
  const listening = [await log.next('listening'), await log.next('listening')].map((e) => e.data);
  expect(listening.map((l) => l.port).sort()).toEqual([httpPort, wsPort].sort());
  for (const l of listening) expect(l.actualPort).not.toBe(l.port);

  // HTTP by the learner's number, path and query kept.
  const page = await fetch(`${backend.url}__pushlab/ports/page-ports/${httpPort}/hi?x=1`);
  expect(await page.text()).toBe(`hello from ${httpPort} /hi?x=1`);
  // WebSocket likewise.
  const ws = new WebSocket(`${backend.url.replace('http', 'ws')}__pushlab/ports/page-ports/${wsPort}/`);
  await once(ws, 'open');
  ws.send('ping');
  const [reply] = (await once(ws, 'message')) as [Buffer];
  expect(reply.toString()).toBe('echo ping');
  ws.close();
  // The squatter keeps its port, untouched.
  expect(await (await fetch(`http://127.0.0.1:${httpPort}/`)).text()).toBe('squatter');
  // Another page's id, or a port the run does not hold, reaches nothing.
  expect((await fetch(`${backend.url}__pushlab/ports/another-page/${httpPort}/`)).status).toBe(502);
  expect((await fetch(`${backend.url}__pushlab/ports/page-ports/1/`)).status).toBe(502);
  log.close();
});

test('a port this run itself already holds stays taken: EADDRINUSE, as in real Node', async () => {
  const { log } = await runOn(backend.url, token, 'page-twice', `const net = require('net');
const a = net.createServer().listen(0, () => {
  net.createServer().listen(a.address().port).on('error', (e) => console.log('second: ' + e.code));
});`);
  expect((await log.next('stdout', 'second: EADDRINUSE')).data.text).toBe('second: EADDRINUSE');
  log.close();
});
