/**
 * One direction of one connection under the network panel's conditions: when something sent now arrives. Pure
 * arithmetic on a clock, so the in-browser shims and the real backend's proxy (server/network.ts) shape traffic alike.
 *
 * Bytes leave one after another at the link's bandwidth (a burst queues behind itself), then travel `latencyMs`; what
 * was sent later never arrives earlier, as on a TCP connection.
 */
import type { NetworkAction, NetworkConditions } from './protocol.js';
import { clockNow } from './clock.js';

export class Link {
  #sendEnd = 0;
  #lastArrival = 0;

  constructor(
    private readonly conditions: () => NetworkConditions,
    private readonly clock: () => number = clockNow,
  ) {}

  /** Milliseconds from now until `bytes` handed over now reach the other end (0: at once, as without conditions). */
  delay(bytes: number): number {
    const { latencyMs, bandwidthKbps } = this.conditions();
    const now = this.clock();
    if (latencyMs <= 0 && bandwidthKbps <= 0 && this.#lastArrival <= now) return 0;
    // kilobits per second are bits per millisecond.
    const transmit = bandwidthKbps > 0 ? (bytes * 8) / bandwidthKbps : 0;
    const sent = Math.max(now, this.#sendEnd) + transmit;
    this.#sendEnd = sent;
    const arrival = Math.max(sent + Math.max(0, latencyMs), this.#lastArrival);
    this.#lastArrival = arrival;
    return arrival - now;
  }
}

/**
 * Runs what one side sends over a link at the time each piece arrives, in the order it was sent.
 * @note Not a timer per piece: the delays `Link.delay` gives the pieces of one link are equal or rising in exact
 * arithmetic, but in floating point a later one can come out a hair shorter (20 ms as 19.999999999996), and its timer
 * then fires first: the bytes of one TCP stream out of order (seen: server/network-sender.test.ts in CI).
 */
export class InOrder {
  #queue: Array<{ due: number; run: () => void }> = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly clock: () => number = clockNow) {}

  /** Runs `run` in `wait` ms, after everything given before it; at once if nothing waits and `wait` is 0 or less. */
  at(wait: number, run: () => void): void {
    if (wait <= 0 && this.#queue.length === 0) return run();
    this.#queue.push({ due: this.clock() + wait, run });
    if (this.#timer === undefined) this.#arm();
  }

  #arm(): void {
    const head = this.#queue[0];
    if (head) this.#timer = setTimeout(() => this.#pump(), Math.max(0, head.due - this.clock()));
  }

  #pump(): void {
    this.#timer = undefined;
    try {
      // Node's timers may fire up to a millisecond early: what is not due yet waits for a timer of its own.
      while (this.#queue.length > 0 && this.#queue[0]!.due <= this.clock()) this.#queue.shift()!.run();
    } finally {
      this.#arm();
    }
  }
}

/** Conditions as sent by a page: clamped to what makes sense, anything else is no condition. */
export function normalizeConditions(input: unknown): NetworkConditions {
  const o = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const num = (v: unknown, max: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.min(Math.max(v, 0), max) : 0);
  return {
    latencyMs: num(o.latencyMs, 60_000),
    bandwidthKbps: num(o.bandwidthKbps, 10_000_000),
    dropRate: num(o.dropRate, 1),
  };
}

/** The network panel's 'silent' actions, by the directions each one silences (c2s: toward the server). */
const SILENCED: Partial<Record<NetworkAction, readonly ('c2s' | 's2c')[]>> = {
  silent: ['c2s', 's2c'],
  'silent-to-server': ['c2s'],
  'silent-to-client': ['s2c'],
};

/**
 * A half-open connection, as a NAT or firewall that forgot it, a pulled cable or a sleeping laptop leaves one: the
 * connections open at a 'silent' action stay open at both ends and carry nothing more (not data, not a close, not
 * the FIN or reset of a side that gives up), in the directions the action names. TCP notices nothing for minutes to
 * hours; only a heartbeat with a deadline finds it. Connections made afterwards are not affected, so a client that
 * notices and reconnects gets through. Kept as a count per direction, so that a connection asks "has a silent action
 * come since I was opened?" without anyone having to list the connections.
 */
export class Silences {
  #count = { c2s: 0, s2c: 0 };

  /** Applies a network action; returns whether it was a silent one. */
  apply(action: NetworkAction): boolean {
    const directions = SILENCED[action];
    if (!directions) return false;
    for (const d of directions) this.#count[d]++;
    return true;
  }

  /** For one direction of a connection opened now: from then on, tells whether it has gone silent. */
  watch(direction: 'c2s' | 's2c'): () => boolean {
    const born = this.#count[direction];
    return () => this.#count[direction] !== born;
  }
}

export function isSilentAction(action: NetworkAction): boolean {
  return SILENCED[action] !== undefined;
}
