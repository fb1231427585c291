/**
 * The chat's logic with an in-memory store, on a real socket.io server, driven by the page's own ChatClient: what each
 * client ends up showing is what is asserted, message by message.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/chat/chat-client.js';
import { io, type Socket } from 'socket.io-client';
import { newClientId } from '../../src/chat/chat-client.js';
import { MAX_TEXT, ONLINE_NAMES_MAX, SOCKET_PATH } from '../../src/shared/chat-protocol.js';
import { connected, startChat, type ChatHarness } from './testing.js';

let chat: ChatHarness;
beforeEach(async () => {
  chat = await startChat();
});
afterEach(async () => {
  await chat.close();
});

const texts = (c: ChatClient) => c.messages.map((m) => m.text);
const notices = (c: ChatClient) =>
  c.timeline.flatMap((e) => (e.type === 'notice' ? [`${e.notice.nick} ${e.notice.kind}`] : []));

async function joined(room: string, nick: string): Promise<ChatClient> {
  const c = chat.client();
  const result = await c.join(room, nick);
  expect(result).toMatchObject({ ok: true });
  return c;
}

describe('nicknames and rooms', () => {
  it('refuses bad nicknames and room names, and a nickname in use in the room, whatever its case', async () => {
    const alice = await joined('lobby', 'Alice');
    const other = chat.client();
    for (const bad of ['', ' ', '<b>', 'a  b', 'x;y']) {
      expect(await other.join('lobby', bad)).toMatchObject({ ok: false, error: 'nick-invalid' });
    }
    for (const hidden of ['a\tb', 'nul\u0000']) {
      expect(await other.join('lobby', hidden)).toMatchObject({ ok: false, error: 'nick-hidden' });
    }
    expect(await other.join('lobby', 'a'.repeat(21))).toMatchObject({ ok: false, error: 'nick-too-long' });
    expect(await other.join('no space', 'bob')).toMatchObject({ ok: false, error: 'room-invalid' });
    const taken = await other.join('LOBBY', 'alice');
    expect(taken).toMatchObject({ ok: false, error: 'nick-taken' });
    expect(taken.ok === false && taken.message.zh).toContain('昵称');
    expect(await other.join('kitchen', 'alice')).toMatchObject({ ok: true, room: 'kitchen', nick: 'alice' });
    expect(await other.join('lobby', '张三 2.0')).toMatchObject({ ok: true, nick: '张三 2.0', online: ['Alice', '张三 2.0'] });
    alice.close();
    // Once Alice has gone, her name is free again.
    const third = chat.client();
    await expect.poll(async () => (await third.join('lobby', 'ALICE')).ok).toBe(true);
  });
});

describe('chatting in a room', () => {
  it('a refused rename leaves the person in their room, still able to send', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    expect(await bob.join('lobby', 'Alice')).toMatchObject({ ok: false, error: 'nick-taken' });
    expect(await bob.send('still here')).toMatchObject({ ok: true });
    await expect.poll(() => texts(alice)).toEqual(['still here']);
    expect(notices(alice).some((n) => /bob/.test(n) && /left/.test(n))).toBe(false);
  });

  it('shows history on joining, join and leave notices, and the online list', async () => {
    const alice = await joined('lobby', 'alice');
    await alice.send('first');
    await alice.send('second');
    const bob = await joined('lobby', 'bob');
    expect(texts(bob)).toEqual(['first', 'second']);
    await expect.poll(() => notices(alice)).toEqual(['bob joined']);
    await expect.poll(() => alice.online).toEqual(['alice', 'bob']);
    await bob.send('hi alice');
    await expect.poll(() => texts(alice)).toEqual(['first', 'second', 'hi alice']);
    expect(texts(bob)).toEqual(['first', 'second', 'hi alice']);
    // The sender's own message is shown once: the pending copy gives way to the stored one.
    await expect.poll(() => bob.pending).toEqual([]);
    bob.close();
    await expect.poll(() => notices(alice)).toEqual(['bob joined', 'bob left']);
    await expect.poll(() => alice.online).toEqual(['alice']);
  });

  it('keeps rooms apart', async () => {
    const a = await joined('lobby', 'a');
    const b = await joined('kitchen', 'b');
    await a.send('in the lobby');
    await b.send('in the kitchen');
    const c = await joined('kitchen', 'c');
    expect(texts(c)).toEqual(['in the kitchen']);
    expect(texts(a)).toEqual(['in the lobby']);
  });

  it('stores and delivers a message once however often its id is sent', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    const results = await Promise.all([alice.send('once', undefined, 'm-1'), alice.send('once', undefined, 'm-1')]);
    expect(results[0]).toEqual(results[1]);
    await alice.send('after');
    await expect.poll(() => texts(bob)).toEqual(['once', 'after']);
    expect(texts(alice)).toEqual(['once', 'after']);
    expect(await chat.store.history('lobby', alice.clientId, undefined, 100)).toHaveLength(2);
  });

  it('delivers a private message only to its two people, and replays it only to them', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    const eve = await joined('lobby', 'eve');
    expect(await alice.send('psst', 'BOB')).toMatchObject({ ok: true });
    await alice.send('hello all');
    await expect.poll(() => texts(eve)).toEqual(['hello all']);
    await expect.poll(() => texts(bob)).toEqual(['psst', 'hello all']);
    expect(bob.messages[0]).toMatchObject({ from: 'alice', to: 'bob' });
    expect(texts(alice)).toEqual(['psst', 'hello all']);
    expect(await alice.send('to nobody', 'mallory')).toMatchObject({ ok: false, error: 'no-such-user' });
    // A newcomer's history has the public message only.
    const late = await joined('lobby', 'late');
    expect(texts(late)).toEqual(['hello all']);
  });

  it('shows others typing, and stops when they send or go quiet', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    bob.setTyping(true);
    await expect.poll(() => alice.typing).toEqual(['bob']);
    await bob.send('done');
    await expect.poll(() => alice.typing).toEqual([]);
    bob.setTyping(false);
    bob.setTyping(true);
    await expect.poll(() => alice.typing).toEqual(['bob']);
    // No `false` ever comes: the indicator times out on its own (TYPING_TIMEOUT_MS).
    await expect.poll(() => alice.typing, { timeout: 8000 }).toEqual([]);
    expect(bob.typing).toEqual([]);
  });
});

describe('the online list as changes', () => {
  it('a newcomer gets the whole list with its version; the others get one change each, in version order', async () => {
    const alice = await joined('lobby', 'alice');
    const start = alice.version;
    const others = await Promise.all(Array.from({ length: 12 }, (_, i) => joined('lobby', `p${i}`)));
    const last = others.at(-1)!;
    await expect.poll(() => alice.online.length).toBe(13);
    // Twelve joins (within the address's join limit) are twelve changes, each one version above the last: nothing skipped, nothing applied twice.
    expect(alice.version).toBe(start + 12);
    expect(notices(alice)).toHaveLength(12);
    expect(last.online).toHaveLength(13);
    for (const c of others) await expect.poll(() => c.online.length).toBe(13);
  });

  it('a client that missed a change (a gap in the versions) asks for the whole list again', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    await expect.poll(() => alice.online).toEqual(['alice', 'bob']);
    // Alice's copy of the list is made stale and two versions behind, as if a batch had been lost on the way.
    (alice as unknown as { members: Set<string> }).members = new Set(['alice', 'ghost']);
    alice.version -= 2;
    const asked: string[] = [];
    alice.socket.onAnyOutgoing((event: string) => asked.push(event));
    const carol = await joined('lobby', 'carol');
    await expect.poll(() => alice.online).toEqual(['alice', 'bob', 'carol']);
    expect(asked).toContain('online');
    carol.close();
    await expect.poll(() => alice.online).toEqual(['alice', 'bob']);
  });
});

describe('a crowd', () => {
  it(`above ${ONLINE_NAMES_MAX} people, the newcomer gets ${ONLINE_NAMES_MAX} names and the count; the others the count only`, async () => {
    await chat.close();
    const many = { perSecond: 1e6, burst: 1e6 };
    chat = await startChat({
      limits: {
        room: { connection: many, address: many },
        packets: { connection: many, address: many },
        connections: { perAddress: 10_000, opened: many },
      },
    });
    const watcher = await joined('hall', 'watcher');
    // The crowd as bare connections (what a page's ChatClient does with the list is asserted on the watcher and the last).
    const crowd = ONLINE_NAMES_MAX + 2;
    const raw: Socket[] = [];
    for (let i = 0; i < crowd - 2; i += 50) {
      raw.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(50, crowd - 2 - i) }, async (_, j) => {
            const s = io(chat.url, { path: SOCKET_PATH, auth: { clientId: newClientId() }, transports: ['websocket'], forceNew: true });
            expect(await s.emitWithAck('join', { room: 'hall', nick: `p${i + j}` })).toMatchObject({ ok: true });
            return s;
          }),
        )),
      );
    }
    const last = await joined('hall', 'last');
    expect(last.count).toBe(crowd);
    expect(last.crowd).toBe(true);
    expect(last.online).toHaveLength(ONLINE_NAMES_MAX);
    await expect.poll(() => watcher.count, { timeout: 10_000 }).toBe(crowd);
    expect(watcher.crowd).toBe(true);
    // Some leave: the count follows, and nobody's list grows past what it was given.
    for (const s of raw.slice(0, 10)) s.disconnect();
    await expect.poll(() => last.count, { timeout: 10_000 }).toBe(crowd - 10);
    expect(last.online.length).toBeLessThanOrEqual(ONLINE_NAMES_MAX);
    for (const s of raw) s.disconnect();
  }, 60_000);
});

describe('presence in a room that fills slowly', () => {
  const many = { perSecond: 1e6, burst: 1e6 };
  const unlimited = { room: { connection: many, address: many }, packets: { connection: many, address: many }, connections: { perAddress: 1000, opened: many } };
  const connect = () => io(chat.url, { path: SOCKET_PATH, auth: { clientId: newClientId() }, transports: ['websocket'], forceNew: true });
  const join = (s: ReturnType<typeof connect>, nick: string) =>
    s.emitWithAck('join', { room: 'hall', nick }).then((r: unknown) => {
      expect(r).toMatchObject({ ok: true });
      return s;
    });
  const opener = () => (nick: string) => join(connect(), nick);
  /**
   * A fresh server with `perMemberMs` of presence interval per member, a room of twenty and a watcher, and the
   * presence batches the watcher gets from now on (each with its time).
   */
  const roomOfTwenty = async (perMemberMs: number) => {
    await chat.close();
    chat = await startChat({ onlineDelayMs: 10, presencePerMemberMs: perMemberMs, limits: unlimited });
    const open = opener();
    const sockets = await Promise.all(Array.from({ length: 20 }, (_, i) => open(`early${i}`)));
    const watcher = await open('watcher');
    sockets.push(watcher);
    const batches: { at: number; changes: unknown[] }[] = [];
    watcher.on('presence', (b: { changes: unknown[] }) => batches.push({ at: performance.now(), changes: b.changes }));
    return { open, sockets, batches };
  };
  /** Batches i..j (a token bucket of 2, refilled one per `interval` ms): at most 2 + (t_j - t_i) / interval of them. */
  const withinBudget = (batches: { at: number }[], interval: number) => {
    for (let i = 0; i < batches.length; i++) {
      for (let j = i + 1; j < batches.length; j++) {
        // 20 ms for the delivery's jitter and timers that fire a little early.
        expect(j - i + 1, `batches ${i}..${j}`).toBeLessThanOrEqual(2 + (batches[j]!.at - batches[i]!.at + 20) / interval);
      }
    }
  };

  it('people trickling in get the room one batch per interval, not one each: the interval grows with the room', async () => {
    // 10 ms per member: 21 members make an interval of 210 ms, and quiet is 10 ms, so each join of a trickle one every
    // 40 ms would be a batch of its own if quiet were the only rule.
    const { open, sockets, batches } = await roomOfTwenty(10);
    // What the batches for the early crowd still on their way would add: wait until the room is quiet.
    await new Promise((r) => setTimeout(r, 400));
    batches.length = 0;
    for (let i = 0; i < 10; i++) {
      sockets.push(await open(`late${i}`));
      await new Promise((r) => setTimeout(r, 40));
    }
    // Every change arrives, in fewer batches than joins: after the two the room had saved up, one per interval.
    await expect.poll(() => batches.flatMap((b) => b.changes).length, { timeout: 5000 }).toBe(10);
    expect(batches.length).toBeLessThan(10);
    withinBudget(batches, 210);
    for (const s of sockets) s.disconnect();
  }, 30_000);

  it("a burst's last batch goes as soon as the burst ends while the room's budget allows, and then waits for it", async () => {
    // 20 ms per member: 21 members and more make an interval of 420 ms and more; quiet is 10 ms.
    const { sockets, batches } = await roomOfTwenty(20);
    // Two intervals and more: the room's budget is full again.
    await new Promise((r) => setTimeout(r, 1200));
    batches.length = 0;
    // Connected first, then the five joins sent at once: a burst of joins however long the connections take to open.
    // Opened and joined one by one, under load (Node 24 in CI) they came more than a quiet period apart, the first
    // burst was told in two batches, and the second waited for the budget (566 ms).
    const burst = async (name: string) => {
      const fresh = await Promise.all(
        Array.from({ length: 5 }, () => {
          const s = connect();
          return new Promise<typeof s>((resolve) => s.once('connect', () => resolve(s)));
        }),
      );
      sockets.push(...(await Promise.all(fresh.map((s, i) => join(s, `${name}${i}`)))));
      return performance.now();
    };
    const changes = () => batches.flatMap((b) => b.changes).length;
    // Two bursts, each told to the room within a few quiet periods of its end (a fixed gap after the batch before
    // would hold the second back by an interval, 520 ms here), not once per join.
    for (const [i, name] of ['a', 'b'].entries()) {
      const ended = await burst(name);
      await expect.poll(changes, { timeout: 2000, interval: 5 }).toBe(5 * (i + 1));
      expect(batches.at(-1)!.at - ended).toBeLessThan(150);
    }
    // The budget is spent: a third burst waits for it, about an interval after the first batch.
    await burst('c');
    await expect.poll(changes, { timeout: 5000 }).toBe(15);
    expect(batches.length).toBeLessThanOrEqual(4);
    withinBudget(batches, 520);
    for (const s of sockets) s.disconnect();
  }, 30_000);
});

