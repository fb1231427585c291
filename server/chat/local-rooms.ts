/**
 * Who is in each room, and the feed of room events, for a store that lives in one process (memory-store.ts,
 * sqlite-store.ts). Everything is synchronous inside, so the order of the feed is the order of the calls: a message
 * stored before another is published before it, and presence versions follow one another without a gap.
 */
import type { ErrorCode } from '../../src/shared/chat-protocol.js';
import { clashWith, type Holder, type Named, type RoomEvent } from './store.js';

interface Entry {
  nick: string;
  key: string;
  clientId: string;
  holders: Set<string>;
}

interface Room {
  version: number;
  bySkeleton: Map<string, Entry>;
  /** The first names, in the order they came; rebuilt only after a change (a join reads it: 10,000 must not sort it). */
  nicks: string[] | undefined;
}

type Clash = Extract<ErrorCode, 'nick-taken' | 'nick-lookalike'>;

export class LocalRooms {
  private readonly rooms = new Map<string, Room>();
  private readonly handlers: Array<(event: RoomEvent) => void> = [];

  private room(name: string): Room {
    let room = this.rooms.get(name);
    if (!room) this.rooms.set(name, (room = { version: 0, bySkeleton: new Map(), nicks: undefined }));
    return room;
  }

  subscribe(handler: (event: RoomEvent) => void): void {
    this.handlers.push(handler);
  }

  publish(event: RoomEvent): void {
    for (const h of this.handlers) h(event);
  }

  named(room: string, skeleton: string): Named | undefined {
    const e = this.rooms.get(room)?.bySkeleton.get(skeleton);
    return e && { nick: e.nick, key: e.key, clientId: e.clientId };
  }

  enter(h: Holder): { error?: Clash } {
    const error = clashWith(this.named(h.room, h.skeleton), h.key, h.clientId);
    if (error) return { error };
    const room = this.room(h.room);
    const entry = room.bySkeleton.get(h.skeleton);
    if (entry) {
      entry.holders.add(h.holder);
      return {};
    }
    room.bySkeleton.set(h.skeleton, { nick: h.nick, key: h.key, clientId: h.clientId, holders: new Set([h.holder]) });
    room.nicks = undefined;
    this.publish({
      type: 'presence',
      room: h.room,
      change: { version: ++room.version, kind: 'joined', nick: h.nick, time: Date.now(), count: room.bySkeleton.size },
    });
    return {};
  }

  leave(h: Holder): void {
    const room = this.rooms.get(h.room);
    const entry = room?.bySkeleton.get(h.skeleton);
    if (!room || !entry || !entry.holders.delete(h.holder) || entry.holders.size > 0) return;
    room.bySkeleton.delete(h.skeleton);
    room.nicks = undefined;
    this.publish({
      type: 'presence',
      room: h.room,
      change: { version: ++room.version, kind: 'left', nick: entry.nick, time: Date.now(), count: room.bySkeleton.size },
    });
    // The version stays with the room even when it empties: a client still holding an old version must see a gap.
  }

  /** At most `limit` names (the first to come), the count and the version. */
  online(name: string, limit: number): { version: number; nicks: string[]; count: number } {
    const room = this.room(name);
    if (!room.nicks) {
      room.nicks = [];
      for (const e of room.bySkeleton.values()) {
        if (room.nicks.length >= limit) break;
        room.nicks.push(e.nick);
      }
    }
    return { version: room.version, nicks: room.nicks, count: room.bySkeleton.size };
  }
}

/**
 * What the stores that live in one process (memory-store.ts, sqlite-store.ts) share: presence and the event feed, kept
 * by LocalRooms. Each keeps its own history and publishes its messages through `rooms`.
 */
export abstract class OneProcessStore {
  protected readonly rooms = new LocalRooms();

  async enter(h: Holder) {
    return this.rooms.enter(h);
  }

  async leave(h: Holder): Promise<void> {
    this.rooms.leave(h);
  }

  async online(room: string, limit: number) {
    return this.rooms.online(room, limit);
  }

  async named(room: string, skeleton: string) {
    return this.rooms.named(room, skeleton);
  }

  subscribe(handler: (event: RoomEvent) => void): void {
    this.rooms.subscribe(handler);
  }
}
