/**
 * History and rooms in Redis, for several backend processes sharing one chat (REDIS_URL).
 *
 * - Messages: offsets come from one INCR counter shared by every process; each room is a sorted set scored by offset;
 *   the (client, id) key that makes a retry harmless is a plain key holding the stored entry.
 * - Rooms: a hash per room from a name's skeleton to who holds it, a set per name of the connections holding it, and
 *   a version counter per room.
 * - The order: each script that stores a message or changes a room also appends it to one stream (LOG), in the same
 *   atomic step that assigns its offset or version. Every process reads that stream in order and delivers from it
 *   alone, so a room's events reach every client in one order, whichever process they came through.
 * - A process killed outright cannot let go of its connections' names: each process keeps a key that expires unless
 *   renewed, and lists the names its connections hold; a process that finds another's key gone lets go of them.
 *
 * Everything is one Lua script per step, so it is atomic even when the same message reaches two processes at once (a
 * retry after a reconnection to the other one).
 */
import { randomUUID } from 'node:crypto';
import type { createClient } from 'redis';
import type { PresenceChange } from '../../src/shared/chat-protocol.js';
import { readableBy, type ChatStore, type Holder, type Named, type NewMessage, type RoomEvent, type StoredMessage } from './store.js';

type Redis = ReturnType<typeof createClient>;

/** How many messages a room keeps; older ones are trimmed as new ones arrive. */
const KEEP = 10_000;
/** How long a client's message id is remembered for deduplication: far longer than any retry goes on. */
const DEDUPE_SECONDS = 7 * 24 * 3600;
/** The stream is only for processes that are up now; it keeps about this many events. */
const LOG_KEEP = 100_000;
/** A process renews its key this often; a key not renewed for ALIVE_MS means the process is gone. */
const RENEW_MS = 3000;
const ALIVE_MS = 15_000;

const ADD = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
local offset = redis.call('INCR', KEYS[2])
local entry = offset .. ' ' .. ARGV[1]
redis.call('ZADD', KEYS[3], offset, entry)
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[3]) - 1)
redis.call('SET', KEYS[1], entry, 'EX', ARGV[2])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'm', entry)
return {1, entry}`;

// A room's roster: KEYS[1] the hash skeleton → {n: nick, k: key, c: clientId}, KEYS[2] the holders of this skeleton,
// KEYS[3] the room's version, KEYS[4] the log, KEYS[5] this process's list of what it holds.
const ENTER = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local entry = ARGV[7] .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[5]
if current then
  local e = cjson.decode(current)
  if e.c ~= ARGV[4] then
    if e.k == ARGV[2] then return 'nick-taken' end
    return 'nick-lookalike'
  end
  redis.call('SADD', KEYS[2], ARGV[5])
  redis.call('SADD', KEYS[5], entry)
  return ''
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode({n = ARGV[3], k = ARGV[2], c = ARGV[4]}))
redis.call('SADD', KEYS[2], ARGV[5])
redis.call('SADD', KEYS[5], entry)
local v = redis.call('INCR', KEYS[3])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[8], '*', 'p', cjson.encode({room = ARGV[7], version = v, kind = 'joined',
  nick = ARGV[3], time = tonumber(ARGV[6]), count = redis.call('HLEN', KEYS[1])}))
return ''`;

// Lets go of one holder (ARGV: prefix, room, skeleton, holder, time, log length); shared by LEAVE and SWEEP.
const RELEASE = `
local function release(prefix, room, skeleton, holder, time, keep)
  local holders = prefix .. 'holders:' .. room .. '\\n' .. skeleton
  if redis.call('SREM', holders, holder) == 0 then return end
  if redis.call('SCARD', holders) > 0 then return end
  local roster = prefix .. 'roster:' .. room
  local current = redis.call('HGET', roster, skeleton)
  if not current then return end
  redis.call('HDEL', roster, skeleton)
  local v = redis.call('INCR', prefix .. 'version:' .. room)
  redis.call('XADD', prefix .. 'log', 'MAXLEN', '~', keep, '*', 'p', cjson.encode({room = room, version = v, kind = 'left',
    nick = cjson.decode(current).n, time = time, count = redis.call('HLEN', roster)}))
end
`;

const LEAVE = `${RELEASE}
redis.call('SREM', KEYS[1], ARGV[2] .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4])
release(ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6])
return 1`;

