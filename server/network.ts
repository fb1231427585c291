/**
 * The network panel in real mode: conditions the backend's proxy applies to what it carries for one page (its
 * relative URLs: HTTP, long polls, SSE, and WebSocket upgrades to the page's own host; and, from the run frame, its
 * loopback ports such as `ws://localhost:8181`, which the frame sends through /__pushlab/ports/), and the connections
 * it can kill.
 *
 * What it cannot reach: a program that connects to the child's port directly, outside the page (curl in a terminal,
 * or a test's client) does not pass through the proxy, so no latency, bandwidth, drop or kill applies there. Offline,
 * likewise, refuses only what comes through the proxy.
 *
 * The timing is the in-browser runtime's (src/shared/network-link.ts), so both modes shape traffic alike.
 */
import { InOrder, Link, normalizeConditions, Silences } from '../src/shared/network-link.js';
import { NO_NETWORK_CONDITIONS, type NetworkConditions, type ProxyNetworkAction } from '../src/shared/protocol.js';

export type ProxyAction = ProxyNetworkAction;
export const PROXY_ACTIONS: readonly ProxyAction[] = ['kill', 'offline', 'online', 'silent', 'silent-to-server', 'silent-to-client'];

/** One connection the proxy carries, as the kill sees it. */
export interface Carried {
  destroy(): void;
}

/** Runs `send` for each piece at the time it would arrive over the link, in order; at once without conditions. */
export type Sender = (bytes: number, send: () => void) => void;

export class ProxyNetwork {
  conditions: NetworkConditions = { ...NO_NETWORK_CONDITIONS };
  offline = false;
  private readonly carried = new Set<Carried>();
  private readonly silences = new Silences();

  /**
   * For one direction of a connection opened now: whether a silent action has since left it half-open. The proxy then
   * forwards nothing that way, not even the end of the other side's socket (see Silences).
   */
  silent(direction: 'c2s' | 's2c'): () => boolean {
    return this.silences.watch(direction);
  }

  /** A new connection fails at once: offline, or lost to the drop rate. */
  refusesConnection(): boolean {
    return this.offline || this.drops();
  }

  drops(): boolean {
    return this.conditions.dropRate > 0 && Math.random() < this.conditions.dropRate;
  }

  /** Follows a connection until it ends, so that a kill can end it. Returns the function that stops following. */
  carry(connection: Carried): () => void {
    this.carried.add(connection);
    return () => this.carried.delete(connection);
  }

  /**
   * One direction of one connection: each piece waits for its trip, and may be lost with the connection (TCP loses
   * connections, not pieces: `lost` ends it).
   */
  sender(lost: () => void, silent: () => boolean = () => false): Sender {
    const link = new Link(() => this.conditions);
    const inOrder = new InOrder();
    let dead = false;
    return (bytes, send) => {
      if (dead) return;
      const wait = link.delay(bytes);
      const run = () => {
        if (dead || silent()) return;
        if (bytes > 0 && this.drops()) {
          dead = true;
          lost();
          return;
        }
        // A piece delivered late meets a connection that may have changed meanwhile. Whatever it throws ends this
        // connection, as a fault on the path would; thrown from a timer it would end the backend and every page's run.
        try {
          send();
        } catch (err) {
          console.error(`Pushlab: a proxied connection ended on an error: ${(err as Error)?.stack ?? err}`);
          dead = true;
          lost();
        }
      };
      inOrder.at(wait, run);
    };
  }

  apply(request: { conditions?: unknown; action?: ProxyAction }): void {
    if (request.conditions !== undefined) this.conditions = normalizeConditions(request.conditions);
    if (request.action === 'online') this.offline = false;
    if (request.action === 'offline') this.offline = true;
    if (request.action === 'kill' || request.action === 'offline') this.kill();
    if (request.action) this.silences.apply(request.action);
  }

  /** Ends every connection the proxy carries for this page, as when the server vanishes. */
  kill(): void {
    for (const connection of [...this.carried]) connection.destroy();
    this.carried.clear();
  }
}

/** One ProxyNetwork per page (the backend keeps one child per page, and a restarted child keeps its page's conditions). */
export class ProxyNetworks {
  private readonly pages = new Map<string, ProxyNetwork>();

  for(pageId: string): ProxyNetwork {
    let network = this.pages.get(pageId);
    if (!network) this.pages.set(pageId, (network = new ProxyNetwork()));
    return network;
  }

  /**
   * The page's network, made now if the page never set one: every proxied connection follows it from its start, so
   * that a kill or a silent action reaches connections made before the page first touched the panel.
   */
  find(pageId: string): ProxyNetwork {
    return this.for(pageId);
  }
}

export function isProxyAction(value: unknown): value is ProxyAction {
  return (PROXY_ACTIONS as readonly unknown[]).includes(value);
}
