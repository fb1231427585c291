/**
 * History in SQLite (better-sqlite3): one file, created on first start. The offset is the row id (AUTOINCREMENT, so an
 * offset is never reused even after deletes), and UNIQUE (from_client, client_msg_id) is the key that turns a client's
 * retries into one stored message. Who is in which room lives in this process's memory (local-rooms.ts): one SQLite
 * file serves one backend; several share a chat through Redis instead.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { OneProcessStore } from './local-rooms.js';
import { RecentRows } from './recent-rows.js';
import type { ChatStore, Holder, NewMessage, RoomEvent, StoredMessage } from './store.js';

interface Row {
  id: number;
  room: string;
  from_client: string;
  from_nick: string;
  to_client: string | null;
  to_nick: string | null;
  client_msg_id: string;
  text: string;
  time: number;
}

function fromRow(r: Row): StoredMessage {
  const m: StoredMessage = {
    offset: r.id,
    room: r.room,
    fromClient: r.from_client,
    from: r.from_nick,
    id: r.client_msg_id,
    text: r.text,
    time: r.time,
  };
  if (r.to_client !== null) m.toClient = r.to_client;
  if (r.to_nick !== null) m.to = r.to_nick;
  return m;
}

/**
 * The history holds private messages, so only its owner may read it. A folder made here is 0700; one that already
 * existed is left as it is (PUSHLAB_CHAT_DB may point into a shared folder such as /tmp, whose mode is not ours to
 * change). The file is made 0600 before SQLite opens it, and tightened if an older version left it readable: SQLite
 * gives the -wal and -shm files the mode of the database file, and any left from before are tightened too.
 */
function keepPrivate(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

const VISIBLE = '(to_client IS NULL OR to_client = @client OR from_client = @client)';

export class SqliteStore extends OneProcessStore implements ChatStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly byKey: Database.Statement;
  private readonly latest: Database.Statement;
  private readonly since: Database.Statement;
  private readonly newest: Database.Statement;
  private readonly dataVersionNow: Database.Statement;
  private readonly recent = new RecentRows();
  private dataVersion = 0;
  /** data_version was read in this turn of the event loop (see history). */
  private versionChecked = false;

  constructor(readonly path: string) {
    super();
    if (path !== ':memory:') keepPrivate(path);
    this.db = new Database(path);
    // WAL lets readers and one writer (even in another process sharing the file) go on together; NORMAL sync in WAL
    // mode cannot corrupt the database, it may only lose the last commits on a power cut (sqlite.org/pragma.html).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        from_client TEXT NOT NULL,
        from_nick TEXT NOT NULL,
        to_client TEXT,
        to_nick TEXT,
        client_msg_id TEXT NOT NULL,
        text TEXT NOT NULL,
        time INTEGER NOT NULL,
        UNIQUE (from_client, client_msg_id)
      );
      CREATE INDEX IF NOT EXISTS messages_by_room ON messages (room, id);
    `);
    this.insert = this.db.prepare(`
      INSERT INTO messages (room, from_client, from_nick, to_client, to_nick, client_msg_id, text, time)
      VALUES (@room, @fromClient, @from, @toClient, @to, @id, @text, @time)
      ON CONFLICT (from_client, client_msg_id) DO NOTHING
      RETURNING *`);
    this.byKey = this.db.prepare('SELECT * FROM messages WHERE from_client = ? AND client_msg_id = ?');
    // Newest first, turned round in JS: an outer ORDER BY cost SQLite a temporary B-tree, twice the query's time.
    this.latest = this.db.prepare(`SELECT * FROM messages WHERE room = @room AND ${VISIBLE} ORDER BY id DESC LIMIT @limit`);
    this.newest = this.db.prepare('SELECT * FROM messages WHERE room = @room ORDER BY id DESC LIMIT @limit');
    // Prepared once: db.pragma() prepares its statement at every call.
    this.dataVersionNow = this.db.prepare('PRAGMA data_version').pluck();
    this.since = this.db.prepare(
      `SELECT * FROM messages WHERE room = @room AND id > @after AND ${VISIBLE} ORDER BY id LIMIT @limit`,
    );
  }

  async add(message: NewMessage): Promise<{ message: StoredMessage; duplicate: boolean }> {
    const row = this.insert.get({ toClient: null, to: null, ...message }) as Row | undefined;
    if (row) {
      const stored = fromRow(row);
      this.recent.added(stored);
      this.rooms.publish({ type: 'message', message: stored });
      return { message: stored, duplicate: false };
    }
    return { message: fromRow(this.byKey.get(message.fromClient, message.id) as Row), duplicate: true };
  }

  async find(fromClient: string, id: string): Promise<StoredMessage | undefined> {
    const row = this.byKey.get(fromClient, id) as Row | undefined;
    return row && fromRow(row);
  }

  async history(room: string, clientId: string, after: number | undefined, limit: number): Promise<StoredMessage[]> {
    // data_version changes when another connection commits to the file (not for this one's own writes): then the rows
    // kept may no longer be the newest. Read once per turn of the event loop, as if every read of the turn came at its
    // start: even prepared, it takes SQLite's locks, and every join reads history (8% of a room of 10,000 filling up's
    // server time in bench:chat's profile; a turn holds many joins when they come fast).
    if (!this.versionChecked) {
      this.versionChecked = true;
      setImmediate(() => (this.versionChecked = false));
      const version = this.dataVersionNow.get() as number;
      if (version !== this.dataVersion) {
        this.dataVersion = version;
        this.recent.clear();
      }
    }
    const load = (r: string, n: number) => (this.newest.all({ room: r, limit: n }) as Row[]).reverse().map(fromRow);
    const kept = this.recent.read(room, clientId, after, limit, load);
    if (kept) return kept;
    if (after === undefined) return (this.latest.all({ room, client: clientId, limit }) as Row[]).reverse().map(fromRow);
    return (this.since.all({ room, client: clientId, after, limit }) as Row[]).map(fromRow);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