// A gone process's holders (KEYS[1]); only if its key (KEYS[2]) is still gone; ARGV: prefix, time, log length, id.
const SWEEP = `${RELEASE}
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local entries = redis.call('SMEMBERS', KEYS[1])
for _, entry in ipairs(entries) do
  local room, skeleton, holder = string.match(entry, '^([^\\n]*)\\n([^\\n]*)\\n(.*)$')
  if room then release(ARGV[1], room, skeleton, holder, tonumber(ARGV[2]), ARGV[3]) end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', ARGV[1] .. 'processes', ARGV[4])
return #entries`;

// At most ARGV[1] names: a crowd's whole list is not read for every join.
const ONLINE = `
local count = redis.call('HLEN', KEYS[1])
local values
if count <= tonumber(ARGV[1]) then values = redis.call('HVALS', KEYS[1])
else
  values = {}
  local cursor = '0'
  repeat
    local page = redis.call('HSCAN', KEYS[1], cursor, 'COUNT', ARGV[1])
    cursor = page[1]
    for i = 2, #page[2], 2 do
      if #values < tonumber(ARGV[1]) then values[#values + 1] = page[2][i] end
    end
  until cursor == '0' or #values >= tonumber(ARGV[1])
end
return {redis.call('GET', KEYS[2]) or '0', count, values}`;

function parse(entry: string): StoredMessage {
  const space = entry.indexOf(' ');
  return { ...(JSON.parse(entry.slice(space + 1)) as NewMessage), offset: Number(entry.slice(0, space)) };
}

type StreamEntries = Array<[string, string[]]>;
/** XREAD's reply: node-redis gives a map from stream name to entries (older versions: [name, entries] pairs). */
type XReadReply = Record<string, StreamEntries> | Array<[string, StreamEntries]> | null;

function entriesOf(reply: XReadReply): StreamEntries {
  if (!reply) return [];
  if (Array.isArray(reply)) return reply.flatMap(([, entries]) => entries);
  return Object.values(reply).flat();
}

