/**
 * The chat's socket.io logic, in one plain module: nicknames, rooms, the online list, typing, private messages, history,
 * and delivery that neither loses nor repeats a message. It takes the socket.io namespace and the history store as
 * parameters and knows nothing of HTTP, SQLite or Redis, so the real chat (mount.ts), the tests (an in-memory store)
 * and the playground's chat lesson can all run the same code. The events are listed in src/shared/chat-protocol.ts.
 *
 * How "no message lost, none repeated" holds, in one process or several (Redis):
 * - the store assigns the order: every stored message gets an increasing offset, and every message and presence change
 *   reaches this module through the store's feed (store.subscribe), in that order, in every process; the chat
 *   delivers from the feed alone, so every client of a room sees one order;
 * - a client remembers the highest offset it has seen and sends it in `auth.serverOffset` at every reconnection; the
 *   server re-enters the room (socket in the room first) and replays the stored messages above that offset, so
 *   whatever was stored before the replay's read comes by replay and whatever after by the feed;
 * - a client gives each message its own id and retries until acknowledged; the store's unique key on (client, id)
 *   stores and delivers it once however many times it arrives, on whichever process (a retry of a stored message is
 *   only acknowledged);
 * - the page shows each offset once and in offset order, so a message that arrives both ways is not doubled.
 *
 * The online list travels as changes with a version per room, batched (presence events); the one who joins gets the
 * whole list. A dropped connection keeps its person in the room for a grace period (PRESENCE_GRACE_MS), so a
 * reconnection shows the others nothing.
 *
 * How a client is kept from costing others more than its share: every packet, and each costly action (a message, a
 * change of room or name, a typing flag, a history replay), is limited per connection and per remote address
 * (limits.ts); a connection's joins and leaves run one after another, so a burst of them cannot leave a socket in a
 * room other than the one it is listed in; a connection that keeps sending refused packets is cut off.
 */
import type { Namespace, Socket } from 'socket.io';
import {
  charCount,
  ERRORS,
  HISTORY_ON_JOIN,
  MAX_TEXT,
  ONLINE_NAMES_MAX,
  PRESENCE_GRACE_MS,
  validClientId,
  validMessageId,
  type ChatAuth,
  type ChatMessage,
  type ClientToServer,
  type ErrorCode,
  type JoinResult,
  type PresenceBatch,
  type SendResult,
  type ServerToClient,
} from '../../src/shared/chat-protocol.js';
import { checkNick, checkRoom, nickKey, nickSkeleton } from '../../src/chat/names.js';
import { addressKey, DEFAULT_LIMITS, Slots, type ChatLimits } from './limits.js';
import { ConnectionAndAddressLimiter, RateLimiter, type Rate } from './rate-limit.js';
import { clashWith, toWire, type ChatStore, type Holder } from './store.js';

export interface SocketData {
  clientId: string;
  room?: string;
  nick?: string;
}

type NoServerEvents = Record<string, never>;
export type ChatNamespace = Namespace<ClientToServer, ServerToClient, NoServerEvents, SocketData>;
type ChatSocket = Socket<ClientToServer, ServerToClient, NoServerEvents, SocketData>;

export interface ChatOptions {
  store: ChatStore;
  /** Messages per connection (the rest of `limits.message` stays). */
  rate?: Rate;
  /** Replaces the named groups of DEFAULT_LIMITS (limits.ts). */
  limits?: Partial<ChatLimits>;
  /** One line per failure, never a message's text (see the "no message contents in logs"). */
  log?: (line: string) => void;
  /** The shortest interval between a room's presence batches (the smallest rooms'), so a crowd joining costs a few. */
  onlineDelayMs?: number;
  /** The shortest quiet that ends a burst (PRESENCE_QUIET_MS, at most onlineDelayMs; see presenceDue). */
  presenceQuietMs?: number;
  /** How long a dropped connection keeps its person in the room (PRESENCE_GRACE_MS). */
  graceMs?: number;
  /** A room's budget grows by a presence batch per this many ms per member (PRESENCE_DELAY_PER_MEMBER_MS). */
  presencePerMemberMs?: number;
}

