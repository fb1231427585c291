/**
 * Token buckets: `burst` at once, then `perSecond` a second. Buckets are computed lazily from the time of the last
 * take, so an idle key costs nothing until it is used again; full buckets are forgotten by prune().
 */
export interface Rate {
  perSecond: number;
  burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perSecond: number;
  private readonly burst: number;

  constructor(
    rate: Rate,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perSecond = rate.perSecond;
    this.burst = rate.burst;
  }

  /** Tokens the key has now (refilled for the time since it last took any). */
  available(key: string): number {
    const b = this.buckets.get(key);
    if (!b) return this.burst;
    return Math.min(this.burst, b.tokens + ((this.now() - b.at) * this.perSecond) / 1000);
  }

  /** 0 if the key may spend `cost` now, else the ms until it may. Takes nothing. */
  wait(key: string, cost = 1): number {
    const missing = cost - this.available(key);
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.perSecond);
  }

  /** Spends `cost` tokens, even into debt (a caller that checked wait() first never goes below zero). */
  spend(key: string, cost = 1): void {
    this.buckets.set(key, { tokens: this.available(key) - cost, at: this.now() });
  }

  /** 0 if the key may spend `cost` now (and it is spent), else the ms until it may. */
  take(key: string, cost = 1): number {
    const wait = this.wait(key, cost);
    if (wait === 0) this.spend(key, cost);
    return wait;
  }

  forget(key: string): void {
    this.buckets.delete(key);
  }

  prune(): void {
    for (const key of this.buckets.keys()) if (this.available(key) >= this.burst) this.buckets.delete(key);
  }
}

/**
 * One limit held twice: by each connection and by each remote address. Either alone is not enough: per connection, a
 * client opens twenty connections; per address, one connection could starve the others of a shared address. A take
 * spends from both only when both can pay, so a refusal by one costs the other nothing.
 */
export class ConnectionAndAddressLimiter {
  readonly connection: RateLimiter;
  readonly address: RateLimiter;

  constructor(rates: { connection: Rate; address: Rate }, now?: () => number) {
    this.connection = new RateLimiter(rates.connection, now);
    this.address = new RateLimiter(rates.address, now);
  }

  /** 0 if both may spend `cost` now (and both do), else the ms until both may. */
  take(connection: string, address: string, cost = 1): number {
    const wait = Math.max(this.connection.wait(connection, cost), this.address.wait(address, cost));
    if (wait > 0) return wait;
    this.connection.spend(connection, cost);
    this.address.spend(address, cost);
    return 0;
  }

  forgetConnection(connection: string): void {
    this.connection.forget(connection);
  }

  prune(): void {
    this.connection.prune();
    this.address.prune();
  }
}
