/**
 * `WebSocketServer` (alias `Server`) with ws 8's API, on the run's WebSocket network (`hub.ts`): while it listens, a
 * mock-socket Server sits under it at its port and path.
 *
 * `{ port }` listens itself; `{ server }` shares an http server of the http shim and listens wherever that server
 * listens, read through Node's public API only (`listening`, `address()`, the 'listening' and 'error' events), so it
 * works before or after `server.listen()`. `path` limits it to one pathname (the query is ignored, req.url keeps it).
 */
import EventEmitter from 'events';
import { unsupported } from '../unsupported.js';
import type { Endpoint, Handshake, Hub } from './hub.js';
import type { ServerSocket, createServerSocketClass } from './socket.js';
import { handoffOf, SHIM_LISTENER } from './upgrade.js';
import { ConnectionTraffic, PLAIN_WS, type TrafficLabel } from './traffic.js';
import type { Wire } from './wire.js';

/**
 * 1 MiB, where ws defaults to 100 MiB: a page holds every message in memory and the inspector keeps a copy, so a
 * 100 MiB frame would stall the tab the course runs in. A larger frame closes with 1009 and a reason saying so.
 */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

/** An internal option the socket.io shim passes so the traffic shows Engine.IO packets, not raw ws frames. */
export const TRAFFIC_LABEL = Symbol.for('pushlab.ws.trafficLabel');

