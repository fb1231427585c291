/**
 * The many-servers lesson's server.js in real Node, with the real socket.io, reached by real socket.io clients over
 * real TCP through the proxy the file writes: the round robin as shipped refuses long polling with 400 Session ID
 * unknown, the sticky solution connects everyone and upgrades, WebSocket only needs no stickiness, the bus reaches
 * both servers once, and the middleware refuses a wrong token with connect_error. The browser runtime's side of the
 * same is test/browser/socket.io/behind-proxy.test.ts and test/e2e/lesson-many-servers.test.ts.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { exercises } from '../../src/lessons/many-servers/exercises.js';
import shipped from '../../src/lessons/many-servers/server.js?raw';

const require = createRequire(import.meta.url);
const solution = (id: string) => exercises.find((e) => e.id === id)!.solution['server.js']!;

/** Runs server.js as CommonJS with the proxy on port 0 instead of 3000; returns its URL and how to stop it. */
async function start(source: string): Promise<{ url: string; stop: () => void; logs: string[] }> {
  const servers: import('node:http').Server[] = [];
  const http = require('node:http') as typeof import('node:http');
  const fakeRequire = (name: string) =>
    name === 'http' ? { ...http, createServer: (...args: unknown[]) => servers[servers.push((http.createServer as (...a: unknown[]) => import('node:http').Server)(...args)) - 1] } : require(name);
  const logs: string[] = [];
  const quiet = { ...console, log: (...a: unknown[]) => void logs.push(a.join(' ')) };
  new Function('require', 'console', source.replace('proxy.listen(3000', 'proxy.listen(0'))(fakeRequire, quiet);
  const proxy = servers.find((s) => s.listening) ?? (await new Promise<import('node:http').Server>((r) => servers.forEach((s) => s.once('listening', () => r(s)))));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    stop: () => {
      for (const s of servers) {
        s.closeAllConnections();
        s.close();
      }
    },
  };
}

const clients: Socket[] = [];
let running: { stop: () => void } | undefined;
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
  running?.stop();
  running = undefined;
});

function person(url: string, name: string, token = 'let-me-in', transports?: string[]): Socket {
  const socket = connect(url, { auth: { name, token }, forceNew: true, reconnection: false, ...(transports ? { transports } : {}) });
  clients.push(socket);
  return socket;
}
/** 'A' or 'B' once the server says hello, or the connect_error's message. */
const outcome = (s: Socket) =>
  new Promise<string>((resolve) => {
    s.once('hello', (server: string) => resolve(server));
    s.once('connect_error', (err: Error) => resolve(`connect_error: ${err.message}`));
  });
/** One after another, as the lesson's client does. */
async function arrive(url: string, people: Array<[string, string?]>, transports?: string[]): Promise<{ sockets: Socket[]; results: string[] }> {
  const sockets: Socket[] = [];
  const results: string[] = [];
  for (const [name, token] of people) {
    const s = person(url, name, token, transports);
    sockets.push(s);
    results.push(await outcome(s));
  }
  return { sockets, results };
}

describe('many-servers server.js in real Node', () => {
  it('as shipped, round robin: long polling is refused with 400 Session ID unknown', async () => {
    const run = (running = await start(shipped));
    const { results } = await arrive(run.url, [['alice'], ['bob'], ['mallory', 'guess']]);
    expect(results.filter((r) => /^connect_error: xhr (post|poll) error$/.test(r)).length).toBeGreaterThanOrEqual(2);
    expect(run.logs).toEqual(expect.arrayContaining([expect.stringMatching(/^proxy: POST polling sid=.+ → [AB]$/)]));
  });

  it('as shipped, WebSocket only: one connection, one server, no stickiness needed', async () => {
    const run = (running = await start(shipped));
    const { results } = await arrive(run.url, [['alice'], ['bob'], ['carol']], ['websocket']);
    expect(results).toEqual(['A', 'B', 'A']);
  });

  it('sticky by sid: everyone connects over polling, A and B in turn, and upgrades to WebSocket', async () => {
    const run = (running = await start(solution('sticky-sessions')));
    const { sockets, results } = await arrive(run.url, [['alice'], ['bob'], ['mallory', 'guess']]);
    expect(results).toEqual(['A', 'B', 'A']);
    for (const s of sockets) if (s.io.engine.transport.name !== 'websocket') await new Promise((r) => s.io.engine.once('upgrade', r));
    expect(sockets.map((s) => s.io.engine.transport.name)).toEqual(['websocket', 'websocket', 'websocket']);
  });

  it('the bus: a say reaches every client on both servers, once', async () => {
    const run = (running = await start(solution('broadcast-every-server')));
    const { sockets } = await arrive(run.url, [['alice'], ['bob'], ['mallory', 'guess']]);
    const got: string[][] = sockets.map(() => []);
    const heard = sockets.map(
      (s, i) => new Promise<void>((resolve) => s.on('said', (text: string) => (got[i]!.push(text), text === 'again' && resolve()))),
    );
    sockets[0]!.emit('say', 'hi');
    // Each connection delivers in order: once 'again' has arrived everywhere, every copy of 'hi' has too.
    sockets[0]!.emit('say', 'again');
    await Promise.all(heard);
    expect(got).toEqual([['hi', 'again'], ['hi', 'again'], ['hi', 'again']]);
  });

  it('the middleware: the right token in, a wrong one refused with connect_error', async () => {
    const run = (running = await start(solution('token-middleware')));
    const { results } = await arrive(run.url, [['alice'], ['bob'], ['mallory', 'guess']]);
    expect(results).toEqual(['A', 'B', 'connect_error: invalid token']);
    expect(run.logs).toContain('server A: refused mallory');
  });
});