export class RedisStore implements ChatStore {
  /** This process, in the names of the connections it holds. */
  private readonly id = randomUUID();
  private readonly handlers: Array<(event: RoomEvent) => void> = [];
  private reader: Redis | undefined;
  private reading: Promise<void> | undefined;
  private closed = false;
  private readonly renew: ReturnType<typeof setInterval>;
  private alive: Promise<unknown>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'pushlab:chat:',
  ) {
    this.alive = this.heartbeat();
    this.renew = setInterval(() => void this.heartbeat().then(() => this.sweep()).catch(() => {}), RENEW_MS);
    this.renew.unref();
  }

  private heartbeat(): Promise<unknown> {
    return Promise.all([
      this.redis.sendCommand(['SET', `${this.prefix}alive:${this.id}`, '1', 'PX', String(ALIVE_MS)]),
      this.redis.sendCommand(['SADD', `${this.prefix}processes`, this.id]),
    ]);
  }

  /** Lets go of the names held by processes whose key has expired: they were killed, or lost Redis for good. */
  private async sweep(): Promise<void> {
    const ids = await this.redis.sendCommand<string[]>(['SMEMBERS', `${this.prefix}processes`]);
    for (const id of ids) {
      if (id === this.id) continue;
      await this.redis.sendCommand([
        'EVAL',
        SWEEP,
        '2',
        `${this.prefix}held:${id}`,
        `${this.prefix}alive:${id}`,
        this.prefix,
        String(Date.now()),
        String(LOG_KEEP),
        id,
      ]);
    }
  }

  private dedupeKey(fromClient: string, id: string): string {
    return `${this.prefix}id:${fromClient}:${id}`;
  }

  private roomKey(room: string): string {
    return `${this.prefix}room:${room}`;
  }

  async add(message: NewMessage): Promise<{ message: StoredMessage; duplicate: boolean }> {
    const [created, entry] = await this.redis.sendCommand<[number, string]>([
      'EVAL',
      ADD,
      '4',
      this.dedupeKey(message.fromClient, message.id),
      `${this.prefix}offset`,
      this.roomKey(message.room),
      `${this.prefix}log`,
      JSON.stringify(message),
      String(DEDUPE_SECONDS),
      String(KEEP),
      String(LOG_KEEP),
    ]);
    return { message: parse(entry), duplicate: created === 0 };
  }

  async find(fromClient: string, id: string): Promise<StoredMessage | undefined> {
    const entry = await this.redis.get(this.dedupeKey(fromClient, id));
    return entry ? parse(entry) : undefined;
  }

  async history(room: string, clientId: string, after: number | undefined, limit: number): Promise<StoredMessage[]> {
    // Private messages share the room's set, so pages are read until `limit` readable ones are found.
    const key = this.roomKey(room);
    const found: StoredMessage[] = [];
    const page = Math.max(limit * 2, 100);
    for (let skip = 0; found.length < limit; skip += page) {
      const entries =
        after === undefined
          ? await this.redis.sendCommand<string[]>(['ZREVRANGEBYSCORE', key, '+inf', '-inf', 'LIMIT', String(skip), String(page)])
          : await this.redis.sendCommand<string[]>(['ZRANGEBYSCORE', key, `(${after}`, '+inf', 'LIMIT', String(skip), String(page)]);
      for (const e of entries) {
        const m = parse(e);
        if (readableBy(m, clientId) && found.length < limit) found.push(m);
      }
      if (entries.length < page) break;
    }
    return after === undefined ? found.reverse() : found;
  }

  private holderId(h: Holder): string {
    return `${this.id}/${h.holder}`;
  }

  async enter(h: Holder): Promise<{ error?: 'nick-taken' | 'nick-lookalike' }> {
    await this.alive;
    const error = await this.redis.sendCommand<string>([
      'EVAL',
      ENTER,
      '5',
      `${this.prefix}roster:${h.room}`,
      `${this.prefix}holders:${h.room}\n${h.skeleton}`,
      `${this.prefix}version:${h.room}`,
      `${this.prefix}log`,
      `${this.prefix}held:${this.id}`,
      h.skeleton,
      h.key,
      h.nick,
      h.clientId,
      this.holderId(h),
      String(Date.now()),
      h.room,
      String(LOG_KEEP),
    ]);
    return error === 'nick-taken' || error === 'nick-lookalike' ? { error } : {};
  }

  async leave(h: Holder): Promise<void> {
    await this.redis.sendCommand([
      'EVAL',
      LEAVE,
      '1',
      `${this.prefix}held:${this.id}`,
      this.prefix,
      h.room,
      h.skeleton,
      this.holderId(h),
      String(Date.now()),
      String(LOG_KEEP),
    ]);
  }

  async online(room: string, limit: number): Promise<{ version: number; nicks: string[]; count: number }> {
    const [version, count, values] = await this.redis.sendCommand<[string, number, string[]]>([
      'EVAL',
      ONLINE,
      '2',
      `${this.prefix}roster:${room}`,
      `${this.prefix}version:${room}`,
      String(limit),
    ]);
    return { version: Number(version), count: Number(count), nicks: values.map((v) => (JSON.parse(v) as { n: string }).n) };
  }

  async named(room: string, skeleton: string): Promise<Named | undefined> {
    const value = await this.redis.sendCommand<string | null>(['HGET', `${this.prefix}roster:${room}`, skeleton]);
    if (!value) return undefined;
    const e = JSON.parse(value) as { n: string; k: string; c: string };
    return { nick: e.n, key: e.k, clientId: e.c };
  }

  /**
   * Reads the log from now on, on a connection of its own (XREAD BLOCK holds it), and hands each event to the
   * handlers in the log's order. After a lost connection it goes on from the last event it read.
   */
  subscribe(handler: (event: RoomEvent) => void): void {
    this.handlers.push(handler);
    if (this.reading) return;
    const reader = (this.reader = this.redis.duplicate());
    reader.on('error', () => {}); // the main client reports; this one reconnects by itself
    this.reading = (async () => {
      await reader.connect();
      // The id of the last event now: an XREAD from '$' after a lost connection would skip what came meanwhile.
      const last = await reader.sendCommand<Array<[string, string[]]>>(['XREVRANGE', `${this.prefix}log`, '+', '-', 'COUNT', '1']);
      let from = last[0]?.[0] ?? '0-0';
      while (!this.closed) {
        let reply: XReadReply;
        try {
          reply = await reader.sendCommand<XReadReply>(['XREAD', 'COUNT', '1000', 'BLOCK', '1000', 'STREAMS', `${this.prefix}log`, from]);
        } catch {
          if (this.closed) return;
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        for (const [id, fields] of entriesOf(reply)) {
          from = id;
          try {
            const event = this.decode(fields);
            if (event) for (const h of this.handlers) h(event);
          } catch {
            // One event that cannot be read or delivered must not stop the reading of all the others.
          }
        }
      }
    })().catch(() => {});
  }

  private decode(fields: string[]): RoomEvent | undefined {
    const [kind, value] = fields;
    if (value === undefined) return undefined;
    if (kind === 'm') return { type: 'message', message: parse(value) };
    const p = JSON.parse(value) as PresenceChange & { room: string };
    return { type: 'presence', room: p.room, change: { version: p.version, kind: p.kind, nick: p.nick, time: p.time, count: p.count } };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renew);
    // Not disconnected from the log before its blocking read ends (at most a second), so no reply is left dangling.
    await this.reading;
    await this.reader?.quit().catch(() => {});
  }
}