describe('a connection that drops and comes back', () => {
  it('within the grace period shows the others nothing; a real departure after it says "left"', async () => {
    chat = await (async () => {
      await chat.close();
      return startChat({ graceMs: 1500 });
    })();
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    await expect.poll(() => notices(alice)).toEqual(['bob joined']);
    const changes: string[] = [];
    alice.socket.on('presence', (batch) => changes.push(...batch.changes.map(([kind, nick]) => `${nick} ${kind}`)));
    // Bob's network goes away three times, from his side and from the server's; he comes back each time.
    for (let i = 0; i < 3; i++) {
      if (i % 2 === 0) bob.socket.io.engine.close();
      else for (const s of chat.io.of('/').sockets.values()) if (s.data.nick === 'bob') s.conn.close();
      await new Promise<void>((resolve) => bob.socket.once('connect', () => resolve()));
      await expect.poll(() => bob.room).toBe('lobby');
    }
    await bob.send('back');
    await expect.poll(() => alice.messages.map((m) => m.text)).toEqual(['back']);
    // The late "leave" of every dropped connection has run by the time a message sent after the grace arrives.
    await new Promise((r) => setTimeout(r, 1600));
    await alice.send('after the grace');
    await expect.poll(() => bob.messages.map((m) => m.text)).toEqual(['back', 'after the grace']);
    expect(changes).toEqual([]);
    expect(notices(alice)).toEqual(['bob joined']);
    expect(alice.online).toEqual(['alice', 'bob']);

    // Gone for good (the network drops and he never comes back): "left" once the grace is over.
    bob.socket.io.reconnection(false);
    bob.socket.io.engine.close();
    await expect.poll(() => notices(alice), { timeout: 5000 }).toEqual(['bob joined', 'bob left']);
    expect(alice.online).toEqual(['alice']);
  });
});

