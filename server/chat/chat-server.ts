/**
 * The chat's socket.io logic, in one plain module: nicknames, rooms, the online list, typing, private messages, history,
 * and delivery that neither loses nor repeats a message. It takes the socket.io namespace and the history store as
 * parameters and knows nothing of HTTP, SQLite or Redis, so the real chat (mount.ts), the tests (an in-memory store)
 * and the playground's chat lesson can all run the same code. The events are listed in src/shared/chat-protocol.ts.
 *
 * How "no message lost, none repeated" holds:
 * - every stored message gets an increasing offset from the store; a client remembers the highest it has seen and
 *   sends it in `auth.serverOffset` when it reconnects; if socket.io could not resume the session (server restarted,
 *   away too long), the server re-enters the room and replays the stored messages above that offset;
 * - a client gives each message its own id and retries until acknowledged; the store's unique key on (client, id)
 *   stores and broadcasts it once however many times it arrives (a retry of a stored message is only acknowledged);
 * - the page shows each offset once, so a message that arrives both by broadcast and by replay is not doubled.
 * With several processes (Redis), offsets come from one counter, but two processes may broadcast two messages in the
 * opposite order of their offsets; a client that drops in that instant and is not resumed may miss the lower one.
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
  validClientId,
  validMessageId,
  type ChatAuth,
  type ChatMessage,
  type ClientToServer,
  type ErrorCode,
  type JoinResult,
  type SendResult,
  type ServerToClient,
} from '../../src/shared/chat-protocol.js';
import { checkNick, checkRoom, nickKey, nickSkeleton } from '../../src/chat/names.js';
import { addressKey, DEFAULT_LIMITS, Slots, type ChatLimits } from './limits.js';
import { ConnectionAndAddressLimiter, RateLimiter, type Rate } from './rate-limit.js';
import { toWire, type ChatStore } from './store.js';

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
  /** The online list is sent at most this often per room, so a crowd joining at once costs one list, not one each. */
  onlineDelayMs?: number;
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

const clientRoom = (clientId: string) => `client:${clientId}`;
const EVENTS: ReadonlySet<string> = new Set<keyof ClientToServer>(['join', 'message', 'typing', 'leave']);