export interface Chat {
  close(): void;
}

type Failure = Extract<SendResult, { ok: false }>;

function fail(error: ErrorCode, extra: { retryAfterMs?: number } = {}): Failure {
  return { ok: false, error, message: ERRORS[error], ...extra };
}

/** A refused connection: the client's connect_error carries the code as its message and the reason in `data`. */
function refusedConnection(error: ErrorCode, retryAfterMs?: number): Error {
  return Object.assign(new Error(error), { data: fail(error, retryAfterMs === undefined ? {} : { retryAfterMs }) });
}

/** A log line with control and format characters escaped (\u001b, \n, bidi overrides) and a bounded length. */
export function logSafe(line: string): string {
  const escaped = line.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return escaped.length > 300 ? `${escaped.slice(0, 300)}… (${escaped.length} characters)` : escaped;
}

/** A room's presence batches are this far apart per member here, up to PRESENCE_MAX_DELAY_MS (see presenceDue). */
const PRESENCE_DELAY_PER_MEMBER_MS = 0.5;
const PRESENCE_MAX_DELAY_MS = 2000;
/**
 * How long a room must be quiet for its pending batch to go (when its budget allows): the end of a burst. A twentieth
 * of the room's interval, from this up to onlineDelayMs (100 ms from 4,000 members).
 */
const PRESENCE_QUIET_MS = 20;
/** How many batches a room may send back to back before it is held to one per interval (see presenceDue). */
const PRESENCE_BURST = 2;

const clientRoom = (clientId: string) => `client:${clientId}`;
const EVENTS: ReadonlySet<string> = new Set<keyof ClientToServer>(['join', 'message', 'typing', 'leave', 'online']);

/**
 * @example
 * const io = new Server(httpServer);
 * attachChat(io.of('/'), { store: new MemoryStore() });
 */
