/**
 * The run's WebSocket "network": which in-browser servers listen where, how a browser client's URL reaches one, and
 * the mock-socket `Server` under each of them.
 *
 * Routing follows what a real connection would hit: the port (ws://localhost:8181 → the server on 8181), then the
 * path as ws 8 matches it (a server with `path` takes only that pathname, query ignored; one without takes every
 * path). A URL on the page's own origin (socket.io-client's `io()` with no URL) reaches the lesson's server whatever
 * port it listens on, as the http shim routes relative URLs. Hosts other than this machine are not ours: the client
 * gets the browser's own WebSocket for them.
 *
 * mock-socket's network bridge matches a client's URL, query cut off, against its Servers' URLs string for string
 * (`ws://localhost:8181/` is not `ws://127.0.0.1:8181/`, and a Server at `/` does not take `/chat`). So routing stays
 * here, and each listening endpoint gets a mock-socket Server at one canonical URL, `ws://localhost:<port><path>`
 * (`/` for a server without path); the client's mock-socket WebSocket connects to that URL with the real query, while
 * req.url keeps the path and query the browser asked for. The Server stays while the endpoint listens, and after
 * `wss.close()` until its last connection ends (ws 8 keeps them open; mock-socket would drop their frames without it).
 */
import type { RuntimeContext } from '../context.js';
import { MockServer, MockWebSocket, type MockClient } from './mock-socket.js';
import { Scheduler } from './pipe.js';
import { hasOwnUpgradeListeners, upgradeEndpoint, type UpgradeServerLike } from './upgrade.js';
import { takeClosing, Wire, type ClientEnd } from './wire.js';

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

/** One mock-socket Server under an endpoint, at one port. */
interface Station {
  readonly server: MockServer;
  /** Its URL in mock-socket's bridge, e.g. "ws://localhost:8181/". */
  readonly url: string;
  readonly port: number;
  readonly wires: Set<Wire>;
  /** The endpoint stopped listening here: the Server goes once its last connection has ended. */
  retired: boolean;
}

export class Hub {
  readonly scheduler: Scheduler;
  private readonly endpoints = new Set<Endpoint>();
  private readonly stations = new Map<Endpoint, Station>();
  private readonly retired = new Set<Station>();
  private readonly wires = new Map<Wire, Station>();
  /** Connections mock-socket has not yet handed to a Server's 'connection', by the client's mock-socket WebSocket. */
  private readonly pending = new Map<MockWebSocket, { wire: Wire; attempt: Attempt; endpoint: Endpoint }>();
  private nextId = 1;
  /** The http server a URL reaches (the http shim's routing), for WebSockets a learner's 'upgrade' listener takes. */
  httpServerAt: ((url: URL) => UpgradeServerLike | undefined) | undefined;
  private readonly upgradeEndpoints = new Map<UpgradeServerLike, Endpoint>();

  constructor(readonly ctx: RuntimeContext) {
    this.scheduler = new Scheduler(ctx.win, (error) => ctx.fatal(error));
    // The network panel: a kill loses every connection; a restart also forgets every server (the new server.js listens
    // again on the same ports).
    this.unregister = ctx.network?.onCut((how) => {
      for (const wire of [...this.wires.keys()]) wire.lose();
      if (how === 'restart') for (const endpoint of [...this.endpoints]) this.remove(endpoint);
    });
  }

  private readonly unregister: (() => void) | undefined;

  add(endpoint: Endpoint): void {
    this.endpoints.add(endpoint);
  }

  remove(endpoint: Endpoint): void {
    this.endpoints.delete(endpoint);
    const station = this.stations.get(endpoint);
    if (station) this.retire(endpoint, station);
  }

  /**
   * The endpoint listens (or may have moved, following an http server): its mock-socket Server exists at its port.
   * Returns undefined when it does not listen.
   */
  listening(endpoint: Endpoint): Station | undefined {
    const port = endpoint.listeningPort();
    let station = this.stations.get(endpoint);
    if (station && station.port !== port) {
      this.retire(endpoint, station);
      station = undefined;
    }
    if (station || port === null || !this.endpoints.has(endpoint)) return station;
    const path = endpoint.path ?? '/';
    // Another mock-socket Server may hold the canonical URL (one draining after wss.close(), another run's, a test's):
    // the bridge refuses a second one, so this one takes the next free variant.
    for (let n = 0; ; n++) {
      const url = `ws://localhost:${port}${n ? `/~${n}` : ''}${path}`;
      let server: MockServer;
      try {
        // mock: false, or mock-socket would put its own WebSocket class on the window.
        server = new MockServer(url, { mock: false });
      } catch {
        continue;
      }
      station = { server, url, port, wires: new Set(), retired: false };
      server.on('connection', (proxy) => this.connected(proxy));
      // Correction: mock-socket's server-level 'close' names no socket; the client's own 'close' just before tagged it.
      server.on('close', () => {
        const tag = takeClosing();
        tag?.wire.serverHeardClose(tag.code, tag.reason);
      });
      this.stations.set(endpoint, station);
      return station;
    }
  }

