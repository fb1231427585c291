/**
 * The parts of Node's `http` and ws 8's APIs that the socket.io server stands on, as structural types. The server is
 * written against these only, so it runs on the in-browser http/ws shims and, unchanged, on real Node `http` + `ws`
 * (the unit tests do exactly that).
 */
import type EventEmitter from 'events';

export type Headers = Record<string, string | string[] | undefined>;

export interface IncomingMessageLike extends EventEmitter {
  method?: string;
  /** Path and query ('/socket.io/?EIO=4…'); an absolute URL is accepted too. */
  url?: string;
  headers: Headers;
  socket?: { remoteAddress?: string } | null;
  setEncoding?(encoding: 'utf8'): unknown;
}

export interface ServerResponseLike {
  writeHead(status: number, headers?: Record<string, string | number>): unknown;
  end(data?: string | Uint8Array): unknown;
}

export type RequestListener = (req: IncomingMessageLike, res: ServerResponseLike) => void;

export interface HttpServerLike extends EventEmitter {
  listen(...args: unknown[]): unknown;
  close(callback?: (err?: Error) => void): unknown;
}

export interface HttpModuleLike {
  createServer(listener?: RequestListener): HttpServerLike;
}

/** A ws 8 WebSocket on the server side. */
export interface WsLike extends EventEmitter {
  readyState: number;
  send(data: string | Uint8Array | ArrayBuffer, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate?(): void;
}

export interface WsServerLike extends EventEmitter {
  close(cb?: (err?: Error) => void): void;
}

export interface WsModuleLike {
  WebSocketServer?: new (options: { server: HttpServerLike; path: string; maxPayload?: number }) => WsServerLike;
  Server?: new (options: { server: HttpServerLike; path: string; maxPayload?: number }) => WsServerLike;
}
