/**
 * Where the chat keeps its history. The chat's logic (chat-server.ts) takes a store as a parameter: SQLite in the real
 * chat (sqlite-store.ts), Redis when several backends share one chat (redis-store.ts), memory in tests and in the
 * playground's chat lesson (memory-store.ts). Methods are async so that a networked store fits the same shape.
 */
import type { ChatMessage } from '../../src/shared/chat-protocol.js';

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

export interface ChatStore {
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
