import EventEmitter from 'events';
import type { RuntimeContext } from '../../context.js';
import type {
  HttpServerLike,
  IncomingMessageLike,
  RequestListener,
  ServerResponseLike,
  WsLike,
  WsModuleLike,
  WsServerLike,
} from '../node-api.js';
import { malformedPacket } from '../messages.js';
import { ConnTraffic } from '../traffic.js';
import { PollingTransport } from './polling.js';
import { EngineSocket } from './socket.js';
import type { Transport } from './transport.js';
import { WebSocketTransport } from './websocket.js';

export interface EngineOptions {
  path: string;
  pingInterval: number;
  pingTimeout: number;
  upgradeTimeout: number;
  maxHttpBufferSize: number;
  transports: string[];
  allowUpgrades: boolean;
  allowRequest?: (req: IncomingMessageLike, fn: (err: string | null | undefined, success: boolean) => void) => void;
}

/** engine.io's error codes and messages, as a polling client receives them in a 400 body. */
const ERRORS = {
  UNKNOWN_TRANSPORT: [0, 'Transport unknown'],
  UNKNOWN_SID: [1, 'Session ID unknown'],
  BAD_HANDSHAKE_METHOD: [2, 'Bad handshake method'],
  BAD_REQUEST: [3, 'Bad request'],
  FORBIDDEN: [4, 'Forbidden'],
  UNSUPPORTED_PROTOCOL_VERSION: [5, 'Unsupported protocol version'],
} as const;
type EngineError = (typeof ERRORS)[keyof typeof ERRORS];

/** A session id like engine.io's base64id: 15 random bytes, base64url. */
function generateId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

type Req = IncomingMessageLike & { _query?: Record<string, string> };

function queryOf(req: Req): Record<string, string> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  return Object.fromEntries(url.searchParams.entries());
}

/**
 * The Engine.IO v4 server attached to an http server (polling) and a ws server on the same path (websocket), as
 * engine.io's attach() does: requests under the path are its own, all others go to the handlers that were there.
 */
export class EngineServer extends EventEmitter {
  /**
   * Sessions by id, a plain object as engine.io has it (`io.engine.clients[sid]`): learner code reads it this way, a
   * load balancer in server.js to find which server holds a session. No prototype, so `clients['constructor']` is no
   * session.
   */
  readonly clients: Record<string, EngineSocket> = Object.create(null) as Record<string, EngineSocket>;
  private wss: WsServerLike | null = null;

  constructor(
    private readonly ctx: RuntimeContext,
    readonly opts: EngineOptions,
  ) {
    super();
  }

  get clientsCount(): number {
    return Object.keys(this.clients).length;
  }

  attach(server: HttpServerLike, ws: WsModuleLike | undefined): void {
    const path = this.opts.path;
    // engine.io takes over the 'request' event: it removes the listeners already there and calls them itself for
    // every request that is not under its path (engine.io server.ts attach()).
    const previous = server.listeners('request').slice() as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: Req, res: ServerResponseLike) => {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (pathname.startsWith(path)) {
        this.handleRequest(req, res);
      } else {
        for (const listener of previous) listener.call(server, req, res);
      }
    });
    server.on('close', () => this.close());
    const WebSocketServer = ws?.WebSocketServer ?? ws?.Server;
    if (this.opts.transports.includes('websocket') && WebSocketServer) {
      this.wss = new WebSocketServer({ server, path, maxPayload: this.opts.maxHttpBufferSize });
      this.wss.on('connection', (socket: WsLike, req: Req) => this.onWebSocket(socket, req));
    }
  }

  private verify(req: Req, upgrade: boolean, done: (error?: EngineError) => void): void {
    const query = req._query!;
    if (!this.opts.transports.includes(query.transport ?? '')) return done(ERRORS.UNKNOWN_TRANSPORT);
    if (query.EIO !== '4') return done(ERRORS.UNSUPPORTED_PROTOCOL_VERSION);
    if (query.sid) {
      const client = this.clients[query.sid];
      if (!client) return done(ERRORS.UNKNOWN_SID);
      if (!upgrade && client.transport.name !== query.transport) return done(ERRORS.BAD_REQUEST);
      return done();
    }
    if (req.method !== 'GET') return done(ERRORS.BAD_HANDSHAKE_METHOD);
    if (query.transport === 'websocket' && !upgrade) return done(ERRORS.BAD_REQUEST);
    if (!this.opts.allowRequest) return done();
    this.opts.allowRequest(req, (_message, success) => done(success ? undefined : ERRORS.FORBIDDEN));
  }

  private handleRequest(req: Req, res: ServerResponseLike): void {
    req._query = queryOf(req);
    this.verify(req, false, (error) => {
      if (error) {
        const [code, message] = error;
        res.writeHead(code === 4 ? 403 : 400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code, message }));
        return;
      }
      const sid = req._query!.sid;
      if (sid) {
        (this.clients[sid]!.transport as PollingTransport).onRequest(req, res);
      } else {
        const traffic = new ConnTraffic(this.ctx);
        const transport = new PollingTransport(traffic, this.opts.maxHttpBufferSize);
        this.handshake(transport, req, traffic);
        transport.onRequest(req, res);
      }
    });
  }

  private onWebSocket(ws: WsLike, req: Req): void {
    req._query = queryOf(req);
    this.verify(req, true, (error) => {
      // engine.io refuses these before the WebSocket opens (HTTP 400); on an accepted socket, closing is the closest.
      if (error || req._query!.transport !== 'websocket') return ws.close();
      const sid = req._query!.sid;
      if (sid) {
        const client = this.clients[sid]!;
        if (client.upgrading || client.upgraded) return ws.close();
        client.maybeUpgrade(new WebSocketTransport(ws, client.traffic));
      } else {
        const traffic = new ConnTraffic(this.ctx);
        this.handshake(new WebSocketTransport(ws, traffic), req, traffic);
      }
    });
  }

  private handshake(transport: Transport, req: Req, traffic: ConnTraffic): EngineSocket {
    const socket = new EngineSocket(generateId(), this.opts, transport, req, traffic);
    this.clients[socket.id] = socket;
    socket.once('close', (reason: string, description: unknown) => {
      delete this.clients[socket.id];
      if (reason === 'parse error') {
        this.ctx.log('warn', malformedPacket(this.ctx.lang, 'Engine.IO', String(description ?? ''), 'parse error'));
      }
    });
    this.emit('connection', socket);
    return socket;
  }

  close(): void {
    for (const socket of Object.values(this.clients)) socket.close(true);
    this.wss?.close();
    this.wss = null;
  }
}
