/**
 * What one client may ask of the chat, and how much. Every limit is held per connection and per remote address (a
 * client that opens many connections shares its address's budget), and each covers one kind of cost:
 *
 * - packets: every packet whatever its event, so nothing the protocol accepts (or does not know) is free;
 * - message, room, typing: what each costs the others: a stored and broadcast message, a join/leave (a presence change
 *   in the room's next batch, and the online list to the one who joins), a typing broadcast;
 * - connections: how many at once per address, and how often new ones open (each may replay history);
 * - history: the messages and bytes one join or reconnection replays, how many replays an address runs at once, and
 *   the bytes of history an address is sent over time. A replay cut by these says so (`truncated`).
 * - strikes: refusals a connection may earn before it is cut off, so a flood costs the server no more than the limit.
 *
 * With several processes (Redis), each process holds its own limits.
 */
import { MAX_REPLAY, MAX_REPLAY_BYTES, RATE_BURST, RATE_PER_SECOND } from '../../src/shared/chat-protocol.js';
import type { Rate } from './rate-limit.js';

/**
 * The largest packet the chat reads; a longer one closes the connection unread (engine.io's maxHttpBufferSize).
 * 1,000 characters of 4-byte UTF-8 plus the JSON around them fit many times; a megabyte (the default) is not needed.
 */
export const MAX_PACKET_BYTES = 16 * 1024;

export interface PerConnectionAndAddress {
  connection: Rate;
  address: Rate;
}

export interface ChatLimits {
  packets: PerConnectionAndAddress;
  message: PerConnectionAndAddress;
  room: PerConnectionAndAddress;
  typing: PerConnectionAndAddress;
  connections: { perAddress: number; opened: Rate };
  history: {
    messages: number;
    bytes: number;
    concurrentPerAddress: number;
    /** Replays an address may have waiting for a slot; more are refused (an empty, truncated replay). */
    queuedPerAddress: number;
    bytesPerAddress: Rate;
  };
  strikes: Rate;
}

export const DEFAULT_LIMITS: ChatLimits = {
  // A page sends a message, a typing flag every 1.5 s and now and then a join: 20 a second is far above that.
  packets: { connection: { perSecond: 20, burst: 40 }, address: { perSecond: 60, burst: 120 } },
  // The address gets three people's worth: a few tabs or a household behind one router.
  message: {
    connection: { perSecond: RATE_PER_SECOND, burst: RATE_BURST },
    address: { perSecond: 3 * RATE_PER_SECOND, burst: 3 * RATE_BURST },
  },
  // Each change of room or nickname is two presence changes for the whole room (left, joined) and a list to read.
  room: { connection: { perSecond: 0.5, burst: 5 }, address: { perSecond: 2, burst: 15 } },
  typing: { connection: { perSecond: 2, burst: 4 }, address: { perSecond: 10, burst: 20 } },
  connections: { perAddress: 50, opened: { perSecond: 5, burst: 30 } },
  history: {
    messages: MAX_REPLAY,
    bytes: MAX_REPLAY_BYTES,
    concurrentPerAddress: 2,
    queuedPerAddress: 20,
    bytesPerAddress: { perSecond: MAX_REPLAY_BYTES, burst: 4 * MAX_REPLAY_BYTES },
  },
  strikes: { perSecond: 5, burst: 50 },
};

const NONE: Rate = { perSecond: 1e12, burst: 1e12 };
const NONE_TWICE: PerConnectionAndAddress = { connection: NONE, address: NONE };

/** For a benchmark that measures delivery, not the limiter. Never for a server people reach. */
export const NO_LIMITS: ChatLimits = {
  packets: NONE_TWICE,
  message: NONE_TWICE,
  room: NONE_TWICE,
  typing: NONE_TWICE,
  connections: { perAddress: Number.MAX_SAFE_INTEGER, opened: NONE },
  history: { ...DEFAULT_LIMITS.history, concurrentPerAddress: 1e6, queuedPerAddress: 1e6, bytesPerAddress: NONE },
  strikes: NONE,
};

/**
 * The key an address's limits are held under. An IPv4 address as itself (also when it comes IPv4-mapped, ::ffff:a.b.c.d);
 * an IPv6 address by its /64, because one subscriber usually gets a whole /64 and can pick any address in it.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * At most `concurrent` tasks per key at once, the rest waiting in order; beyond `queued` waiting, run() refuses
 * (returns undefined without running the task) rather than holding an unbounded queue.
 */
export class Slots {
  private readonly byKey = new Map<string, { active: number; waiting: Array<() => void> }>();

  constructor(
    private readonly concurrent: number,
    private readonly queued: number,
  ) {}

  async run<T>(key: string, task: () => Promise<T>): Promise<T | undefined> {
    let slot = this.byKey.get(key);
    if (!slot) this.byKey.set(key, (slot = { active: 0, waiting: [] }));
    if (slot.active >= this.concurrent) {
      if (slot.waiting.length >= this.queued) return undefined;
      await new Promise<void>((resolve) => slot!.waiting.push(resolve));
    } else {
      slot.active++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line (active stays the same), or is given back.
      const next = slot.waiting.shift();
      if (next) next();
      else if (--slot.active === 0) this.byKey.delete(key);
    }
  }
}
