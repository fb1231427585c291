/**
 * The chat lesson's whole-chat server (src/lessons/chat/steps/4-history/server.js) run in real Node with the real
 * socket.io, reached by real socket.io clients: what a learner copies must hold when two people race for one name,
 * and when a join fails.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const source = readFileSync(resolve(import.meta.dirname, '../../src/lessons/chat/steps/4-history/server.js'), 'utf8');

interface Started {
  url: string;
  io: { fetchSockets: () => Promise<unknown>; in: (room: string) => { fetchSockets: () => Promise<unknown> } };
  close: () => Promise<void>;
}

/** Runs server.js as CommonJS, on port 0 instead of 3000; `patch` may replace a require()d module. */
async function start(patch: (name: string, mod: unknown) => unknown = (_n, m) => m): Promise<Started> {
  let server: import('node:http').Server | undefined;
  let io: Started['io'] | undefined;
  const fakeRequire = (name: string) => {
    const mod = require(name);
    if (name === 'http') {
      return { ...mod, createServer: (...args: unknown[]) => (server = mod.createServer(...args)) };
    }
    if (name === 'socket.io') {
      return patch(name, (srv: unknown) => (io = mod(srv)));
    }
    return patch(name, mod);
  };
  const quiet = { ...console, log: () => {}, error: () => {} };
  new Function('require', 'console', source.replace('server.listen(3000', 'server.listen(0'))(fakeRequire, quiet);
  await new Promise<void>((r) => (server!.listening ? r() : server!.once('listening', () => r())));
  const { port } = server!.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    io: io!,
    close: () => new Promise<void>((r) => { (io as unknown as { close: (cb: () => void) => void }).close(() => r()); }),
  };
}

const clients: Socket[] = [];
let running: Started | undefined;
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await running?.close();
  running = undefined;
});

function client(url: string, id: string): Socket {
  const socket = connect(url, { auth: { clientId: id.padEnd(16, 'x') }, transports: ['websocket'], forceNew: true });
  clients.push(socket);
  return socket;
}
const ask = <T>(socket: Socket, event: string, ...args: unknown[]) =>
  socket.timeout(3000).emitWithAck(event, ...args) as Promise<T>;
const connected = (s: Socket) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())));

describe('the whole chat’s server, in real Node', () => {
  it('two people asking for one nickname at the same moment: exactly one gets it', async () => {
    running = await start();
    // fetchSockets() takes a moment, as it does through a Redis or cluster adapter: long enough for both joins to
    // read who is in the room before either has taken the name.
    const original = running.io.in.bind(running.io);
    running.io.in = (room: string) => {
      const target = original(room);
      // read now, delivered later: what a remote adapter returns is already out of date when it arrives
      const fetchSockets = () => {
        const read = target.fetchSockets();
        return new Promise((r) => setTimeout(() => r(read), 20));
      };
      return { ...target, fetchSockets };
    };
    for (let round = 0; round < 5; round++) {
      const a = client(running.url, `alice${round}`);
      const b = client(running.url, `bobby${round}`);
      await Promise.all([connected(a), connected(b)]);
      const nick = `same-${round}`;
      const answers = await Promise.all([a, b].map((s) => ask<{ ok: boolean; error?: string }>(s, 'join', { room: `r${round}`, nick })));
      expect(answers.filter((x) => x.ok), JSON.stringify(answers)).toHaveLength(1);
      expect(answers.find((x) => !x.ok)?.error).toBe('nick-taken');
    }
  });

  it('a join that throws is answered with an error, and the socket’s later joins and messages are still answered', async () => {
    let failOnce = true;
    running = await start();
    const original = running.io.in.bind(running.io);
    // The first fetchSockets() of a join rejects, as a store or an adapter can.
    running.io.in = (room: string) => {
      const target = original(room);
      if (!failOnce) return target;
      failOnce = false;
      return { ...target, fetchSockets: () => Promise.reject(new Error('adapter down')) };
    };
    const a = client(running.url, 'carol');
    await connected(a);
    expect(await ask(a, 'join', { room: 'lobby', nick: 'carol' })).toMatchObject({ ok: false, error: 'bad-request' });
    expect(await ask(a, 'join', { room: 'lobby', nick: 'carol' })).toMatchObject({ ok: true, nick: 'carol' });
    expect(await ask(a, 'message', { id: 'm1', text: 'still here' })).toMatchObject({ ok: true });
  });
});