describe('limits', () => {
  it(`takes ${MAX_TEXT} characters (counted as people count them) and refuses one more`, async () => {
    const alice = await joined('lobby', 'alice');
    expect(await alice.send('😀'.repeat(MAX_TEXT))).toMatchObject({ ok: true });
    expect(await alice.send('x'.repeat(MAX_TEXT + 1))).toMatchObject({ ok: false, error: 'text-too-long' });
    expect(await alice.send('   ')).toMatchObject({ ok: false, error: 'text-empty' });
    expect(alice.notice?.en).toMatch(/empty/);
  });

  it('limits each client to bursts of 10, then 5 a second, with a notice; held messages still go out once', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    const raw = await joined('lobby', 'raw');
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await raw.socket.emitWithAck('message', { id: `r${i}`, text: `r${i}` }));
    expect(answers.slice(0, 10).every((a) => a.ok)).toBe(true);
    expect(answers[10]).toMatchObject({ ok: false, error: 'rate-limited' });
    expect(answers[10]!.ok === false && answers[10]!.retryAfterMs).toBeGreaterThan(0);

    const seenNotices: string[] = [];
    alice.subscribe(() => alice.notice && seenNotices.push(alice.notice.en));
    const sent = Array.from({ length: 14 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((t) => alice.send(t)));
    expect(seenNotices.some((n) => /too fast/.test(n))).toBe(true);
    expect(alice.notice).toBeUndefined();
    await expect.poll(() => texts(bob).filter((t) => t.startsWith('m')).sort()).toEqual([...sent].sort());
  });

  it('refuses a connection without a valid client id', async () => {
    const bad = chat.client('short');
    const error = await new Promise<Error>((resolve) => bad.socket.once('connect_error', resolve));
    expect(error.message).toBe('client-invalid');
  });
});

