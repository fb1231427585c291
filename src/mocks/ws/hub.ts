/**
 * The run's WebSocket "network": which in-browser servers listen where, and how a browser client's URL reaches one.
 *
 * Routing follows what a real connection would hit: the port (ws://localhost:8181 → the server on 8181), then the
 * path as ws 8 matches it (a server with `path` takes only that pathname, query ignored; one without takes every
 * path). A URL on the page's own origin (socket.io-client's `io()` with no URL) reaches the lesson's server whatever
 * port it listens on, as the http shim routes relative URLs. Hosts other than this machine are not ours: the client
 * gets the browser's own WebSocket for them.
 */
import type { RuntimeContext } from '../context.js';
import { Scheduler } from './pipe.js';
import { Wire, type ClientEnd } from './wire.js';

export interface Handshake {
  url: URL;
  /** Path and query, as Node's req.url has it. */
  path: string;
  protocols: string[];
  /** Lower-case names, in the order Chromium sends them. */
  headers: Record<string, string>;
  remoteAddress: string;
}

export interface Endpoint {
  /** The port it listens on now; null before `listen` or after `close`. */
  listeningPort(): number | null;
  readonly path: string | null;
  /**
   * Runs the server's side of the handshake. On success the endpoint has set `wire.server`, queued the client's
   * 'open' and emitted 'connection'; on refusal (verifyClient, subprotocol) it returns false.
   */
  accept(handshake: Handshake, wire: Wire): Promise<boolean>;
}

export interface Attempt {
  readonly handshake: Handshake;
  readonly client: ClientEnd;
  /** Who the client is in the traffic events. */
  readonly party: string;
  /** The connection could not be made (nobody listens, or the server refused): error, then close 1006. */
  fail(): void;
  /** Set by the client when it gave up first (close() while CONNECTING). */
  aborted: boolean;
  wire?: Wire;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

export class Hub {
  readonly scheduler: Scheduler;
  private readonly endpoints = new Set<Endpoint>();
  private readonly wires = new Set<Wire>();
  private nextId = 1;

  constructor(readonly ctx: RuntimeContext) {
    this.scheduler = new Scheduler(ctx.win, (error) => ctx.fatal(error));
  }

  add(endpoint: Endpoint): void {
    this.endpoints.add(endpoint);
  }

  remove(endpoint: Endpoint): void {
    this.endpoints.delete(endpoint);
  }

  /** Port mode servers refuse a port another one holds, as listen() fails with EADDRINUSE. */
  portTaken(port: number, except: Endpoint): boolean {
    for (const e of this.endpoints) if (e !== except && e.listeningPort() === port) return true;
    return false;
  }

  /** A free port for listen(0), in Linux's ephemeral range. */
  freePort(except: Endpoint): number {
    for (;;) {
      const port = 32768 + Math.floor(Math.random() * 28000);
      if (!this.portTaken(port, except)) return port;
    }
  }

  isOurs(url: URL): boolean {
    return LOCAL_HOSTS.has(url.hostname) || url.host === this.ctx.win.location.host || url.hostname === this.ctx.win.location.hostname;
  }

  route(url: URL): Endpoint | undefined {
    const port = Number(url.port || (url.protocol === 'wss:' ? 443 : 80));
    const listening = [...this.endpoints].filter((e) => e.listeningPort() !== null);
    let candidates = listening.filter((e) => e.listeningPort() === port);
    if (!candidates.length && url.host === this.ctx.win.location.host) candidates = listening;
    return candidates.find((e) => e.path === url.pathname) ?? candidates.find((e) => e.path === null);
  }

  /** Starts a connection attempt; it resolves in a later task, as a real handshake does. */
  connect(attempt: Attempt): void {
    this.scheduler.post(() => void this.handshake(attempt));
  }

  private async handshake(attempt: Attempt): Promise<void> {
    if (attempt.aborted) return;
    const endpoint = this.route(attempt.handshake.url);
    if (!endpoint) return attempt.fail();
    const wire = new Wire(this.scheduler, `ws#${this.nextId++}`, attempt.party);
    wire.client = attempt.client;
    attempt.wire = wire;
    this.wires.add(wire);
    let accepted = false;
    try {
      accepted = await endpoint.accept(attempt.handshake, wire);
    } catch (error) {
      this.ctx.fatal(error);
    }
    if (!accepted) {
      this.wires.delete(wire);
      attempt.fail();
    }
  }

  forget(wire: Wire): void {
    this.wires.delete(wire);
  }

  /** Stop: nothing may outlive the run. Connections are cut without events; the frame's removal ends the client. */
  stop(): void {
    for (const wire of this.wires) wire.cut();
    this.wires.clear();
    this.endpoints.clear();
    this.scheduler.stop();
  }
}
