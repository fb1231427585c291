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
 */
import type { Namespace, Socket } from 'socket.io';
import {
  charCount,
  ERRORS,
  HISTORY_ON_JOIN,
  MAX_REPLAY,
  MAX_TEXT,
  nickKey,
  normalizeNick,
  normalizeRoom,
  RATE_BURST,
  RATE_PER_SECOND,
  validClientId,
  validMessageId,
  type ChatAuth,
  type ClientToServer,
  type ErrorCode,
  type JoinResult,
  type SendResult,
  type ServerToClient,
} from '../../src/shared/chat-protocol.js';
import { RateLimiter } from './rate-limit.js';
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
  rate?: { perSecond: number; burst: number };
  /** One line per failure, never a message's text (see the "no message contents in logs"). */
  log?: (line: string) => void;
  /** The online list is sent at most this often per room, so a crowd joining at once costs one list, not one each. */
  onlineDelayMs?: number;
}

export interface Chat {
  close(): void;
}

function fail(error: ErrorCode, extra: { retryAfterMs?: number } = {}): Extract<SendResult, { ok: false }> {
  return { ok: false, error, message: ERRORS[error], ...extra };
}

const clientRoom = (clientId: string) => `client:${clientId}`;

/**
 * @example
 * const io = new Server(httpServer, { connectionStateRecovery: {} });
 * attachChat(io.of('/'), { store: new MemoryStore() });
 */
export function attachChat(nsp: ChatNamespace, options: ChatOptions): Chat {
  const { store } = options;
  const log = options.log ?? (() => {});
  const limiter = new RateLimiter(options.rate?.perSecond ?? RATE_PER_SECOND, options.rate?.burst ?? RATE_BURST);
  const prune = setInterval(() => limiter.prune(), 60_000);
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

  async function enter(socket: ChatSocket, rawRoom: unknown, rawNick: unknown, after: number | undefined): Promise<JoinResult> {
    const room = normalizeRoom(rawRoom);
    if (!room) return fail('room-invalid');
    const nick = normalizeNick(rawNick);
    if (!nick) return fail('nick-invalid');
    const { clientId } = socket.data;
    // Unique per room, without case. The same client (another tab, or this socket coming back) may hold it twice.
    // Checked before leaving the current room: a refused rename must leave the person where they were.
    const taken = (list: ChatSocket['data'][]) => list.some((d) => nickKey(d.nick!) === nickKey(nick) && d.clientId !== clientId);
    if (taken(await members(room))) return fail('nick-taken');
    if (socket.data.room !== room || socket.data.nick !== nick) await leaveRoom(socket);
    const others = await members(room);
    if (taken(others)) return fail('nick-taken'); // taken meanwhile (members is asynchronous with Redis)
    const returning = others.some((d) => d.clientId === clientId && nickKey(d.nick!) === nickKey(nick));
    socket.data.room = room;
    socket.data.nick = nick;
    await socket.join(room);
    // Joined before reading history: a message stored meanwhile arrives both ways rather than neither; the page keeps one.
    const limit = after === undefined ? HISTORY_ON_JOIN : MAX_REPLAY + 1;
    const stored = await store.history(room, clientId, after, limit);
    const truncated = after !== undefined && stored.length > MAX_REPLAY;
    if (!returning) socket.to(room).emit('notice', { kind: 'joined', room, nick, time: Date.now() });
    scheduleOnline(room);
    const online = uniqueNicks([...others, socket.data]);
    return { ok: true, room, nick, online, messages: stored.slice(0, MAX_REPLAY).map(toWire), truncated };
  }

  async function send(socket: ChatSocket, request: unknown): Promise<SendResult> {
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
    const wait = limiter.take(clientId);
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
    socket.data.clientId = auth.clientId;
    next();
  });

  nsp.on('connection', (socket: ChatSocket) => {
    // Handlers first, before any await: a packet the client sends right after connecting must find them.
    socket.on('join', (request, ack) => {
      if (typeof ack !== 'function') return;
      const r = (typeof request === 'object' && request !== null ? request : {}) as { room?: unknown; nick?: unknown };
      enter(socket, r.room, r.nick, undefined).then(ack, (err: unknown) => {
        log(`join failed: ${(err as Error).message}`);
        ack(fail('server-error'));
      });
    });
    socket.on('message', (request, ack) => {
      if (typeof ack !== 'function') return; // without an ack the client could never know it arrived
      send(socket, request).then(ack, (err: unknown) => {
        log(`send failed: ${(err as Error).message}`);
        ack(fail('server-error'));
      });
    });
    let lastTyping = 0;
    socket.on('typing', (typing) => {
      const { room, nick } = socket.data;
      if (!room || !nick) return;
      // A page repeats `true` every TYPING_REPEAT_MS; anything much faster is a misbehaving client, not news.
      const now = Date.now();
      if (typing === true && now - lastTyping < 250) return;
      lastTyping = typing === true ? now : 0;
      socket.to(room).emit('typing', { room, nick, typing: typing === true });
    });
    socket.on('leave', (ack) => {
      void leaveRoom(socket).finally(() => {
        if (typeof ack === 'function') ack();
      });
    });
    socket.on('disconnect', () => {
      const { room, nick, clientId } = socket.data;
      if (room && nick) void announceLeft(room, nick, clientId).catch(() => {});
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
    enter(socket, auth.room, auth.nick, offset).then(
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
