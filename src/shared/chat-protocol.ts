/**
 * The chat's wire protocol and rules, shared by the server (server/chat/chat-server.ts) and the page (src/chat/), so
 * both sides check a nickname or a length the same way. Plain TypeScript with no Node or DOM imports: it runs anywhere.
 *
 * Events, client → server:
 *   join    ({room, nick}, ack)          ack: JoinResult. Leaves the current room first; history is the room's latest.
 *   message ({id, text, to?}, ack)       ack: SendResult. `id` is the client's own message id: a retry with the same id
 *                                        is acknowledged again but stored and delivered once (unique key on the server).
 *   typing  (boolean)                    true while typing (repeat every ~TYPING_REPEAT_MS), false when stopped.
 *   leave   (ack?)                       leaves the room without disconnecting; ack: {ok: true} or a refusal.
 *   online  (ack)                        ack: OnlineList, the room's whole list now: how a client resynchronises.
 * Events, server → client:
 *   message  (ChatMessage)               a public message of the room, or a private one from or to this client, in
 *                                        the order of their offsets (the one order every client of the room sees).
 *   presence (PresenceBatch)             who came and who went since the last batch, each change with the room's
 *                                        next presence version; batched (about 10 a second), so a crowd joining costs
 *                                        each member a few packets a second, not one per person.
 *   typing   ({room, nick, typing})      others only; the page drops it after TYPING_TIMEOUT_MS without a repeat.
 *   rejoined (JoinResult)                after every reconnection (see below).
 *
 * The online list: the one who joins gets the whole list with its version (JoinResult.online, .version); everyone
 * else gets changes. In a crowd (more than ONLINE_NAMES_MAX people) the list is cut to that many and the changes carry
 * only the count. A client applies a change whose version is one above its own; one below or equal it already has
 * (ignored); one further above means it missed something (a reconnection, or two processes' batches crossing):
 * it waits briefly for the missing ones and otherwise asks `online` for the whole list again.
 *
 * A person is in the room while any of their connections is, and for PRESENCE_GRACE_MS after the last one drops: a
 * connection that comes back within that time shows nothing to the others; a real departure (leave, another room,
 * closing the chat, or the grace running out) says "left".
 *
 * Connection: the client's `auth` is {clientId, room?, nick?, serverOffset?}. clientId is a random secret the page keeps;
 * private messages are addressed to it, so a nickname taken over later never reads someone else's private history.
 * At every (re)connection the server re-enters auth.room as auth.nick and replays from its store every message with an
 * offset above auth.serverOffset, in a `rejoined` event (socket.io tutorial, step 8). The page shows each offset once,
 * in offset order, so a message that arrives both ways is shown once and in its place.
 */
import type { Localized } from './localized.js';

export const MAX_TEXT = 1000;
export const MAX_NICK = 20;
export const MAX_ROOM = 32;
export const HISTORY_ON_JOIN = 50;
/**
 * The most missed messages one reconnection replays, and their most bytes (as JSON on the wire): a client gone for
 * longer gets the oldest of what it missed with `truncated: true`, and shows a gap notice. Without a byte bound, a
 * hundred reconnections asking for everything cost the server half a gigabyte (issue 12).
 */
export const MAX_REPLAY = 200;
export const MAX_REPLAY_BYTES = 256 * 1024;
export const RATE_PER_SECOND = 5;
export const RATE_BURST = 10;
export const TYPING_REPEAT_MS = 1500;
export const TYPING_TIMEOUT_MS = 4000;
/**
 * A room with more people than this is a crowd: the one who joins gets this many names and the count, and the others
 * get the count only, not who came and went. Names for everyone cost each of N people a name per join, N² in all:
 * 10,000 people joining was 400 MB of names to each side. A hundred is more than a side panel shows, and each
 * joiner's answer carries up to this many: at 500 the names were most of a join's bytes and its largest cost in a
 * room filling up (bench:chat).
 */
export const ONLINE_NAMES_MAX = 100;
/** How long a dropped connection keeps its person in the room, so that coming back shows nothing to the others. */
export const PRESENCE_GRACE_MS = 5000;
/** How long a client waits for a missing presence change (two processes' batches may cross) before asking again. */
export const PRESENCE_GAP_WAIT_MS = 500;
export const DEFAULT_ROOM = 'lobby';
export const SOCKET_PATH = '/chat/socket.io/';

