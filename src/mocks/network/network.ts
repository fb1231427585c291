/**
 * The run's network as the network panel disturbs it, in browser mode. One object per run, shared by the shims: the
 * http exchange and the ws pipe ask it how long a message takes and whether a connection is lost, and register how to
 * end their connections when the panel kills them. See NetworkAction in src/shared/protocol.ts for what each does.
 *
 * What a browser does when a server vanishes was measured (Chromium 156 ↔ Node, the server's sockets destroyed or
 * reset): an open WebSocket gets close 1006 with wasClean false and *no* 'error' event; an EventSource gets 'error'
 * with readyState CONNECTING and reconnects; a held fetch rejects with TypeError "Failed to fetch", and so does reading
 * the body of a response cut mid-stream. Connections that fail to open (offline) get 'error' then close 1006.
 */
import { NO_NETWORK_CONDITIONS, type NetworkAction, type NetworkConditions } from '../../shared/protocol.js';
import { Link, normalizeConditions, Silences } from '../../shared/network-link.js';

/** How a shim ends its connections: `restart` also forgets its servers (their ports are free for the new ones). */
export type CutHandler = (how: 'kill' | 'restart') => void;

export class Network {
  #conditions: NetworkConditions = { ...NO_NETWORK_CONDITIONS };
  #offline = false;
  #handlers = new Set<CutHandler>();
  #listeners = new Set<() => void>();
  #silences = new Silences();

  constructor(private readonly random: () => number = Math.random) {}

  get conditions(): NetworkConditions {
    return this.#conditions;
  }

  get offline(): boolean {
    return this.#offline;
  }

  /** New conditions; they apply to what is sent from now on, on open connections too. */
  set(conditions: Partial<NetworkConditions>): void {
    this.#conditions = normalizeConditions({ ...this.#conditions, ...conditions });
    this.#changed();
  }

  /** A fresh direction of a connection, following the conditions as they change. */
  link(): Link {
    return new Link(() => this.#conditions);
  }

  /**
   * For one direction of a connection opened now: whether a silent action has since left it carrying nothing. The
   * shims drop everything in a silent direction, a close or a connection's end included.
   */
  silent(direction: 'c2s' | 's2c'): () => boolean {
    return this.#silences.watch(direction);
  }

  /** The connections open now go silent (see Silences); returns false for an action that is not a silent one. */
  silence(action: NetworkAction): boolean {
    return this.#silences.apply(action);
  }

  /** A message is lost, and with it its connection (see NetworkConditions.dropRate). */
  drops(): boolean {
    const rate = this.#conditions.dropRate;
    return rate > 0 && this.random() < rate;
  }

  /** A new connection fails at once: offline, or lost to the drop rate before it was made. */
  refusesConnection(): boolean {
    return this.#offline || this.drops();
  }

  /** A shim's way to end its connections; returns how to unregister it. */
  onCut(handler: CutHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Called when conditions or the offline state change (the frame reports them). */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every open connection dies at once, as when the server vanishes. */
  kill(): void {
    this.#cut('kill');
  }

  /**
   * Every connection dies and every server is forgotten (its port free again); the caller then evaluates server.js
   * again, so clients meet a fresh server with none of the old one's state.
   */
  restart(): void {
    this.#cut('restart');
  }

  setOffline(offline: boolean): void {
    if (this.#offline === offline) return;
    this.#offline = offline;
    if (offline) this.#cut('kill');
    this.#changed();
  }

  #cut(how: 'kill' | 'restart'): void {
    for (const handler of [...this.#handlers]) handler(how);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
