/**
 * The rows kept in memory answer exactly what the database would: every read, from a cold store and a warm one, with
 * rooms that outgrow what is kept, private messages among the public ones, and replays from any offset.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { RecentRows } from './recent-rows.js';
import { SqliteStore } from './sqlite-store.js';
import type { StoredMessage } from './store.js';

const dir = mkdtempSync(join(tmpdir(), 'pushlab-recent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clients = ['a', 'b', 'c', 'd'].map((c) => c.repeat(16));
const rooms = ['lobby', 'busy', 'quiet'];

/** What the database answers (ChatStore.history), from every message stored, in JS. */
function expected(all: StoredMessage[], room: string, client: string, after: number | undefined, limit: number) {
  const visible = all.filter((m) => m.room === room && (m.toClient === undefined || m.toClient === client || m.fromClient === client));
  return after === undefined ? visible.slice(-limit) : visible.filter((m) => m.offset > after).slice(0, limit);
}

// A fixed sequence of pseudo-random numbers, so a failure can be run again.
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;

it('answers every history read as the database does, cold and warm, across rooms larger than what is kept', async () => {
  const path = join(dir, 'chat.db');
  let store = new SqliteStore(path);
  const all: StoredMessage[] = [];
  let reads = 0;
  for (let i = 0; i < 1500; i++) {
    // Most messages go to one room, so that it outgrows the hundred rows kept; a third are private.
    const room = random() < 0.7 ? 'busy' : pick(rooms);
    const from = pick(clients);
    const to = random() < 0.33 ? pick(clients.filter((c) => c !== from)) : undefined;
    const { message } = await store.add({ room, fromClient: from, from: from.slice(0, 1), toClient: to, to: to?.slice(0, 1), id: `m${i}`, text: `t${i}`, time: i });
    all.push(message);
    if (i % 10 !== 0) continue;
    for (let q = 0; q < 5; q++) {
      const room2 = pick(rooms);
      const client = pick(clients);
      const limit = pick([1, 5, 50, 51, 200]);
      const after = random() < 0.4 ? undefined : Math.floor(random() * (all.length + 2));
      expect(await store.history(room2, client, after, limit), `${room2} ${client} after ${after} limit ${limit}`).toEqual(
        expected(all, room2, client, after, limit),
      );
      reads++;
    }
    // Now and then a cold start: nothing kept, everything from the file.
    if (i % 500 === 499) {
      await store.close();
      store = new SqliteStore(path);
    }
  }
  await store.close();
  expect(reads).toBe(750);
});

it('keeps at most its number of rooms, the least used going first, and reloads one that went', () => {
  const loads: string[] = [];
  const recent = new RecentRows(10, 2);
  const load = (room: string) => {
    loads.push(room);
    return [];
  };
  for (const room of ['a', 'b', 'a', 'c', 'a', 'b']) recent.read(room, 'x', undefined, 5, load);
  // a, b kept; c pushes out b (a was used after it); b again pushes out c.
  expect(loads).toEqual(['a', 'b', 'c', 'b']);
});

it('says it cannot answer rather than answer short, once a room has outgrown what is kept', () => {
  const message = (offset: number, toClient?: string): StoredMessage => ({
    offset,
    room: 'r',
    fromClient: 'f',
    from: 'f',
    id: `m${offset}`,
    text: '',
    time: offset,
    ...(toClient ? { toClient, to: 't' } : {}),
  });
  const recent = new RecentRows(3, 10);
  const load = () => [message(1), message(2, 'other'), message(3, 'other')];
  // Three kept of a room that may have more: one visible of the two asked for could be short.
  expect(recent.read('r', 'me', undefined, 2, load)).toBeUndefined();
  expect(recent.read('r', 'me', undefined, 1, load)).toEqual([message(1)]);
  // A replay from below the oldest kept could miss what lies between.
  expect(recent.read('r', 'me', 0, 10, load)).toBeUndefined();
  expect(recent.read('r', 'me', 1, 10, load)).toEqual([]);
  recent.added(message(4));
  expect(recent.read('r', 'me', 2, 10, load)).toEqual([message(4)]);
});

it('forgets what it kept when another connection wrote the file, as two backends sharing it for a moment would', async () => {
  const path = join(dir, 'shared.db');
  const a = new SqliteStore(path);
  const b = new SqliteStore(path);
  const message = (id: string) => ({ room: 'lobby', fromClient: 'a'.repeat(16), from: 'a', id, text: id, time: 1 });
  await a.add(message('one'));
  expect((await a.history('lobby', 'c'.repeat(16), undefined, 50)).map((m) => m.text)).toEqual(['one']);
  await b.add(message('two'));
  // Noticed from A's next turn of the event loop (A reads data_version once per turn).
  await new Promise((r) => setImmediate(r));
  // A kept 'one' as the newest; B's message is newer, and A must say so.
  expect((await a.history('lobby', 'c'.repeat(16), undefined, 50)).map((m) => m.text)).toEqual(['one', 'two']);
  expect((await a.history('lobby', 'c'.repeat(16), 1, 50)).map((m) => m.text)).toEqual(['two']);
  await a.close();
  await b.close();
});

it('keeps at most its size in all, the least used rooms going first, and still answers from the database', () => {
  const big = (room: string, offset: number): StoredMessage => ({ offset, room, fromClient: 'f', from: 'f', id: `m${offset}`, text: 'x'.repeat(900), time: offset });
  const loads: string[] = [];
  // Room for about two rooms of ten 1,000-character rows.
  const recent = new RecentRows(10, 100, 2 * 10 * 1000 + 100);
  const load = (room: string) => {
    loads.push(room);
    return Array.from({ length: 10 }, (_, i) => big(room, i + 1));
  };
  for (const room of ['a', 'b', 'c', 'a']) expect(recent.read(room, 'me', undefined, 5, load)).toHaveLength(5);
  // c pushed out a (the least used), so a loads again.
  expect(loads).toEqual(['a', 'b', 'c', 'a']);
});
