/**
 * The chat against clients that do not play by the page's rules (issue 12): raw socket.io clients on a real server,
 * many connections from one address (all of these come from 127.0.0.1), floods of every event, parallel joins, and
 * reconnections that ask for all of history at once. What is asserted is what the others would observe.
 */
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { newClientId } from '../../src/chat/chat-client.js';
import {
  ERRORS,
  MAX_REPLAY,
  MAX_REPLAY_BYTES,
  presenceChanges,
  SOCKET_PATH,
  type ChatMessage,
  type ClientToServer,
  type JoinResult,
  type Notice,
  type ServerToClient,
} from '../../src/shared/chat-protocol.js';
import { DEFAULT_LIMITS, type ChatLimits } from './limits.js';
import { startChat, type ChatHarness } from './testing.js';

type Raw = Socket<ServerToClient, ClientToServer>;

let chat: ChatHarness | undefined;
const sockets: Raw[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await chat?.close();
  chat = undefined;
});

async function start(limits: Partial<ChatLimits> = {}): Promise<ChatHarness> {
  chat = await startChat({ limits });
  return chat;
}

/** A connection of its own (forceNew: not multiplexed on another's), resolved once connected or refused. */
function raw(
  auth: Record<string, unknown> = {},
): Promise<{ socket: Raw; refused?: Error & { data?: unknown }; rejoined: Promise<JoinResult> }> {
  const socket: Raw = io(chat!.url, {
    path: SOCKET_PATH,
    auth: { clientId: newClientId(), ...auth },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  sockets.push(socket);
  // Listened for from the start: the server may send it in the same read as the connection's acceptance.
  const rejoined = new Promise<JoinResult>((resolve) => socket.once('rejoined', resolve));
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, rejoined }));
    socket.once('connect_error', (refused) => resolve({ socket, refused, rejoined }));
  });
}

async function joined(room: string, nick: string): Promise<Raw> {
  const { socket, refused } = await raw();
  expect(refused).toBeUndefined();
  expect(await socket.emitWithAck('join', { room, nick })).toMatchObject({ ok: true });
  return socket;
}

/** The room's comings and goings as a page shows them: each presence change is a "joined" or "left" notice. */
function onNotice(socket: Raw, listener: (n: Notice) => void): void {
  socket.on('presence', (batch) => {
    for (const c of presenceChanges(batch)) listener({ kind: c.kind, room: batch.room, nick: c.nick, time: c.time });
  });
}

const roomy: Partial<ChatLimits> = {
  room: { connection: { perSecond: 1000, burst: 1000 }, address: { perSecond: 1000, burst: 1000 } },
};

/** The most a limit lets through in `ms`: its burst and what it refills meanwhile. */
const allowance = (rate: { perSecond: number; burst: number }, ms: number) => Math.floor(rate.burst + (rate.perSecond * ms) / 1000);