/**
 * @example
 * const io = new Server(httpServer, { connectionStateRecovery: {} });
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
  }, 60_000);
  prune.unref();
  const onlineTimers = new Map<string, ReturnType<typeof setTimeout>>();
  const onlineDelayMs = options.onlineDelayMs ?? 100;

  /** Room members as every process knows them (fetchSockets goes through the adapter, so Redis too). */
  async function members(room: string): Promise<SocketData[]> {
    return (await nsp.in(room).fetchSockets()).map((s) => s.data).filter((d) => d.room === room && d.nick);
  }

  function uniqueNicks(list: SocketData[]): string[] {
    const byKey = new Map<string, string>();
    for (const d of list) byKey.set(nickKey(d.nick!), d.nick!);
    return [...byKey.values()].sort((a, b) => a.localeCompare(b));
  }

  function scheduleOnline(room: string): void {
    if (onlineTimers.has(room)) return;
    onlineTimers.set(
      room,
      setTimeout(() => {
        onlineTimers.delete(room);
        members(room)
          .then((list) => nsp.to(room).emit('online', { room, nicks: uniqueNicks(list) }))
          .catch((err: unknown) => log(`online list for a room failed: ${(err as Error).message}`));
      }, onlineDelayMs),
    );
  }

  async function leaveRoom(socket: ChatSocket): Promise<void> {
    const { room, nick, clientId } = socket.data;
    if (!room || !nick) return;
    socket.data.room = undefined;
    socket.data.nick = undefined;
    await socket.leave(room);
    await announceLeft(room, nick, clientId);
  }

  /** "left" only when the person's last tab in the room is gone. */
  async function announceLeft(room: string, nick: string, clientId: string): Promise<void> {
    const still = (await members(room)).some((d) => d.clientId === clientId && nickKey(d.nick!) === nickKey(nick));
    if (!still) nsp.to(room).emit('notice', { kind: 'left', room, nick, time: Date.now() });
    scheduleOnline(room);
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

  /** Someone else in the room whose name is this one, or looks like it: the reason to refuse it, if any. */
  function clash(list: SocketData[], nick: string, clientId: string): ErrorCode | undefined {
    const skeleton = nickSkeleton(nick);
    const other = list.find((d) => d.clientId !== clientId && nickSkeleton(d.nick!) === skeleton);
    if (!other) return undefined;
    return nickKey(other.nick!) === nickKey(nick) ? 'nick-taken' : 'nick-lookalike';
  }

  async function enter(socket: ChatSocket, rawRoom: unknown, rawNick: unknown, after: number | undefined, address: string): Promise<JoinResult> {
    const checkedRoom = checkRoom(rawRoom);
    if (!checkedRoom.ok) return fail(checkedRoom.error);
    const checkedNick = checkNick(rawNick);
    if (!checkedNick.ok) return fail(checkedNick.error);
    const room = checkedRoom.name;
    const nick = checkedNick.name;
    const { clientId } = socket.data;
    // Unique per room, without case and by look (nickSkeleton). The same client (another tab, or this socket coming
    // back) may hold it twice. Checked before leaving the current room: a refused rename leaves the person where they were.
    const before = clash(await members(room), nick, clientId);
    if (before) return fail(before);
    if (socket.data.room !== room || socket.data.nick !== nick) await leaveRoom(socket);
    const others = await members(room);
    const meanwhile = clash(others, nick, clientId); // taken meanwhile (members is asynchronous with Redis)
    if (meanwhile) return fail(meanwhile);
    // Gone while we waited: joining now would put a dead socket in the room's member list for good.
    if (!socket.connected) return fail('not-joined');
    const returning = others.some((d) => d.clientId === clientId && nickKey(d.nick!) === nickKey(nick));
    socket.data.room = room;
    socket.data.nick = nick;
    await socket.join(room);
    // Joined before reading history: a message stored meanwhile arrives both ways rather than neither; the page keeps one.
    const { messages: stored, truncated } = await history(room, clientId, after, address);
    if (!returning) socket.to(room).emit('notice', { kind: 'joined', room, nick, time: Date.now() });
    scheduleOnline(room);
    const online = uniqueNicks([...others, socket.data]);
    return { ok: true, room, nick, online, messages: stored, truncated };
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
      const target = (await members(room)).find((d) => nickKey(d.nick!) === nickKey(to));
      if (!target) return fail('no-such-user');
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
    const { message, duplicate } = result;
    if (!duplicate) {
      const wire = toWire(message);
      if (toClient === undefined) nsp.to(room).emit('message', wire);
      else nsp.to(clientRoom(toClient)).to(clientRoom(clientId)).emit('message', wire);
    }
    return { ok: true, offset: message.offset };
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
      send(socket, request, connection, address).then(
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
    socket.on('disconnect', () => {
      releases.get(socket)?.();
      for (const l of [packets, messages, roomChanges, typingFlags]) l.forgetConnection(connection);
      strikes.forget(connection);
      void serially(async () => {
        const { room, nick, clientId } = socket.data;
        if (room && nick) await announceLeft(room, nick, clientId);
      }).catch(() => {});
    });

    void socket.join(clientRoom(socket.data.clientId));
    if (socket.recovered) {
      // socket.io restored the rooms and data and replays what was missed; others saw us leave, so say we are back.
      const { room, nick } = socket.data;
      if (room && nick) {
        socket.to(room).emit('notice', { kind: 'joined', room, nick, time: Date.now() });
        scheduleOnline(room);
      }
      return;
    }
    const auth = socket.handshake.auth as ChatAuth;
    if (auth.room === undefined || auth.nick === undefined) return;
    const offset = typeof auth.serverOffset === 'number' && Number.isInteger(auth.serverOffset) ? auth.serverOffset : undefined;
    serially(() => enter(socket, auth.room, auth.nick, offset, address)).then(
      (result) => socket.emit('rejoined', result),
      (err: unknown) => log(`rejoin failed: ${(err as Error).message}`),
    );
  });

  return {
    close() {
      clearInterval(prune);
      for (const t of onlineTimers.values()) clearTimeout(t);
      onlineTimers.clear();
    },
  };
}
