/**
 * One direction of one connection under the network panel's conditions: when something sent now arrives. Pure
 * arithmetic on a clock, so the in-browser shims and the real backend's proxy (server/network.ts) shape traffic alike.
 *
 * Bytes leave one after another at the link's bandwidth (a burst queues behind itself), then travel `latencyMs`; what
 * was sent later never arrives earlier, as on a TCP connection.
 */
import type { NetworkConditions } from './protocol.js';

export class Link {
  #sendEnd = 0;
  #lastArrival = 0;

  constructor(
    private readonly conditions: () => NetworkConditions,
    private readonly clock: () => number = () => performance.now(),
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
