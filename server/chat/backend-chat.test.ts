/**
 * The real chat as `npm start` runs it: a backend process with its SQLite file, page clients (ChatClient) connecting to
 * /chat/socket.io/, a crash and restart of the process in the middle of a conversation, and the security limits.
 */
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ChatClient, newClientId } from '../../src/chat/chat-client.js';
import { MAX_REPLAY_BYTES, SOCKET_PATH, type ClientToServer, type JoinResult, type ServerToClient } from '../../src/shared/chat-protocol.js';
import { DEFAULT_LIMITS } from './limits.js';
import { SqliteStore } from './sqlite-store.js';
import { spawnBackend, type BackendProcess } from '../testing/backend-process.js';

let dir: string;
let backend: BackendProcess | undefined;
const clients: ChatClient[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushlab-chat-'));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await backend?.stop();
  backend = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function client(url: string): ChatClient {
  const c = new ChatClient(url, newClientId(), { reconnectionDelay: 100, reconnectionDelayMax: 300 });
  clients.push(c);
  return c;
}

const texts = (c: ChatClient) => c.messages.map((m) => m.text);

it('survives a crash of the process: clients come back to the restarted one and count every message once', async () => {
  const db = join(dir, 'data', 'chat.db');
  backend = await spawnBackend([], { PUSHLAB_CHAT_DB: db });
  expect(existsSync(db)).toBe(true);
  const { url, port } = backend;
  const alice = client(url);
  const bob = client(url);
  expect(await alice.join('lobby', 'alice')).toMatchObject({ ok: true });
  expect(await bob.join('lobby', 'bob')).toMatchObject({ ok: true });
  const expected: string[] = [];
  for (let i = 0; i < 5; i++) {
    expected.push(`a${i}`, `b${i}`);
    await Promise.all([alice.send(`a${i}`), bob.send(`b${i}`)]);
  }
  const secret = 'the secret words <img src=x onerror=alert(1)>';
  await alice.send(secret);
  expected.push(secret);

  backend.proc.kill('SIGKILL');
  await once(backend.proc, 'exit');
  // Sent while there is no server at all: held and retried by the page, stored once by the next process.
  const whileDown = [bob.send('sent while the server was down'), alice.send('also while down')];
  expected.push('sent while the server was down', 'also while down');

  backend = await spawnBackend(['--port', String(port)], { PUSHLAB_CHAT_DB: db });
  await Promise.all(whileDown);
  await bob.send('after the restart');
  expected.push('after the restart');
  for (const c of [alice, bob]) {
    await expect.poll(() => [...texts(c)].sort(), { timeout: 10_000 }).toEqual([...expected].sort());
    expect(new Set(c.messages.map((m) => m.offset)).size).toBe(expected.length);
  }
  // A newcomer reads the same history from the file; nobody's words are in the logs.
  const carol = client(url);
  const joined = await carol.join('lobby', 'carol');
  const history = joined.ok ? joined.messages.map((m) => m.text) : [];
  expect([...history].sort()).toEqual([...expected].sort());
  expect(backend.output()).not.toContain('secret words');
}, 60_000);

it('refuses other sites (Origin), oversized packets, and leaves a learner’s own /socket.io/ alone', async () => {
  backend = await spawnBackend([], { PUSHLAB_CHAT_DB: join(dir, 'chat.db') });
  const handshake = `${backend.url.slice(0, -1)}${SOCKET_PATH}?EIO=4&transport=polling`;
  expect((await fetch(handshake)).status).toBe(200);
  expect((await fetch(handshake, { headers: { origin: backend.url.slice(0, -1) } })).status).toBe(200);
  expect((await fetch(handshake, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
  // Not the chat's path: still the backend's proxy, which says no learner server is running.
  expect((await fetch(`${backend.url}socket.io/?EIO=4&transport=polling`)).status).toBe(404);

  const raw: Socket<ServerToClient, ClientToServer> = io(backend.url, { path: SOCKET_PATH, auth: { clientId: newClientId() }, transports: ['websocket'], reconnection: false });
  await new Promise((resolve) => raw.once('connect', () => resolve(undefined)));
  expect(await raw.emitWithAck('join', { room: 'lobby', nick: 'big' })).toMatchObject({ ok: true });
  const closed = new Promise<string>((resolve) => raw.once('disconnect', resolve));
  raw.emit('message', { id: 'huge', text: 'x'.repeat(20_000) }, () => {});
  // Over maxHttpBufferSize the server drops the connection rather than reading the packet.
  expect(await closed).toBe('transport close');
  const reader = client(backend.url);
  const joined = await reader.join('lobby', 'reader');
  expect(joined.ok && joined.messages).toEqual([]);
}, 60_000);

it('serves /chat without the backend’s token and with a Content-Security-Policy', async () => {
  backend = await spawnBackend([], { PUSHLAB_CHAT_DB: join(dir, 'chat.db') });
  const { token } = await backend.meta();
  for (const path of ['chat', 'chat.html']) {
    const res = await fetch(backend.url + path);
    expect(res.status, path).toBe(200);
    expect(res.headers.get('content-security-policy'), path).toMatch(/script-src 'self'(;|$)/);
    const html = await res.text();
    expect(html, path).toContain('chat fixture page');
    expect(html, path).not.toContain(token);
  }
}, 60_000);

/** Resident memory of a process now and at its peak (Linux /proc). */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

it('100 reconnections asking for all of a large history: bounded bytes and memory, each refused or told what it missed', async () => {
  const db = join(dir, 'chat.db');
  const store = new SqliteStore(db);
  const text = '😀'.repeat(1000);
  for (let i = 0; i < 2000; i++) await store.add({ room: 'lobby', fromClient: 'x'.repeat(16), from: 'old', id: `h${i}`, text, time: i });
  await store.close();
  backend = await spawnBackend([], { PUSHLAB_CHAT_DB: db });
  const pid = backend.proc.pid!;
  const before = memory(pid);
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: 100 }, (_, i) => {
      const socket: Socket<ServerToClient, ClientToServer> = io(backend!.url, {
        path: SOCKET_PATH,
        auth: { clientId: newClientId(), room: 'lobby', nick: `back${i}`, serverOffset: 0 },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      return new Promise<{ socket: typeof socket; result?: JoinResult; refused?: Error }>((resolve) => {
        socket.once('rejoined', (result) => resolve({ socket, result }));
        socket.once('connect_error', (refused) => resolve({ socket, refused }));
      });
    }),
  );
  const elapsed = performance.now() - started;
  const after = memory(pid);
  for (const o of outcomes) o.socket.disconnect();
  const replayed = outcomes.filter((o) => o.result);
  const bytes = replayed.reduce((sum, o) => sum + (o.result!.ok ? Buffer.byteLength(JSON.stringify(o.result!.messages)) : 0), 0);
  const budget = DEFAULT_LIMITS.history.bytesPerAddress;
  console.log(
    `100 reconnections from offset 0: ${replayed.length} replayed, ${outcomes.length - replayed.length} refused, ` +
      `${bytes} bytes of history in ${Math.round(elapsed)} ms; backend RSS ${Math.round(before.rss / 2 ** 20)} MB → ` +
      `${Math.round(after.rss / 2 ** 20)} MB, peak ${Math.round(after.peak / 2 ** 20)} MB`,
  );
  expect(bytes).toBeLessThanOrEqual(budget.burst + (budget.perSecond * elapsed) / 1000 + MAX_REPLAY_BYTES);
  for (const o of outcomes) {
    if (o.refused) expect(['too-fast', 'too-many-connections']).toContain(o.refused.message);
    else expect(o.result).toMatchObject({ ok: true, truncated: true });
  }
  // Before the limits, this cost the backend about 480 MB (issue 12); a generous bound, since RSS is noisy.
  expect(after.peak - before.rss).toBeLessThan(100 * 2 ** 20);
}, 120_000);

it('limits transport connections per address, including ones that never join the chat', async () => {
  backend = await spawnBackend([], { PUSHLAB_CHAT_DB: join(dir, 'chat.db') });
  const handshake = `${backend.url.slice(0, -1)}${SOCKET_PATH}?EIO=4&transport=polling`;
  const cap = 2 * DEFAULT_LIMITS.connections.perAddress;
  // Opened one after another, so the count at each handshake is exact; none of them ever sends a socket.io CONNECT.
  const statuses: number[] = [];
  for (let i = 0; i < cap + 10; i++) statuses.push((await fetch(handshake)).status);
  expect(statuses.slice(0, cap).every((s) => s === 200)).toBe(true);
  expect(statuses.slice(cap).every((s) => s === 403)).toBe(true);
}, 60_000);
