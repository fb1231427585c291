/**
 * Where the chat keeps its history and who is in each room. The chat's logic (chat-server.ts) takes a store as a
 * parameter: SQLite in the real chat (sqlite-store.ts), Redis when several backends share one chat (redis-store.ts),
 * memory in tests (memory-store.ts). Methods are async so that a networked store fits the same shape.
 *
 * The store also assigns the one order of a room's events: every stored message and every presence change is handed
 * to `subscribe()`rs in that order, in every process (Redis: one stream, appended in the same atomic step that assigns
 * the offset or version; one process: in the order of the calls). The chat delivers only from that feed, so two
 * processes never show two messages in opposite orders, and "the highest offset I have" is a safe place to resume.
 */
import type { ChatMessage, ErrorCode, PresenceChange } from '../../src/shared/chat-protocol.js';

export interface NewMessage {
  room: string;
  /** The sender's client id (a secret: stored, never sent to other clients). */
  fromClient: string;
  from: string;
  toClient?: string;
  to?: string;
  /** The sender's id for this message; (fromClient, id) is unique, which is what makes a retry harmless. */
  id: string;
  text: string;
  time: number;
}

export interface StoredMessage extends NewMessage {
  offset: number;
}

/** One connection holding a name in a room. */
export interface Holder {
  room: string;
  nick: string;
  /** nickKey(nick): the same name whatever its case. */
  key: string;
  /** nickSkeleton(nick): names that look alike share it, and only one client may hold it in a room. */
  skeleton: string;
  clientId: string;
  /** The connection: unique across processes. */
  holder: string;
}

export interface Named {
  nick: string;
  key: string;
  clientId: string;
}

/** Why `clientId` may not take a name whose skeleton `holder` already has: its own name, or a look-alike. */
export function clashWith(holder: Named | undefined, key: string, clientId: string): Extract<ErrorCode, 'nick-taken' | 'nick-lookalike'> | undefined {
  if (!holder || holder.clientId === clientId) return undefined;
  return holder.key === key ? 'nick-taken' : 'nick-lookalike';
}

export type RoomEvent = { type: 'message'; message: StoredMessage } | { type: 'presence'; room: string; change: PresenceChange };

export interface ChatStore {
  /**
   * Adds a connection to a room under a name. The first connection of a name makes a 'joined' change (to the feed);
   * another of the same client (a tab, or a connection that came back) changes nothing. Refused if another client
   * holds the name or one that looks like it.
   */
  enter(h: Holder): Promise<{ error?: Extract<ErrorCode, 'nick-taken' | 'nick-lookalike'> }>;
  /** Removes a connection; the last one of a name makes a 'left' change. Nothing if it was not there. */
  leave(h: Holder): Promise<void>;
  /** At most `limit` of the room's names, how many there are, and the version of the last change they include. */
  online(room: string, limit: number): Promise<{ version: number; nicks: string[]; count: number }>;
  /** Who holds the name with this skeleton in the room (the name itself, or one that looks like it), if anyone. */
  named(room: string, skeleton: string): Promise<Named | undefined>;
  /** Every message stored and presence change made from now on, by any process, in the store's order. */
  subscribe(handler: (event: RoomEvent) => void): void;

  /**
   * Stores the message once: a second call with the same (fromClient, id) stores nothing and returns the message stored
   * the first time, with `duplicate: true`.
   */
  add(message: NewMessage): Promise<{ message: StoredMessage; duplicate: boolean }>;
  /** The message a client already sent with this id, if any. */
  find(fromClient: string, id: string): Promise<StoredMessage | undefined>;
  /**
   * A room's messages that `clientId` may read (public ones, and private ones from or to it), oldest first.
   * With `after`, those with an offset above it (at most `limit`, the oldest first, so nothing in the middle is skipped);
   * without, the latest `limit`.
   */
  history(room: string, clientId: string, after: number | undefined, limit: number): Promise<StoredMessage[]>;
  close(): Promise<void>;
}

/** What a client is shown: no client ids. */
export function toWire(m: StoredMessage): ChatMessage {
  const wire: ChatMessage = { offset: m.offset, id: m.id, room: m.room, from: m.from, text: m.text, time: m.time };
  if (m.to !== undefined) wire.to = m.to;
  return wire;
}

export function readableBy(m: StoredMessage, clientId: string): boolean {
  return m.toClient === undefined || m.toClient === clientId || m.fromClient === clientId;
}
