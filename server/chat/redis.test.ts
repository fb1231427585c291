/**
 * Scale out: two backend processes with REDIS_URL share one chat through a real redis-server (Debian's package;
 * .ci/run installs it). A message sent through one reaches clients of the other, and each sees the other's history.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChatClient, newClientId } from '../../src/chat/chat-client.js';
import { spawnBackend, type BackendProcess } from '../testing/backend-process.js';

const redisInstalled = spawnSync('redis-server', ['--version']).status === 0;
if (!redisInstalled) console.warn('redis.test.ts skipped: redis-server is not installed (apt-get install redis-server).');

let redis: ChildProcess | undefined;
let redisUrl = '';
const backends: BackendProcess[] = [];
const clients: ChatClient[] = [];

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  if (!redisInstalled) return;
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    redis!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    redis!.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 2; i++) backends.push(await spawnBackend([], { REDIS_URL: redisUrl }));
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(backends.map((b) => b.stop()));
  redis?.kill('SIGTERM');
});

function client(url: string): ChatClient {
  const c = new ChatClient(url, newClientId(), { reconnectionDelay: 100 });
  clients.push(c);
  return c;
}

it.skipIf(!redisInstalled)('two backends share rooms, broadcasts, the online list, private messages and history', async () => {
  const [one, two] = backends as [BackendProcess, BackendProcess];
  expect(one.port).not.toBe(two.port);
  const alice = client(one.url);
  const bob = client(two.url);
  expect(await alice.join('lobby', 'alice')).toMatchObject({ ok: true });
  expect(await bob.join('lobby', 'bob')).toMatchObject({ ok: true, online: ['alice', 'bob'] });
  // The nickname is unique across processes too.
  expect(await client(two.url).join('lobby', 'ALICE')).toMatchObject({ ok: false, error: 'nick-taken' });

  await alice.send('from the first process');
  await expect.poll(() => bob.messages.map((m) => m.text)).toEqual(['from the first process']);
  await bob.send('from the second');
  await bob.send('just for alice', 'alice');
  await expect.poll(() => alice.messages.map((m) => m.text)).toEqual(['from the first process', 'from the second', 'just for alice']);
  await expect.poll(() => alice.online).toEqual(['alice', 'bob']);

  // History is shared: a newcomer on the first process reads what was said on the second, private messages aside.
  const carol = client(one.url);
  const joined = await carol.join('lobby', 'carol');
  expect(joined.ok && joined.messages.map((m) => m.text)).toEqual(['from the first process', 'from the second']);
  // One offset counter: offsets are unique and increasing across both processes.
  expect(alice.messages.map((m) => m.offset)).toEqual([...alice.messages.map((m) => m.offset)].sort((a, b) => a - b));
}, 60_000);