describe('limits per connection and per address', () => {
  it('20 connections × 10 messages from one address: only the address’s share is accepted', async () => {
    await start(roomy);
    const victim = await joined('lobby', 'victim');
    let delivered = 0;
    victim.on('message', () => delivered++);
    const flooders = await Promise.all(Array.from({ length: 20 }, (_, i) => joined('lobby', `flood${i}`)));
    const started = performance.now();
    const answers = await Promise.all(
      flooders.flatMap((s, i) => Array.from({ length: 10 }, (_, j) => s.emitWithAck('message', { id: `m${i}-${j}`, text: 'spam' }))),
    );
    const elapsed = performance.now() - started;
    const accepted = answers.filter((a) => a.ok).length;
    expect(accepted).toBeLessThanOrEqual(allowance(DEFAULT_LIMITS.message.address, elapsed));
    expect(accepted).toBeGreaterThan(0);
    const refused = answers.find((a) => !a.ok);
    expect(refused).toMatchObject({ ok: false, error: 'rate-limited' });
    expect(refused!.ok === false && refused!.retryAfterMs).toBeGreaterThan(0);
    // What reached the room is what was accepted, no more.
    await expect.poll(() => delivered).toBe(accepted);
    console.log(`20 connections × 10 messages: ${accepted} of 200 accepted in ${Math.round(elapsed)} ms`);
  });

  it('limits typing per connection and per address, and drops the excess silently', async () => {
    await start(roomy);
    const victim = await joined('lobby', 'victim');
    let shown = 0;
    victim.on('typing', () => shown++);
    const marker = await joined('lobby', 'marker');
    const typists = await Promise.all(Array.from({ length: 10 }, (_, i) => joined('lobby', `typist${i}`)));
    const started = performance.now();
    for (let round = 0; round < 20; round++) for (const s of typists) s.emit('typing', round % 2 === 0);
    // A message from a connection that was in the room before the flood: once it arrives, every flag sent before it has
    // been handled. It is sent again until the address's packet budget lets it through.
    const done = new Promise<void>((resolve) => victim.on('message', () => resolve()));
    for (;;) {
      const answer = await marker.emitWithAck('message', { id: 'end', text: 'end' });
      if (answer.ok) break;
      await new Promise((r) => setTimeout(r, answer.retryAfterMs ?? 100));
    }
    await done;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(allowance(DEFAULT_LIMITS.typing.address, performance.now() - started));
  });

  it('refuses events the chat does not know, and cuts off a connection that keeps sending refused packets', async () => {
    await start();
    const { socket } = await raw();
    const unknown = await (socket as unknown as Socket).emitWithAck('history', { all: true });
    expect(unknown).toMatchObject({ ok: false, error: 'bad-request', message: ERRORS['bad-request'] });
    const cut = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 2000; i++) (socket as unknown as Socket).emit('whatever', i);
    expect(await cut).toBe('io server disconnect');
  });

  it('a flood of packets on one connection gets refusals with a retry time, then the connection is cut', async () => {
    await start();
    const socket = await joined('lobby', 'flooder');
    const answers: Array<{ ok: boolean; error?: string }> = [];
    const cut = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    for (let i = 0; i < 500; i++) socket.emit('message', { id: `f${i}`, text: 'x' }, (a) => answers.push(a));
    expect(await cut).toBe('io server disconnect');
    expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(DEFAULT_LIMITS.message.connection.burst + 1);
    expect(answers.some((a) => a.error === 'rate-limited')).toBe(true);
  });

  it('limits connections per address, and says why in both languages', async () => {
    await start({ connections: { perAddress: 5, opened: { perSecond: 1000, burst: 1000 } } });
    const results = await Promise.all(Array.from({ length: 8 }, () => raw()));
    const refused = results.filter((r) => r.refused);
    expect(results.filter((r) => !r.refused)).toHaveLength(5);
    expect(refused).toHaveLength(3);
    expect(refused[0]!.refused!.message).toBe('too-many-connections');
    expect(refused[0]!.refused!.data).toMatchObject({ message: { zh: expect.stringContaining('连接') } });
    // A closed connection gives its place back.
    results.find((r) => !r.refused)!.socket.disconnect();
    await expect.poll(async () => !(await raw()).refused).toBe(true);
  });

  it('limits how often one address opens connections', async () => {
    await start();
    const burst = DEFAULT_LIMITS.connections.opened.burst;
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: burst + 20 }, () => raw()));
    const accepted = results.filter((r) => !r.refused).length;
    expect(accepted).toBeLessThanOrEqual(allowance(DEFAULT_LIMITS.connections.opened, performance.now() - started));
    expect(results.find((r) => r.refused)!.refused).toMatchObject({ message: 'too-fast', data: { retryAfterMs: expect.any(Number) } });
  });
});

describe('joins', () => {
  it('200 renames of one connection cost a victim a few notices, not 400', async () => {
    await start();
    const victim = await joined('lobby', 'victim');
    const marker = await joined('lobby', 'marker');
    const notices: Notice[] = [];
    onNotice(victim, (n) => notices.push(n));
    const renamer = await joined('lobby', 'renamer');
    // A connection this abusive is cut off part-way: the answers it never gets count as refusals.
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        renamer.timeout(5000).emitWithAck('join', { room: 'lobby', nick: `name${i}` }).catch(() => ({ ok: false as const, error: 'no answer' })),
      ),
    );
    expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(DEFAULT_LIMITS.room.connection.burst);
    expect(answers.find((a) => !a.ok && a.error !== 'no answer')).toMatchObject({ error: 'too-fast', message: ERRORS['too-fast'] });
    // The marker leaves after all of that: once the victim sees it go, every notice about the renamer has arrived.
    marker.disconnect();
    await expect.poll(() => notices.some((n) => n.nick === 'marker')).toBe(true);
    const aboutRenamer = notices.filter((n) => n.nick !== 'marker');
    // Each rename the limit lets through is a "left" and a "joined" (its answer may be lost when the connection is cut
    // off); being cut off, one more "left".
    expect(aboutRenamer.length).toBeLessThanOrEqual(2 * DEFAULT_LIMITS.room.connection.burst + 1);
  });

  it('parallel joins of one connection run one at a time: it ends in exactly the room it is listed in', async () => {
    await start(roomy);
    const watcher = await joined('r0', 'watcher');
    const notices: Notice[] = [];
    onNotice(watcher, (n) => notices.push(n));
    const jumper = await joined('r0', 'jumper');
    const rooms = Array.from({ length: 30 }, (_, i) => `r${i % 4}`);
    const answers = await Promise.all(rooms.map((room) => jumper.emitWithAck('join', { room, nick: 'jumper' })));
    expect(answers.every((a) => a.ok)).toBe(true);
    const last = answers.at(-1) as Extract<JoinResult, { ok: true }>;
    const server = [...chat!.io.of('/').sockets.values()].find((s) => s.data.nick === 'jumper')!;
    expect(server.data.room).toBe(last.room);
    // In socket.io's rooms: itself, its client room, and the one room it is listed in: no room left over.
    expect([...server.rooms].filter((r) => r.startsWith('r'))).toEqual([last.room]);
    // The watcher in r0 saw jumper's comings and goings alternate, ending where jumper is.
    // Done one after another, every move out of r0 is a "left" and every move into it a "joined".
    // (The first "joined" is jumper's arrival, before the parallel joins.)
    const expected = ['joined', ...rooms.flatMap((room, i) => {
      const from = i === 0 ? 'r0' : rooms[i - 1];
      return from === 'r0' && room !== 'r0' ? ['left'] : from !== 'r0' && room === 'r0' ? ['joined'] : [];
    })];
    await expect.poll(() => notices.filter((n) => n.nick === 'jumper').length).toBe(expected.length);
    expect(notices.filter((n) => n.nick === 'jumper').map((n) => n.kind)).toEqual(expected);
  });
});

