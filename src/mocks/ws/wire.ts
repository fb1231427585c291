/**
 * One in-memory WebSocket connection: what each end can receive, and the two ordered pipes between them. The frames
 * are RFC 6455's (data, close, ping, pong) plus the two ways a TCP connection ends: `end` after a close handshake and
 * `drop` without one (the peer vanished: close code 1006 on the other side).
 */
import { Pipe, type Scheduler } from './pipe.js';

/** What the browser WebSocket receives from the server. */
export interface ClientEnd {
  open(protocol: string): void;
  message(bytes: Uint8Array, binary: boolean): void;
  /** A close frame; `code` undefined when the frame carried no status (reported as 1005). */
  closeFrame(code: number | undefined, reason: string): void;
  ping(bytes: Uint8Array): void;
  /** The server closed the TCP connection after the close handshake. */
  end(): void;
  /** The TCP connection died without a close handshake. */
  drop(): void;
}

/** What the server socket receives from the browser. */
export interface ServerEnd {
  message(bytes: Uint8Array, binary: boolean): void;
  closeFrame(code: number | undefined, reason: Uint8Array): void;
  pong(bytes: Uint8Array): void;
  drop(): void;
}

export class Wire {
  readonly toServer: Pipe;
  readonly toClient: Pipe;
  client!: ClientEnd;
  server!: ServerEnd;

  constructor(
    scheduler: Scheduler,
    /** Connection id in the traffic events, e.g. "ws#3". */
    readonly id: string,
    /** Who the client is in the traffic events. */
    readonly party: string,
  ) {
    this.toServer = new Pipe(scheduler);
    this.toClient = new Pipe(scheduler);
  }

  cut(): void {
    this.toServer.cut();
    this.toClient.cut();
  }
}
