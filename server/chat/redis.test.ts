/**
 * Scale out: two backend processes with REDIS_URL share one chat through a real redis-server (Debian's package;
 * .ci/run installs it). A message sent through one reaches clients of the other, and each sees the other's history;
 * one of them killed outright in the middle of traffic and started again costs nobody a message, doubles none, and
 * leaves every client with the same messages in the same order.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ChatClient, newClientId } from '../../src/chat/chat-client.js';
import { freePort, spawnBackend, type BackendProcess } from '../testing/backend-process.js';

const redisInstalled = spawnSync('redis-server', ['--version']).status === 0;
if (!redisInstalled) console.warn('redis.test.ts skipped: redis-server is not installed (apt-get install redis-server).');

let redis: ChildProcess | undefined;
let redisUrl = '';
const backends: BackendProcess[] = [];
const clients: ChatClient[] = [];


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
  const c = new ChatClient(url, newClientId(), { reconnectionDelay: 100, reconnectionDelayMax: 300 });
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

it.skipIf(!redisInstalled)(
  'one backend killed with SIGKILL mid-traffic and started again: every acknowledged message reaches every client once, in one order',
  async () => {
    const [one, two] = backends as [BackendProcess, BackendProcess];
    const people = [
      ...['a1', 'a2', 'a3'].map((nick) => ({ nick, c: client(one.url) })),
      ...['b1', 'b2', 'b3'].map((nick) => ({ nick, c: client(two.url) })),
    ];
    for (const p of people) expect(await p.c.join('crash', p.nick)).toMatchObject({ ok: true });
    const drops = new Map<string, number>();
    for (const p of people) p.c.socket.on('disconnect', () => drops.set(p.nick, (drops.get(p.nick) ?? 0) + 1));
    const PER_PERSON = 25;
    let acknowledged = 0;
    let killAt: () => void = () => {};
    const halfway = new Promise<void>((resolve) => (killAt = resolve));
    // Everyone talks at once, one message after another, each sent until acknowledged (the page's own retry).
    const talking = people.map(async ({ nick, c }) => {
      for (let i = 0; i < PER_PERSON; i++) {
        expect(await c.send(`${nick} ${i}`)).toMatchObject({ ok: true });
        if (++acknowledged === (people.length * PER_PERSON) / 3) killAt();
      }
    });
    await halfway;
    one.proc.kill('SIGKILL');
    await once(one.proc, 'exit');
    // Started again on the same port: its clients come back to it, rejoin and resume from the offset they last saw.
    const again = await spawnBackend(['--port', String(one.port)], { REDIS_URL: redisUrl });
    backends[0] = again;
    await Promise.all(talking);

    // The first backend's clients were cut off mid-conversation; the second's were not.
    expect(['a1', 'a2', 'a3'].map((n) => drops.get(n) ?? 0).every((d) => d >= 1)).toBe(true);
    expect(['b1', 'b2', 'b3'].map((n) => drops.get(n) ?? 0)).toEqual([0, 0, 0]);
    const expected = people.flatMap(({ nick }) => Array.from({ length: PER_PERSON }, (_, i) => `${nick} ${i}`));
    const texts = (c: ChatClient) => c.messages.map((m) => m.text);
    for (const { c } of people) {
      await expect.poll(() => texts(c).length, { timeout: 20_000 }).toBe(expected.length);
    }
    const reference = people[0]!.c.messages.map((m) => `${m.offset} ${m.text}`);
    for (const { nick, c } of people) {
      // Every message once: as many as were sent, no offset twice, no text twice, none missing.
      expect(new Set(c.messages.map((m) => m.offset)).size, nick).toBe(expected.length);
      expect([...texts(c)].sort(), nick).toEqual([...expected].sort());
      // One order: the store's (increasing offsets), the same for everyone, and each person's own in the order sent.
      expect(c.messages.map((m) => `${m.offset} ${m.text}`), nick).toEqual(reference);
      for (const p of people) {
        const own = texts(c).filter((t) => t.startsWith(`${p.nick} `));
        expect(own, `${nick} sees ${p.nick}`).toEqual(Array.from({ length: PER_PERSON }, (_, i) => `${p.nick} ${i}`));
      }
      expect(c.pending, nick).toEqual([]);
    }
    // The reconnected see the others, and the others see them, without anybody having "left" (the grace period).
    for (const { nick, c } of people) {
      await expect.poll(() => c.online, { timeout: 10_000 }).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'b3']);
      const left = c.timeline.filter((e) => e.type === 'notice' && e.notice.kind === 'left');
      expect(left, nick).toEqual([]);
    }
    console.log(
      `SIGKILL mid-traffic: ${expected.length} messages sent by ${people.length} clients on two backends, ` +
        `${people.length * expected.length} deliveries counted, each message once at every client, in one order`,
    );
  },
  90_000,
);

it.skipIf(!redisInstalled)(
  'a backend killed for good: the names its people held are let go by the others once its key expires, and the room hears they left',
  async () => {
    const two = backends[1]!;
    const gone = await spawnBackend([], { REDIS_URL: redisUrl });
    const dana = client(gone.url);
    expect(await dana.join('leases', 'dana')).toMatchObject({ ok: true });
    const walt = client(two.url);
    expect(await walt.join('leases', 'walt')).toMatchObject({ ok: true });
    await expect.poll(() => walt.online).toEqual(['dana', 'walt']);

    gone.proc.kill('SIGKILL');
    await once(gone.proc, 'exit');
    dana.close();
    const killed = performance.now();
    // Nobody can tell a killed process from a slow one at once: the name stays held while its key lives.
    const early = client(two.url);
    expect(await early.join('leases', 'dana')).toMatchObject({ ok: false, error: 'nick-taken' });
    early.close();
    // The key lives 15 s after its last renewal (every 3 s), and the others sweep every 3 s.
    const left = () => walt.timeline.some((e) => e.type === 'notice' && e.notice.kind === 'left' && e.notice.nick === 'dana');
    await expect.poll(left, { timeout: 30_000, interval: 500 }).toBe(true);
    const after = performance.now() - killed;
    await expect.poll(() => walt.online).toEqual(['walt']);
    expect(await client(two.url).join('leases', 'dana')).toMatchObject({ ok: true });
    console.log(`a killed backend's name was let go ${(after / 1000).toFixed(1)} s after the kill (key: 15 s, sweep: every 3 s)`);
  },
  60_000,
);