describe('replay on reconnection', () => {
  const fill = async (harness: ChatHarness, count: number) => {
    const text = '😀'.repeat(1000); // 4,000 bytes of UTF-8: the largest a message can be
    for (let i = 0; i < count; i++) {
      await harness.store.add({ room: 'lobby', fromClient: 'x'.repeat(16), from: 'old', id: `h${i}`, text, time: i });
    }
  };

  it('a reconnection naming a room or nickname a join would refuse is refused the same way, and holds nothing', async () => {
    await start();
    expect(await (await raw({ room: 'no space', nick: 'alice', serverOffset: 0 })).rejoined).toMatchObject({ ok: false, error: 'room-invalid' });
    expect(await (await raw({ room: 'lobby', nick: '<b>', serverOffset: 0 })).rejoined).toMatchObject({ ok: false, error: 'nick-invalid' });
    expect(await (await raw({ room: 'lobby', nick: 'a\u202eb', serverOffset: 0 })).rejoined).toMatchObject({ ok: false, error: 'nick-hidden' });
    // Nothing was entered: the names are free.
    const { socket } = await raw();
    expect(await socket.emitWithAck('join', { room: 'lobby', nick: 'alice' })).toMatchObject({ ok: true, online: ['alice'] });
  });

  it('replays at most MAX_REPLAY messages and MAX_REPLAY_BYTES bytes, and says it cut them', async () => {
    const harness = await start();
    await fill(harness, 500);
    const result = await (await raw({ room: 'lobby', nick: 'back', serverOffset: 0 })).rejoined;
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.truncated).toBe(true);
    expect(result.messages.length).toBeGreaterThan(0);
    expect(result.messages.length).toBeLessThanOrEqual(MAX_REPLAY);
    expect(Buffer.byteLength(JSON.stringify(result.messages))).toBeLessThanOrEqual(MAX_REPLAY_BYTES + result.messages.length);
    // The oldest first, none skipped: a client can ask again from the last one it got.
    expect(result.messages.map((m: ChatMessage) => m.offset)).toEqual(result.messages.map((_, i) => i + 1));
  });

  it('100 reconnections asking for everything get the address’s byte budget between them, each told what it missed', async () => {
    const harness = await start({ connections: { perAddress: 1000, opened: { perSecond: 1000, burst: 1000 } } });
    await fill(harness, 1200);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const { refused, rejoined } = await raw({ room: 'lobby', nick: `back${i}`, serverOffset: 0 });
        expect(refused).toBeUndefined();
        return rejoined;
      }),
    );
    const elapsed = performance.now() - started;
    const bytes = results.reduce((sum, r) => sum + (r.ok ? Buffer.byteLength(JSON.stringify(r.messages)) : 0), 0);
    const budget = DEFAULT_LIMITS.history.bytesPerAddress;
    expect(bytes).toBeLessThanOrEqual(budget.burst + (budget.perSecond * elapsed) / 1000 + 100 * MAX_REPLAY);
    // Nobody is left believing they have everything: each replay is complete or says it is not.
    expect(results.every((r) => r.ok && r.truncated)).toBe(true);
    console.log(`100 replays from offset 0: ${bytes} bytes sent in ${Math.round(elapsed)} ms`);
  }, 60_000);
});
