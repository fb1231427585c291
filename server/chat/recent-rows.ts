/**
 * The newest messages of the rooms in use, kept in memory in front of SQLite: a join reads the newest 50 of its room,
 * and a room filling up read them from the database once per person (a query per join was the largest cost of a join
 * after its answer's size: bench:chat, 1,000 joins). Every message of a room is either here or older than all that
 * are, so a read that these rows can answer exactly is answered from them, and any other goes to the database.
 * Only one process writes a SQLite history (sqlite-store.ts), so what it stores is all there is to know.
 */
import type { StoredMessage } from './store.js';

interface Rows {
  /** The room's newest messages, oldest first. */
  rows: StoredMessage[];
  /** Whether these are all the room's messages (the room has fewer than the cap). */
  complete: boolean;
}

const visibleTo = (clientId: string) => (m: StoredMessage) =>
  m.toClient === undefined || m.toClient === clientId || m.fromClient === clientId;

export class RecentRows {
  // A Map keeps insertion order: deleting and setting again moves a room to the end, so the first is the least used.
  private readonly rooms = new Map<string, Rows>();

  constructor(
    /** Rows kept per room: a join's 50 plus room for others' private messages among them. */
    private readonly perRoom = 100,
    private readonly maxRooms = 200,
  ) {}

  /** The history read (see ChatStore.history), or undefined when the rows kept cannot answer it exactly. */
  read(room: string, clientId: string, after: number | undefined, limit: number, load: (room: string, n: number) => StoredMessage[]): StoredMessage[] | undefined {
    let kept = this.rooms.get(room);
    if (kept) this.rooms.delete(room);
    else {
      const rows = load(room, this.perRoom);
      kept = { rows, complete: rows.length < this.perRoom };
      if (this.rooms.size >= this.maxRooms) this.rooms.delete(this.rooms.keys().next().value!);
    }
    this.rooms.set(room, kept);
    const { rows, complete } = kept;
    const visible = visibleTo(clientId);
    if (after === undefined) {
      const seen: StoredMessage[] = [];
      for (let i = rows.length - 1; i >= 0 && seen.length < limit; i--) if (visible(rows[i]!)) seen.push(rows[i]!);
      return seen.length === limit || complete ? seen.reverse() : undefined;
    }
    // Everything above `after` is here if the oldest row kept is at or below it (or the room has no others).
    if (!complete && (rows.length === 0 || rows[0]!.offset > after)) return undefined;
    const newer: StoredMessage[] = [];
    for (const m of rows) {
      if (newer.length >= limit) break;
      if (m.offset > after && visible(m)) newer.push(m);
    }
    return newer;
  }

  /** A message just stored: the newest of its room. */
  added(m: StoredMessage): void {
    const kept = this.rooms.get(m.room);
    if (!kept) return;
    kept.rows.push(m);
    if (kept.rows.length > this.perRoom) {
      kept.rows.shift();
      kept.complete = false;
    }
  }
}