  private retire(endpoint: Endpoint, station: Station): void {
    this.stations.delete(endpoint);
    station.retired = true;
    this.retired.add(station);
    this.release(station);
  }

  private release(station: Station): void {
    if (!station.retired || station.wires.size) return;
    this.retired.delete(station);
    station.server.stop();
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
    const found = candidates.find((e) => e.path === url.pathname) ?? candidates.find((e) => e.path === null);
    return found ?? this.upgradeRoute(url);
  }

  /**
   * No ws server takes this URL, but the http server there may have an 'upgrade' listener of the learner's (a proxy
   * in server.js): then the connection is offered to it, as Node does (see upgrade.ts).
   */
  private upgradeRoute(url: URL): Endpoint | undefined {
    const http = new URL(url.href.replace(/^ws/, 'http'));
    const server = this.httpServerAt?.(http);
    if (!server || !hasOwnUpgradeListeners(server)) return undefined;
    let endpoint = this.upgradeEndpoints.get(server);
    if (!endpoint) {
      endpoint = upgradeEndpoint(server, (error) => this.ctx.fatal(error));
      this.upgradeEndpoints.set(server, endpoint);
      this.add(endpoint);
    }
    return endpoint;
  }

  /** Starts a connection attempt; it resolves in a later task, as a real handshake does. */
  connect(attempt: Attempt): void {
    this.scheduler.post(() => this.dial(attempt));
  }

  private dial(attempt: Attempt): void {
    if (attempt.aborted) return;
    // Offline, or lost to the drop rate: the connection is never made ('error', then close 1006, as a refused one).
    if (this.ctx.network?.refusesConnection()) return attempt.fail();
    const { url } = attempt.handshake;
    const endpoint = this.route(url);
    const station = endpoint && this.listening(endpoint);
    if (!endpoint || !station) {
      // Nobody listens there, for mock-socket either: it fires 'error' then close 1000 with wasClean true.
      // Correction: Chromium fires 'error' then close 1006, wasClean false (the facade's failure).
      const inner = new MockWebSocket(`ws://${url.host}${url.pathname}${url.search}`);
      inner.addEventListener('open', () => inner.close());
      inner.addEventListener('close', () => attempt.fail());
      return;
    }
    const inner = new MockWebSocket(station.url + url.search);
    const wire = new Wire(this.scheduler, `ws#${this.nextId++}`, attempt.party, attempt.client, inner, this.ctx.network);
    attempt.wire = wire;
    this.wires.set(wire, station);
    station.wires.add(wire);
    this.pending.set(inner, { wire, attempt, endpoint });
    inner.addEventListener('close', () => {
      // Closed before mock-socket's Server had it (the browser gave up while connecting): it never will.
      if (this.pending.delete(inner)) this.forget(wire);
    });
  }

  /** mock-socket's Server has the connection: the ws server runs its side of the handshake. */
  private connected(proxy: MockClient): void {
    const entry = this.pending.get(proxy.target);
    if (!entry) {
      // Not one of ours (a mock-socket client made by other code): nothing listens for it here.
      proxy.close({ code: 1006, reason: '', wasClean: false });
      return;
    }
    this.pending.delete(proxy.target);
    const { wire, attempt, endpoint } = entry;
    wire.attach(proxy);
    if (attempt.aborted) {
      this.forget(wire);
      return;
    }
    void this.accept(endpoint, attempt, wire);
  }

  private async accept(endpoint: Endpoint, attempt: Attempt, wire: Wire): Promise<void> {
    let accepted = false;
    try {
      accepted = await endpoint.accept(attempt.handshake, wire);
    } catch (error) {
      this.ctx.fatal(error);
    }
    if (!accepted) {
      wire.abandon();
      this.forget(wire);
      attempt.fail();
    }
  }

  forget(wire: Wire): void {
    const station = this.wires.get(wire);
    this.wires.delete(wire);
    if (!station) return;
    station.wires.delete(wire);
    this.release(station);
  }

  /** Stop: nothing may outlive the run. Connections are cut without events; the frame's removal ends the client. */
  stop(): void {
    this.unregister?.();
    for (const wire of this.wires.keys()) wire.cut();
    this.wires.clear();
    this.pending.clear();
    for (const station of [...this.stations.values(), ...this.retired]) station.server.stop();
    this.stations.clear();
    this.retired.clear();
    this.endpoints.clear();
    this.upgradeEndpoints.clear();
    this.scheduler.stop();
  }
}