export interface ChatMessage {
  /** The server's offset: increases with every stored message; what a reconnecting client says it has seen. */
  offset: number;
  /** The sender's own id for it, so the sender can match it to the message it is still showing as "sending". */
  id: string;
  room: string;
  from: string;
  /** Set on a private message: the recipient's nickname. */
  to?: string;
  text: string;
  /** ms since the epoch, by the server's clock. */
  time: number;
}

export interface Notice {
  kind: 'joined' | 'left';
  room: string;
  nick: string;
  time: number;
}

export type ErrorCode =
  | 'nick-invalid'
  | 'nick-too-long'
  | 'nick-hidden'
  | 'nick-mixed-scripts'
  | 'nick-taken'
  | 'nick-lookalike'
  | 'room-invalid'
  | 'room-hidden'
  | 'room-mixed-scripts'
  | 'too-fast'
  | 'too-many-connections'
  | 'client-invalid'
  | 'not-joined'
  | 'text-empty'
  | 'text-too-long'
  | 'bad-request'
  | 'rate-limited'
  | 'no-such-user'
  | 'server-error';

export interface PresenceChange {
  /** The room's presence version after this change: one above the previous change's. */
  version: number;
  /** How many are in the room after it (from the store; not sent on the wire per change). */
  count?: number;
  kind: 'joined' | 'left';
  nick: string;
  time: number;
}

/**
 * Changes in a row: the i-th has version `version + i`. Compact, because every member of the room gets every batch: as
 * objects, 10,000 people joining cost each member 65 bytes per person; as pairs, about 18.
 */
export interface PresenceBatch {
  room: string;
  version: number;
  time: number;
  changes: Array<[kind: 'joined' | 'left', nick: string]>;
  /** How many people are in the room after these changes. */
  count: number;
  /** A crowd (count above ONLINE_NAMES_MAX): `changes` is empty and `version` is the last change's. */
  crowd?: true;
}

/** A batch's changes one by one. */
export function presenceChanges(batch: PresenceBatch): PresenceChange[] {
  return batch.changes.map(([kind, nick], i) => ({ version: batch.version + i, kind, nick, time: batch.time }));
}

export interface OnlineList {
  room: string;
  /** The version of the last change the list includes. */
  version: number;
  /** At most ONLINE_NAMES_MAX of them. */
  nicks: string[];
  count: number;
}

export type JoinResult =
  | {
      ok: true;
      room: string;
      nick: string;
      online: string[];
      /** The online list's version (see PresenceChange). */
      version: number;
      /** How many people are in the room (`online` holds at most ONLINE_NAMES_MAX of them). */
      count: number;
      messages: ChatMessage[];
      truncated: boolean;
    }
  | { ok: false; error: ErrorCode; message: Localized };

export type SendResult =
  | { ok: true; offset: number }
  | { ok: false; error: ErrorCode; message: Localized; retryAfterMs?: number };

export interface SendRequest {
  id: string;
  text: string;
  to?: string;
}

export interface ClientToServer {
  join(request: { room: string; nick: string }, ack: (result: JoinResult) => void): void;
  message(request: SendRequest, ack: (result: SendResult) => void): void;
  typing(typing: boolean): void;
  leave(ack?: (result: { ok: true } | Extract<SendResult, { ok: false }>) => void): void;
  online(ack: (result: OnlineList | Extract<SendResult, { ok: false }>) => void): void;
}

export interface ServerToClient {
  message(message: ChatMessage): void;
  presence(batch: PresenceBatch): void;
  typing(state: { room: string; nick: string; typing: boolean }): void;
  rejoined(result: JoinResult): void;
}

export interface ChatAuth {
  clientId?: unknown;
  room?: unknown;
  nick?: unknown;
  serverOffset?: unknown;
}

