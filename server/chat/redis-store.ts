/**
 * History in Redis, for several backend processes sharing one chat (REDIS_URL). Offsets come from one INCR counter
 * shared by every process; each room is a sorted set scored by offset; the (client, id) key that makes a retry
 * harmless is a plain key holding the stored entry. Storing is one Lua script, so it is atomic even when the same
 * message reaches two processes at once (a retry after a reconnection to the other one).
 */
import type { createClient } from 'redis';
import { readableBy, type ChatStore, type NewMessage, type StoredMessage } from './store.js';

type Redis = ReturnType<typeof createClient>;

/** How many messages a room keeps; older ones are trimmed as new ones arrive. */
const KEEP = 10_000;
/** How long a client's message id is remembered for deduplication: far longer than any retry goes on. */
const DEDUPE_SECONDS = 7 * 24 * 3600;

const ADD = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
local offset = redis.call('INCR', KEYS[2])
local entry = offset .. ' ' .. ARGV[1]
redis.call('ZADD', KEYS[3], offset, entry)
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -tonumber(ARGV[3]) - 1)
redis.call('SET', KEYS[1], entry, 'EX', ARGV[2])
return {1, entry}`;

function parse(entry: string): StoredMessage {
  const space = entry.indexOf(' ');
  return { ...(JSON.parse(entry.slice(space + 1)) as NewMessage), offset: Number(entry.slice(0, space)) };
}

export class RedisStore implements ChatStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'pushlab:chat:',
  ) {}

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
      '3',
      this.dedupeKey(message.fromClient, message.id),
      `${this.prefix}offset`,
      this.roomKey(message.room),
      JSON.stringify(message),
      String(DEDUPE_SECONDS),
      String(KEEP),
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

  async close(): Promise<void> {}
}
