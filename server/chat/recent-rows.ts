/**
 * The newest messages of the rooms in use, kept in memory in front of SQLite: a join reads the newest 50 of its room,
 * and a room filling up read them from the database once per person (a query per join was the largest cost of a join
 * after its answer's size: bench:chat, 1,000 joins). Every message of a room is either here or older than all that
 * are, so a read that these rows can answer exactly is answered from them, and any other goes to the database.
 * They hold what this process stored; sqlite-store.ts forgets them whenever another connection has written the file
 * (SQLite's data_version), as two backends sharing one file for a moment during a restart would.
 */
import { readableBy, type StoredMessage } from './store.js';

interface Rows {
  /** The room's newest messages, oldest first. */
  rows: StoredMessage[];
  /** Whether these are all the room's messages (the room has fewer than the cap). */
  complete: boolean;
  /** Roughly what the rows hold, in characters of text and names. */
  size: number;
}

const sizeOf = (m: StoredMessage) => m.text.length + m.from.length + (m.to?.length ?? 0) + 100;

const visibleTo = (clientId: string) => (m: StoredMessage) => readableBy(m, clientId);

export class RecentRows {
  // A Map keeps insertion order: deleting and setting again moves a room to the end, so the first is the least used.
  private readonly rooms = new Map<string, Rows>();
  private size = 0;

  constructor(
    /** Rows kept per room: a join's 50 plus room for others' private messages among them. */
    private readonly perRoom = 100,
    private readonly maxRooms = 200,
    /** All rooms' rows together, in characters: about 4 MB of text, whatever people write (a message is ≤ 1,000). */
    private readonly maxSize = 2_000_000,
  ) {}

  /** The history read (see ChatStore.history), or undefined when the rows kept cannot answer it exactly. */
  read(room: string, clientId: string, after: number | undefined, limit: number, load: (room: string, n: number) => StoredMessage[]): StoredMessage[] | undefined {
    let kept = this.rooms.get(room);
    if (kept) this.rooms.delete(room);
    else {
      const rows = load(room, this.perRoom);
      kept = { rows, complete: rows.length < this.perRoom, size: rows.reduce((n, m) => n + sizeOf(m), 0) };
      this.size += kept.size;
    }
    this.rooms.set(room, kept);
    this.evict(kept);
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

  /** Someone else wrote the database: nothing kept can be trusted to be the newest. */
  clear(): void {
    this.rooms.clear();
    this.size = 0;
  }

  /** The least used rooms go while there are too many or they hold too much; never the one in use. */
  private evict(keep: Rows): void {
    for (const [room, rows] of this.rooms) {
      if (this.rooms.size <= this.maxRooms && this.size <= this.maxSize) return;
      if (rows === keep) continue;
      this.rooms.delete(room);
      this.size -= rows.size;
    }
  }

  /** A message just stored: the newest of its room. */
  added(m: StoredMessage): void {
    const kept = this.rooms.get(m.room);
    if (!kept) return;
    kept.rows.push(m);
    kept.size += sizeOf(m);
    this.size += sizeOf(m);
    if (kept.rows.length > this.perRoom) {
      const gone = kept.rows.shift()!;
      kept.size -= sizeOf(gone);
      this.size -= sizeOf(gone);
      kept.complete = false;
    }
    this.evict(kept);
  }
}