describe('delivery across drops', () => {
  it('a client whose connection drops, and one the server cuts, miss nothing and see nothing twice', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    const carol = await joined('lobby', 'carol');
    const expected: string[] = [];
    const sends: Promise<unknown>[] = [];
    for (let round = 0; round < 4; round++) {
      // The network goes away under alice (her side) and under bob (the server's side) while everyone sends.
      alice.socket.io.engine.close();
      for (const s of chat.io.of('/').sockets.values()) if (s.data.nick === 'bob') s.conn.close();
      for (const [who, c] of [['alice', alice], ['bob', bob], ['carol', carol]] as const) {
        const text = `${who} ${round}`;
        expected.push(text);
        sends.push(c.send(text));
      }
      await Promise.all([connected(alice), connected(bob)]);
    }
    await Promise.all(sends);
    for (const c of [alice, bob, carol]) {
      await expect.poll(() => texts(c).length).toBe(expected.length);
      expect([...texts(c)].sort()).toEqual([...expected].sort());
      expect(new Set(c.messages.map((m) => m.offset)).size).toBe(expected.length);
      await expect.poll(() => c.online).toEqual(['alice', 'bob', 'carol']);
    }
    // Nobody is told of their own leaving, though a resumed session replays what the room was told.
    expect(notices(alice).some((n) => n.startsWith('alice '))).toBe(false);
  }, 30_000);

  it('after a server restart (nothing to resume), clients rejoin and get exactly what they missed from the store', async () => {
    const alice = await joined('lobby', 'alice');
    const bob = await joined('lobby', 'bob');
    await alice.send('before');
    await expect.poll(() => texts(bob)).toEqual(['before']);
    // Bob is cut off first, so the messages below are ones he has to be given on his return.
    bob.socket.io.reconnection(false);
    bob.socket.io.engine.close();
    await alice.send('while bob was away');
    const offline = bob.send('sent by bob while offline');
    // The old server goes away without its sessions (a new process), and a new one starts on the same port.
    await chat.restart();
    bob.socket.io.reconnection(true);
    bob.socket.connect();
    await offline;
    await alice.send('after the restart');
    const expected = ['before', 'while bob was away', 'sent by bob while offline', 'after the restart'];
    for (const c of [alice, bob]) {
      await expect.poll(() => [...texts(c)].sort()).toEqual([...expected].sort());
      expect(c.room).toBe('lobby');
    }
    expect(bob.socket.recovered).toBe(false);
  }, 30_000);
});