export function attachChat(nsp: ChatNamespace, options: ChatOptions): Chat {
  const { store } = options;
  const write = options.log ?? (() => {});
  // Error messages may quote what a client sent (a store's error, a parser's): never raw in the server's log, where a
  // newline would forge a line and an escape sequence would repaint the terminal.
  const log = (line: string) => write(logSafe(line));
  const limits: ChatLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (options.rate) limits.message = { ...limits.message, connection: options.rate };
  const packets = new ConnectionAndAddressLimiter(limits.packets);
  const messages = new ConnectionAndAddressLimiter(limits.message);
  const roomChanges = new ConnectionAndAddressLimiter(limits.room);
  const typingFlags = new ConnectionAndAddressLimiter(limits.typing);
  const opened = new RateLimiter(limits.connections.opened);
  const strikes = new RateLimiter(limits.strikes);
  const historyBytes = new RateLimiter(limits.history.bytesPerAddress);
  const replays = new Slots(limits.history.concurrentPerAddress, limits.history.queuedPerAddress);
  const openByAddress = new Map<string, number>();
  const releases = new WeakMap<ChatSocket, () => void>();
  const prune = setInterval(() => {
    for (const l of [packets, messages, roomChanges, typingFlags, opened, strikes, historyBytes]) l.prune();
    const now = performance.now();
    // A budget left alone this long is full again, which is what a room without one has.
    for (const [room, b] of budgets) if (now - b.at > PRESENCE_BURST * PRESENCE_MAX_DELAY_MS) budgets.delete(room);
  }, 60_000);
  prune.unref();
  const onlineTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const onlineDelayMs = options.onlineDelayMs ?? 100;
  const quietMs = options.presenceQuietMs ?? Math.min(PRESENCE_QUIET_MS, onlineDelayMs);
  const graceMs = options.graceMs ?? PRESENCE_GRACE_MS;
  const perMemberMs = options.presencePerMemberMs ?? PRESENCE_DELAY_PER_MEMBER_MS;

  /** The connection's hold on its room and name, as the store knows it. */
  function holderOf(socket: ChatSocket, room: string, nick: string): Holder {
    return { room, nick, key: nickKey(nick), skeleton: nickSkeleton(nick), clientId: socket.data.clientId, holder: tags.get(socket)! };
  }
  // Each connection's own tag: a session socket.io resumes keeps its socket.id, and the grace period's late "leave" of
  // the dropped connection must not take the name from the resumed one.
  const tags = new WeakMap<ChatSocket, string>();
  let connections = 0;

  // Presence changes are sent in batches per room, at most one per interval that grows with the room over time, with
  // a burst of PRESENCE_BURST allowed (presenceDue): a crowd joining costs each member a packet every few seconds at
  // most, whatever its size. The store's feed gives them in version order.
  const pendingPresence = new Map<string, PresenceBatch>();
  /** When the room's pending batch got its first change, and its last. */
  const batchOpened = new Map<string, number>();
  const lastChange = new Map<string, number>();
  /**
   * Each room's budget of batches: `tokens` as of `at`, refilled by one per interval, up to PRESENCE_BURST. A room
   * without one has a full budget (an entry is dropped once it would be full again).
   */
  const budgets = new Map<string, { tokens: number; at: number }>();
  const intervalOf = (room: string) =>
    Math.min(PRESENCE_MAX_DELAY_MS, Math.max(onlineDelayMs, (nsp.adapter.rooms.get(room)?.size ?? 0) * perMemberMs));
  /** The room's tokens now: refilled since they were last counted, at the room's interval as it is now. */
  const tokensOf = (room: string, interval: number, now: number) => {
    const b = budgets.get(room);
    return b ? Math.min(PRESENCE_BURST, b.tokens + (now - b.at) / interval) : PRESENCE_BURST;
  };
  const flushPresence = (room: string) => {
    clearTimeout(onlineTimers.get(room));
    onlineTimers.delete(room);
    batchOpened.delete(room);
    lastChange.delete(room);
    const batch = pendingPresence.get(room);
    pendingPresence.delete(room);
    if (!batch) return;
    const now = performance.now();
    budgets.set(room, { tokens: tokensOf(room, intervalOf(room), now) - 1, at: now });
    // A crowd is told how many, not who: names for everyone would cost each member a name per join.
    if (batch.count > ONLINE_NAMES_MAX) {
      const { room: r, time, count } = batch;
      nsp.local.to(room).emit('presence', { room: r, version: batch.version + batch.changes.length - 1, time, changes: [], count, crowd: true });
    } else nsp.local.to(room).emit('presence', batch);
  };
  // Every message and presence change, from this process or another (Redis), reaches this process's sockets from
  // the store's feed alone, in the store's order: so every client of a room sees one order, and a client's highest
  // offset is a safe place to resume from (everything below it reached it before).
  store.subscribe((event) => {
    if (event.type === 'message') {
      const m = event.message;
      const wire = toWire(m);
      if (m.toClient === undefined) nsp.local.to(m.room).emit('message', wire);
      else nsp.local.to(clientRoom(m.toClient)).to(clientRoom(m.fromClient)).emit('message', wire);
      return;
    }
    const { room, change } = event;
    let batch = pendingPresence.get(room);
    // The feed gives a room's changes in version order, one after another; a batch holds a run of them.
    if (batch && batch.version + batch.changes.length !== change.version) {
      clearTimeout(onlineTimers.get(room));
      flushPresence(room);
      batch = undefined;
    }
    if (!batch) pendingPresence.set(room, (batch = { room, version: change.version, time: change.time, changes: [], count: 0 }));
    batch.changes.push([change.kind, change.nick]);
    batch.count = change.count ?? batch.count;
    // When the batch goes out is presenceDue's to say; the feed only notes when the room last changed.
    const now = performance.now();
    lastChange.set(room, now);
    if (!batchOpened.has(room)) batchOpened.set(room, now);
    // One timer per room, looked at when it fires, rather than a new one per change: a crowd joining made a thousand
    // timers of a thousand different lengths, each a list of its own in Node's timer queue (bench:chat, joins).
    if (!onlineTimers.has(room)) onlineTimers.set(room, setTimeout(() => presenceDue(room), quietMs));
  });

  /**
   * The room's pending batch is ready when the room has been quiet for a while (a burst has ended: PRESENCE_QUIET_MS)
   * or the batch has waited an interval (a room that never goes quiet still hears); it goes when it is ready and the
   * room's budget holds a batch (two for one that has only waited: one is kept for the end). The budget is a token
   * bucket: one batch per interval, up to PRESENCE_BURST saved up. The interval grows with the room (each batch is a
   * packet to every member), so over any stretch of time T a room costs its members at most
   * members × (PRESENCE_BURST + T / interval) packets: about 1/PRESENCE_DELAY_PER_MEMBER_MS a second in all from
   * 200 to 4,000 members, members / PRESENCE_MAX_DELAY_MS above, burst or trickle. People trickling into a room of
   * 10,000 one every 200 ms got a batch each, 50,000 packets a second; now one every 2 s after the first two.
   * The budget saved up is what lets the last batch of a burst go as soon as the burst ends: a fixed gap after the
   * batch before held it back by up to an interval (2 s at 10,000), for nothing.
   */
  function presenceDue(room: string): void {
    onlineTimers.delete(room);
    if (!pendingPresence.has(room)) return;
    const interval = intervalOf(room);
    const now = performance.now();
    // A bigger room waits a little longer to be sure a burst has ended: a batch that turns out to be in the middle of
    // one costs every member a packet, and the budget it spends may hold back the last (bench:chat, 10,000 joining
    // under load: 16,500 and 20,100 presence packets with 20 ms of quiet in two runs, 10,000 with 100 ms).
    const quiet = Math.min(onlineDelayMs, Math.max(quietMs, interval / 20));
    const tokens = tokensOf(room, interval, now);
    const funded = (n: number) => (tokens >= n ? now : now + (n - tokens) * interval);
    // A batch sent because it has waited, in a room still busy, keeps a batch of the budget back for the burst's end:
    // spending it all made the last batch of a long fill (10,000 joining in 3 to 5 s under load) wait for the refill.
    const due = Math.min(
      Math.max(lastChange.get(room)! + quiet, funded(1)),
      Math.max(batchOpened.get(room)! + interval, funded(PRESENCE_BURST)),
    );
    // A timer may fire a millisecond early; within one counts as due.
    if (due - now <= 1) flushPresence(room);
    else onlineTimers.set(room, setTimeout(() => presenceDue(room), due - now));
  }

  /** Leaves the room now (a real departure: another room, `leave`, closing the chat). */
  async function leaveRoom(socket: ChatSocket): Promise<void> {
    const { room, nick } = socket.data;
    if (!room || !nick) return;
    socket.data.room = undefined;
    socket.data.nick = undefined;
    await socket.leave(room);
    await store.leave(holderOf(socket, room, nick));
  }

  // A dropped connection keeps its place for the grace period: if the person comes back (on any process) meanwhile,
  // their new connection holds the name too, and letting go of this one says nothing to the room.
  const graceTimers = new Set<ReturnType<typeof setTimeout>>();
  function leaveLater(h: Holder): void {
    const timer = setTimeout(() => {
      graceTimers.delete(timer);
      store.leave(h).catch((err: unknown) => log(`leaving a room failed: ${(err as Error).message}`));
    }, graceMs);
    graceTimers.add(timer);
  }

  /**
   * A room's history for one client, within the limits: at most `history.messages` messages and `history.bytes`
   * bytes, from the address's byte budget, with at most `history.concurrentPerAddress` replays per address at once.
   * A replay (`after` given) keeps the oldest messages, so nothing in the middle is skipped; a join keeps the newest.
   * `truncated` says that some were left out; a replay refused outright is empty and truncated.
   */
  async function history(
    room: string,
    clientId: string,
    after: number | undefined,
    address: string,
  ): Promise<{ messages: ChatMessage[]; truncated: boolean }> {
    const { messages: most, bytes } = limits.history;
    const limit = after === undefined ? Math.min(HISTORY_ON_JOIN, most) : most;
    const done = await replays.run(address, async () => {
      const stored = await store.history(room, clientId, after, limit + 1);
      const more = after !== undefined && stored.length > limit;
      const wanted = (after === undefined ? stored.slice(-limit) : stored.slice(0, limit)).map(toWire);
      if (after === undefined) wanted.reverse();
      const allowed = Math.min(bytes, historyBytes.available(address));
      let budget = allowed;
      const kept: ChatMessage[] = [];
      for (const m of wanted) {
        const size = Buffer.byteLength(JSON.stringify(m));
        if (size > budget) break;
        budget -= size;
        kept.push(m);
      }
      historyBytes.spend(address, allowed - budget);
      if (after === undefined) kept.reverse();
      return { messages: kept, truncated: more || kept.length < wanted.length };
    });
    return done ?? { messages: [], truncated: true };
  }

  /** `room` and `nick` as checkRoom and checkNick gave them back (each join checks once: it showed in a crowd's profile). */
  async function enter(socket: ChatSocket, room: string, nick: string, after: number | undefined, address: string): Promise<JoinResult> {
    const h = holderOf(socket, room, nick);
    // Unique per room, without case and by look (nickSkeleton). The same client (another tab, or this socket coming
    // back) may hold it twice. Checked before leaving the current room: a refused rename leaves the person where they were.
    const before = clashWith(await store.named(room, h.skeleton), h.key, h.clientId);
    if (before) return fail(before);
    if (socket.data.room !== room || socket.data.nick !== nick) await leaveRoom(socket);
    // Gone while we waited: joining now would leave a dead connection holding the name.
    if (!socket.connected) return fail('not-joined');
    // In the room before the list and the history are read: a change or a message made meanwhile arrives both ways
    // rather than neither; the page keeps one (versions, offsets).
    await socket.join(room);
    const { error } = await store.enter(h); // taken meanwhile (by another process, with Redis)
    if (error) {
      await socket.leave(room);
      return fail(error);
    }
    socket.data.room = room;
    socket.data.nick = nick;
    if (!socket.connected) {
      await store.leave(h);
      return fail('not-joined');
    }
    const online = await store.online(room, ONLINE_NAMES_MAX);
    const { messages: stored, truncated } = await history(room, h.clientId, after, address);
    return { ok: true, room, nick, online: online.nicks, version: online.version, count: online.count, messages: stored, truncated };
  }

  async function send(socket: ChatSocket, request: unknown, connection: string, address: string): Promise<SendResult> {
    if (typeof request !== 'object' || request === null) return fail('bad-request');
    const { id, text, to } = request as { id?: unknown; text?: unknown; to?: unknown };
    if (!validMessageId(id) || typeof text !== 'string' || (to !== undefined && typeof to !== 'string')) {
      return fail('bad-request');
    }
    const { room, nick, clientId } = socket.data;
    if (!room || !nick) return fail('not-joined');
    // A retry of a message already stored: acknowledge it again, store and broadcast nothing, spend no rate token.
    const already = await store.find(clientId, id);
    if (already) return { ok: true, offset: already.offset };
    if (text.trim() === '') return fail('text-empty');
    if (charCount(text) > MAX_TEXT) return fail('text-too-long');
    const wait = messages.take(connection, address);
    if (wait > 0) return fail('rate-limited', { retryAfterMs: wait });
    let toClient: string | undefined;
    let toNick: string | undefined;
    if (to !== undefined) {
      const target = await store.named(room, nickSkeleton(to));
      if (!target || target.key !== nickKey(to)) return fail('no-such-user');
      toClient = target.clientId;
      toNick = target.nick!;
    }
    let result;
    try {
      result = await store.add({ room, fromClient: clientId, from: nick, toClient, to: toNick, id, text, time: Date.now() });
    } catch (err) {
      log(`storing a message failed: ${(err as Error).message}`);
      return fail('server-error');
    }
    // Delivered from the store's feed (above), stored or not this time.
    return { ok: true, offset: result.message.offset };
  }

  nsp.use((socket, next) => {
    const auth = socket.handshake.auth as ChatAuth;
    if (!validClientId(auth.clientId)) {
      next(new Error('client-invalid'));
      return;
    }
    const address = addressKey(socket.handshake.address);
    const open = openByAddress.get(address) ?? 0;
    if (open >= limits.connections.perAddress) {
      next(refusedConnection('too-many-connections'));
      return;
    }
    // Each new connection may ask for a replay and announces a join: how often they open is limited too.
    const wait = opened.take(address);
    if (wait > 0) {
      next(refusedConnection('too-fast', wait));
      return;
    }
    openByAddress.set(address, open + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (openByAddress.get(address) ?? 1) - 1;
      if (left > 0) openByAddress.set(address, left);
      else openByAddress.delete(address);
    };
    releases.set(socket, release);
    // The transport's close comes even when the socket never finished connecting (no 'disconnect' then).
    socket.conn.once('close', release);
    socket.data.clientId = auth.clientId;
    next();
  });

  nsp.on('connection', (socket: ChatSocket) => {
    tags.set(socket, `${socket.id}#${++connections}`);
    const connection = socket.id;
    const address = addressKey(socket.handshake.address);
    // Joins, leaves and the rejoin run one at a time, each on the state the previous one left: in parallel, two joins
    // both leave the old room and both join their new one, and the socket ends up in a room it is not listed in.
    let queue: Promise<unknown> = Promise.resolve();
    const serially = <T>(task: () => Promise<T>): Promise<T> => {
      const run = queue.then(task);
      queue = run.catch(() => {});
      return run;
    };
    const strike = () => {
      if (strikes.take(connection) === 0 || !socket.connected) return;
      log(`a connection from ${address} kept sending refused requests; disconnected`);
      socket.disconnect(true);
    };

    // Handlers first, before any await: a packet the client sends right after connecting must find them.
    // Every packet, whatever its event, passes here first.
    socket.use((packet, next) => {
      const event = packet[0];
      const last = packet[packet.length - 1];
      const ack = typeof last === 'function' ? (last as (result: Failure) => void) : undefined;
      const wait = packets.take(connection, address);
      if (wait > 0) {
        // A message refused here is one the page will send again, as after any rate limit.
        ack?.(fail(event === 'message' ? 'rate-limited' : 'too-fast', { retryAfterMs: wait }));
        strike();
        return;
      }
      if (typeof event !== 'string' || !EVENTS.has(event)) {
        ack?.(fail('bad-request'));
        strike();
        return;
      }
      next();
    });

    socket.on('join', (request, ack) => {
      if (typeof ack !== 'function') return;
      const r = (typeof request === 'object' && request !== null ? request : {}) as { room?: unknown; nick?: unknown };
      // Refusals that cost nothing come first and spend no join token; a join that would go ahead spends one.
      const room = checkRoom(r.room);
      if (!room.ok) return ack(fail(room.error));
      const nick = checkNick(r.nick);
      if (!nick.ok) return ack(fail(nick.error));
      const wait = roomChanges.take(connection, address);
      if (wait > 0) {
        strike();
        return ack(fail('too-fast', { retryAfterMs: wait }));
      }
      serially(() => enter(socket, room.name, nick.name, undefined, address)).then(ack, (err: unknown) => {
        log(`join failed: ${(err as Error).message}`);
        ack(fail('server-error'));
      });
    });
    socket.on('message', (request, ack) => {
      if (typeof ack !== 'function') return; // without an ack the client could never know it arrived
      // After the join or rejoin in progress: a page that reconnects sends what it holds at once, before the server
      // has put it back in its room, and "not joined" then would drop a message the page believes is on its way.
      queue.then(() => send(socket, request, connection, address)).then(
        (result) => {
          if (!result.ok && result.error === 'rate-limited') strike();
          ack(result);
        },
        (err: unknown) => {
          log(`send failed: ${(err as Error).message}`);
          ack(fail('server-error'));
        },
      );
    });
    socket.on('typing', (typing) => {
      const { room, nick } = socket.data;
      if (!room || !nick || typeof typing !== 'boolean') return;
      // Typing is news, not state: over the limit it is dropped (the others' indicator times out by itself).
      if (typingFlags.take(connection, address) > 0) return;
      socket.to(room).emit('typing', { room, nick, typing });
    });
    socket.on('leave', (ack) => {
      const wait = roomChanges.take(connection, address);
      if (wait > 0) {
        strike();
        if (typeof ack === 'function') ack(fail('too-fast', { retryAfterMs: wait }));
        return;
      }
      void serially(() => leaveRoom(socket)).then(
        () => typeof ack === 'function' && ack({ ok: true }),
        () => typeof ack === 'function' && ack(fail('server-error')),
      );
    });
    socket.on('online', (ack) => {
      if (typeof ack !== 'function') return;
      const { room } = socket.data;
      if (!room) return ack(fail('not-joined'));
      store.online(room, ONLINE_NAMES_MAX).then(
        (list) => ack({ room, version: list.version, nicks: list.nicks, count: list.count }),
        () => ack(fail('server-error')),
      );
    });
    socket.on('disconnect', (reason) => {
      releases.get(socket)?.();
      for (const l of [packets, messages, roomChanges, typingFlags]) l.forgetConnection(connection);
      strikes.forget(connection);
      // The page closing the chat, or the server cutting a client off, is a departure; anything else (the network,
      // a ping timeout, a restart) may come back, and is given the grace period.
      const departed = reason === 'client namespace disconnect' || reason === 'server namespace disconnect';
      void serially(async () => {
        const { room, nick } = socket.data;
        if (!room || !nick) return;
        if (departed) await store.leave(holderOf(socket, room, nick));
        else leaveLater(holderOf(socket, room, nick));
      }).catch((err: unknown) => log(`leaving a room failed: ${(err as Error).message}`));
    });

    void socket.join(clientRoom(socket.data.clientId));
    // Every (re)connection, resumed by socket.io or not, re-enters the room and replays what the client has not seen
    // from the store: the one way back, so it holds across processes and restarts alike.
    const auth = socket.handshake.auth as ChatAuth;
    if (auth.room === undefined || auth.nick === undefined) return;
    const offset = typeof auth.serverOffset === 'number' && Number.isInteger(auth.serverOffset) ? auth.serverOffset : undefined;
    const room = checkRoom(auth.room);
    const nick = checkNick(auth.nick);
    serially(async (): Promise<JoinResult> => {
      if (!room.ok) return fail(room.error);
      if (!nick.ok) return fail(nick.error);
      return enter(socket, room.name, nick.name, offset, address);
    }).then(
      (result) => socket.emit('rejoined', result),
      (err: unknown) => log(`rejoin failed: ${(err as Error).message}`),
    );
  });

  return {
    close() {
      clearInterval(prune);
      for (const t of onlineTimers.values()) clearTimeout(t);
      onlineTimers.clear();
      // Connections still in their grace period are left to the next process (Redis: to the sweep of a dead process).
      for (const t of graceTimers) clearTimeout(t);
      graceTimers.clear();
    },
  };
}