/** The part of an http server this shim relies on: Node's public API, nothing of the http shim's insides. */
export interface HttpServerLike {
  listening: boolean;
  address(): { port: number; address?: string; family?: string } | string | null;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface ServerOptions {
  port?: number;
  host?: string;
  server?: HttpServerLike;
  noServer?: boolean;
  path?: string;
  maxPayload?: number;
  clientTracking?: boolean;
  verifyClient?: ((info: VerifyInfo) => boolean) | ((info: VerifyInfo, cb: (ok: boolean, code?: number, message?: string) => void) => void);
  handleProtocols?: (protocols: Set<string>, req: IncomingMessageLike) => string | false;
  perMessageDeflate?: unknown;
  [TRAFFIC_LABEL]?: TrafficLabel;
}

export interface VerifyInfo {
  origin: string;
  secure: boolean;
  req: IncomingMessageLike;
}

/** What `req` in 'connection' (ws, req) offers: the upgrade request as Node's http.IncomingMessage shows it. */
export type IncomingMessageLike = EventEmitter & {
  method: 'GET';
  url: string;
  headers: Record<string, string>;
  rawHeaders: string[];
  httpVersion: '1.1';
  httpVersionMajor: 1;
  httpVersionMinor: 1;
  socket: { remoteAddress: string; remotePort: number; remoteFamily: string; localAddress: string; localPort: number; encrypted?: boolean };
  connection: IncomingMessageLike['socket'];
};

const RUNNING = 0;
const CLOSING = 1;
const CLOSED = 2;

/** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)), for the 101 the inspector shows. Absent outside a secure context. */
async function acceptKey(win: Window & typeof globalThis, key: string): Promise<string | undefined> {
  const subtle = win.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = await subtle.digest('SHA-1', new TextEncoder().encode(key + '258EAFA5-E914-47DA-95CA-C5AB0DC11B85'));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

export function createWebSocketServerClass(hub: Hub, sockets: ReturnType<typeof createServerSocketClass>) {
  const { ctx } = hub;

  class WebSocketServer extends EventEmitter {
    readonly options: Omit<ServerOptions, 'path'> & { maxPayload: number; clientTracking: boolean; path: string | null };
    /** The connected sockets (unless clientTracking is false), as in ws. */
    readonly clients: Set<ServerSocket> | undefined;
    #state = RUNNING;
    #port: number | null = null;
    #server: HttpServerLike | null = null;
    #unlisten: (() => void) | null = null;
    #closeWhenEmpty = false;
    #endpoint: Endpoint;
    #explicitMaxPayload: boolean;

    /**
     * @example const wss = new WebSocketServer({ port: 8181 });
     * @example const wss = new WebSocketServer({ server, path: '/socket.io/' });
     */
    constructor(options: ServerOptions = {}, callback?: () => void) {
      super();
      const { port, server, noServer } = options;
      if ((port == null && !server && !noServer) || (port != null && (server || noServer)) || (server && noServer)) {
        throw new TypeError('One and only one of the "port", "server", or "noServer" options must be specified');
      }
      if (noServer) throw unsupported("new WebSocketServer({ noServer: true }) with handleUpgrade()", ctx.lang);
      this.options = {
        ...options,
        maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
        clientTracking: options.clientTracking ?? true,
        path: options.path ?? null,
      };
      this.#explicitMaxPayload = options.maxPayload !== undefined;
      if (this.options.clientTracking) this.clients = new Set();
      const self = this;
      this.#endpoint = {
        path: this.options.path,
        listeningPort: () => self.#listeningPort(),
        accept: (handshake, wire) => self.#accept(handshake, wire),
      };
      hub.add(this.#endpoint);

      if (server) {
        this.#server = server;
        const onListening = () => {
          hub.listening(this.#endpoint);
          this.emit('listening');
        };
        const onError = (error: unknown) => this.#emitError(error);
        // A WebSocket another server's 'upgrade' listener passed on (`server.emit('upgrade', req, socket, head)`, a
        // proxy in server.js): taken here as ws takes an upgrade on its server, if the path is ours.
        const onUpgrade = (req: unknown, socket: unknown) => {
          const handoff = handoffOf(socket);
          if (!handoff || this.#state !== RUNNING || !this.shouldHandle(req as { url: string })) return;
          const settle = handoff.claim();
          if (settle) void this.#accept(handoff.handshake, handoff.wire).then(settle, (error) => {
            settle(false);
            ctx.fatal(error);
          });
        };
        Object.defineProperty(onUpgrade, SHIM_LISTENER, { value: true });
        server.on('listening', onListening);
        server.on('error', onError);
        server.on('upgrade', onUpgrade);
        this.#unlisten = () => {
          server.removeListener('listening', onListening);
          server.removeListener('error', onError);
          server.removeListener('upgrade', onUpgrade);
        };
        if (callback) this.once('listening', callback);
        hub.listening(this.#endpoint);
      } else {
        if (callback) this.once('listening', callback);
        // listen() completes in a later tick in Node: 'listening' (or EADDRINUSE) never fires synchronously.
        hub.scheduler.post(() => this.#listen(Number(port)));
      }
    }

    #listen(port: number): void {
      if (this.#state !== RUNNING) return;
      if (port !== 0 && hub.portTaken(port, this.#endpoint)) {
        const error = Object.assign(new Error(`listen EADDRINUSE: address already in use :::${port}`), {
          code: 'EADDRINUSE',
          errno: -98,
          syscall: 'listen',
          address: '::',
          port,
        });
        hub.remove(this.#endpoint);
        this.#emitError(error);
        return;
      }
      this.#port = port === 0 ? hub.freePort(this.#endpoint) : port;
      hub.listening(this.#endpoint);
      this.emit('listening');
    }

    #listeningPort(): number | null {
      if (this.#state !== RUNNING) return null;
      if (!this.#server) return this.#port;
      if (!this.#server.listening) return null;
      const address = this.#server.address();
      return address && typeof address === 'object' ? address.port : null;
    }

    /** Node crashes on an 'error' nobody listens to; the run ends the same way. */
    #emitError(error: unknown): void {
      if (this.listenerCount('error') > 0) this.emit('error', error);
      else ctx.fatal(error);
    }

    address(): { address: string; family: string; port: number } | string | null {
      if (this.#server) return this.#server.address() as ReturnType<WebSocketServer['address']>;
      return this.#port === null || this.#state !== RUNNING ? null : { address: '::', family: 'IPv6', port: this.#port };
    }

    /** As ws 8: stops accepting; open connections stay open, and 'close' fires once they have all ended. */
    close(cb?: (err?: Error) => void): void {
      if (this.#state === CLOSED) {
        if (cb) this.once('close', () => cb(new Error('The server is not running')));
        hub.scheduler.post(() => this.emit('close'));
        return;
      }
      if (cb) this.once('close', cb);
      if (this.#state === CLOSING) return;
      this.#state = CLOSING;
      hub.remove(this.#endpoint);
      this.#unlisten?.();
      this.#unlisten = null;
      if (this.clients?.size) this.#closeWhenEmpty = true;
      else hub.scheduler.post(() => this.#closed());
    }

    #closed(): void {
      this.#state = CLOSED;
      this.emit('close');
    }

    shouldHandle(req: { url: string }): boolean {
      if (!this.options.path) return true;
      const index = req.url.indexOf('?');
      return (index === -1 ? req.url : req.url.slice(0, index)) === this.options.path;
    }

    handleUpgrade(): never {
      throw unsupported('wss.handleUpgrade()', ctx.lang);
    }

    async #accept(handshake: Handshake, wire: Wire): Promise<boolean> {
      if (this.#state !== RUNNING) return false;
      const req = incomingMessage(handshake, this.#listeningPort() ?? 0);
      const label = this.options[TRAFFIC_LABEL] ?? PLAIN_WS;
      const traffic = new ConnectionTraffic(ctx, wire.id, wire.party, label);
      const { verifyClient, handleProtocols } = this.options;
      if (verifyClient) {
        const info = { origin: handshake.headers.origin ?? '', secure: handshake.url.protocol === 'wss:', req };
        const ok =
          verifyClient.length >= 2
            ? await new Promise<boolean>((resolve) => (verifyClient as (i: VerifyInfo, cb: (ok: boolean) => void) => void)(info, resolve))
            : (verifyClient as (i: VerifyInfo) => boolean)(info);
        if (!ok) {
          traffic.error('verifyClientRefused', { url: req.url ?? '' });
          return false;
        }
      }
      let protocol = '';
      if (handshake.protocols.length) {
        const chosen = handleProtocols ? handleProtocols(new Set(handshake.protocols), req) : handshake.protocols[0]!;
        // Chromium fails a handshake whose answer names no subprotocol when it asked for some.
        if (!chosen) {
          traffic.error('noSubprotocol', { protocols: handshake.protocols.join(', ') });
          return false;
        }
        protocol = chosen;
      }
      const accept = await acceptKey(ctx.win, handshake.headers['sec-websocket-key'] ?? '');
      if (this.#state !== RUNNING) return false;
      const headerLines = ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade'];
      if (accept) headerLines.push(`Sec-WebSocket-Accept: ${accept}`);
      if (protocol) headerLines.push(`Sec-WebSocket-Protocol: ${protocol}`);
      this.emit('headers', headerLines, req);
      const responseHeaders: Record<string, string> = {};
      for (const line of headerLines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) responseHeaders[line.slice(0, colon)] = line.slice(colon + 1).trim();
      }
      const requestText =
        `GET ${req.url} HTTP/1.1\r\n` + Object.entries(handshake.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
      traffic.open(req.url, requestText, responseHeaders);

      const ws = sockets.create({
        wire,
        traffic,
        protocol,
        maxPayload: this.options.maxPayload,
        maxPayloadExplicit: this.#explicitMaxPayload,
        onClosed: () => {
          hub.forget(wire);
          if (!this.clients) return;
          this.clients.delete(ws);
          if (this.#closeWhenEmpty && !this.clients.size) hub.scheduler.post(() => this.#closed());
        },
      });
      this.clients?.add(ws);
      wire.toClient.post(() => wire.client.open(protocol));
      try {
        this.emit('connection', ws, req);
      } catch (error) {
        ctx.fatal(error);
      }
      return true;
    }
  }

  return WebSocketServer;
}

/** The upgrade request as Node's http.IncomingMessage shows it; upgrade.ts hands the same to 'upgrade' listeners. */
export function incomingMessage(handshake: Handshake, localPort: number): IncomingMessageLike {
  const req = new EventEmitter() as IncomingMessageLike;
  const socket = {
    remoteAddress: handshake.remoteAddress,
    remotePort: 40000 + Math.floor(Math.random() * 20000),
    remoteFamily: 'IPv6',
    localAddress: handshake.remoteAddress,
    localPort,
    ...(handshake.url.protocol === 'wss:' ? { encrypted: true } : {}),
  };
  return Object.assign(req, {
    method: 'GET' as const,
    url: handshake.path,
    headers: { ...handshake.headers },
    rawHeaders: Object.entries(handshake.headers).flatMap(([k, v]) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()).replace('Websocket', 'WebSocket'), v]),
    httpVersion: '1.1' as const,
    httpVersionMajor: 1 as const,
    httpVersionMinor: 1 as const,
    socket,
    connection: socket,
  });
}