export const ERRORS: Record<ErrorCode, Localized> = {
  'nick-invalid': {
    en: `A nickname is 1 to ${MAX_NICK} letters, digits, spaces, "_", "-" or "."; it may not start or end with a space.`,
    zh: `昵称为 1 到 ${MAX_NICK} 个字母、数字、空格、“_”、“-”或“.”，不能以空格开头或结尾。`,
  },
  'nick-too-long': {
    en: `A nickname is at most ${MAX_NICK} characters.`,
    zh: `昵称最多 ${MAX_NICK} 个字符。`,
  },
  'nick-hidden': {
    en: 'That nickname contains invisible characters (zero-width, direction marks or blank fillers). Type it again without them.',
    zh: '昵称中含有看不见的字符（零宽字符、文字方向控制符或空白填充字符），请去掉后重新输入。',
  },
  'nick-mixed-scripts': {
    en: 'A nickname may not mix Latin letters with Cyrillic or Greek ones: they look alike and could pass for someone else. Use one alphabet.',
    zh: '昵称不能把拉丁字母与西里尔字母或希腊字母混用：它们外形相近，容易冒充他人。请只用一种字母。',
  },
  'nick-taken': {
    en: 'Someone in this room already uses that nickname. Pick another one.',
    zh: '这个房间里已经有人使用这个昵称，请换一个。',
  },
  'nick-lookalike': {
    en: 'That nickname looks the same as one already used in this room (letters of another alphabet, or I and l, 0 and O). Pick another one.',
    zh: '这个昵称与房间里已有的昵称看起来一样（用了其他字母表中形似的字母，或 I 与 l、0 与 O），请换一个。',
  },
  'room-invalid': {
    en: `A room name is 1 to ${MAX_ROOM} letters, digits, "_" or "-".`,
    zh: `房间名为 1 到 ${MAX_ROOM} 个字母、数字、“_”或“-”。`,
  },
  'room-hidden': {
    en: 'That room name contains invisible characters (zero-width, direction marks or blank fillers). Type it again without them.',
    zh: '房间名中含有看不见的字符（零宽字符、文字方向控制符或空白填充字符），请去掉后重新输入。',
  },
  'room-mixed-scripts': {
    en: 'A room name may not mix Latin letters with Cyrillic or Greek ones: they look alike. Use one alphabet.',
    zh: '房间名不能把拉丁字母与西里尔字母或希腊字母混用：它们外形相近，容易混淆。请只用一种字母。',
  },
  'too-fast': {
    en: 'Too many requests from this connection or network address. Wait a few seconds and try again.',
    zh: '当前连接或网络地址的请求过于频繁，请等几秒再试。',
  },
  'too-many-connections': {
    en: 'Too many chat connections from this network address. Close some chat tabs, then reload.',
    zh: '来自该网络地址的聊天连接过多，请关闭一些聊天标签页后刷新。',
  },
  'client-invalid': { en: 'This page sent no valid client id; reload it.', zh: '页面没有发送有效的客户端 id，请刷新。' },
  'not-joined': { en: 'Join a room first.', zh: '请先加入一个房间。' },
  'text-empty': { en: 'The message is empty.', zh: '消息是空的。' },
  'text-too-long': {
    en: `A message is at most ${MAX_TEXT} characters.`,
    zh: `一条消息最多 ${MAX_TEXT} 个字符。`,
  },
  'bad-request': { en: 'The server did not understand that request.', zh: '服务器无法理解这个请求。' },
  'rate-limited': {
    en: `You are sending too fast (at most ${RATE_PER_SECOND} messages a second, fewer while other connections from your network address send too); the message will go out in a moment.`,
    zh: `发送太快了（每秒最多 ${RATE_PER_SECOND} 条；同一网络地址的其他连接也在发送时会更少），消息稍后会自动发出。`,
  },
  'no-such-user': {
    en: 'Nobody with that nickname is online in this room.',
    zh: '这个房间里没有使用该昵称的在线用户。',
  },
  'server-error': { en: 'The server could not store the message; it will be retried.', zh: '服务器未能保存消息，稍后重试。' },
};

// Nicknames and room names have rules of their own (invisible characters, look-alike letters): src/chat/names.ts.
const CLIENT_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** Length in characters as a person counts them (code points), not UTF-16 units: "😀" is one. */
export function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function validClientId(raw: unknown): raw is string {
  return typeof raw === 'string' && CLIENT_ID.test(raw);
}

/** A client message id: the page makes them (crypto.randomUUID()), so anything short and plain is accepted. */
export function validMessageId(raw: unknown): raw is string {
  return typeof raw === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(raw);
}
