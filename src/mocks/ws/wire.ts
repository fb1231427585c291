/**
 * One WebSocket connection, carried by mock-socket, with the corrections that make it behave like a real one.
 *
 * Underneath: the browser side holds a mock-socket `WebSocket` (`inner`), the server side the handle mock-socket's
 * `Server` gave it on 'connection' (`proxy`). Data frames travel through mock-socket's `send` and 'message' both ways,
 * the first close frame (or a dropped connection) through its `close`. On top, each difference from a real connection
 * is corrected here, where it happens:
 * - mock-socket hands a server→client message over synchronously inside `proxy.send()`; a browser delivers it in a
 *   later task. So the server socket's frames are queued first (`toClient`) and each is handed to mock-socket in its
 *   own later task, in order: the browser's event fires there, never inside the server's `send()`.
 * - it stringifies anything but an ArrayBuffer of its own realm; binary goes over as such an ArrayBuffer (`carried`)
 *   and the kind is restored at each end (a text frame is a string, a binary one an ArrayBuffer).
 * - its server-level 'close' says nothing of which socket closed: the client socket's own 'close' event, dispatched
 *   just before it in the same task, tags it (`closing`).
 * - its close code defaults to 1000 (server) or 1005 (client) and its `wasClean` is false for codes other than
 *   1000/1005: "no status" is restored from what was sent, and `wasClean` is decided by the browser-true facade.
 *
 * What mock-socket has no notion of travels on the shim's own ordered queue, kept in order with what mock-socket
 * carries (`Sequencer`): ping and pong (it has no control frames), and the rest of the closing handshake after its one
 * `close` (the answering close frame, then the server ending TCP), since its connection is over at the first close.
 */
import { text, utf8 } from './bytes.js';
import type { MockClient, MockWebSocket } from './mock-socket.js';
import type { Network } from '../network/network.js';
import { Pipe, type PipeConditions, type Scheduler } from './pipe.js';

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

/**
 * A copy of the bytes as an ArrayBuffer of this module's realm, which is mock-socket's: its `normalizeSendData`
 * keeps `data instanceof ArrayBuffer` intact and turns everything else (typed arrays, a Buffer, an ArrayBuffer made in
 * the run frame's realm) into a string such as "1,2,3".
 */
function carried(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer;
}

/** What a frame carried by mock-socket was: a string is a text frame, anything else binary. */
function received(data: unknown): { bytes: Uint8Array; binary: boolean } {
  if (typeof data === 'string') return { bytes: utf8(data), binary: false };
  return { bytes: new Uint8Array(data as ArrayBuffer), binary: true };
}

/**
 * Keeps one direction in order when its items take different paths: mock-socket delivers what it carries later (a task
 * later client→server and for a close, at once server→client; a `setTimeout(4)` before patches/mock-socket+9.3.1.patch),
 * while ping, pong and the end of the closing handshake are the shim's own. An item runs only once everything handed
 * over before it has arrived.
 */
class Sequencer {
  private readonly entries: Array<{ run?: () => void }> = [];

  /** `onError`: a learner's handler threw inside mock-socket's timer; Node would crash there, the run ends. */
  constructor(private readonly onError: (error: unknown) => void) {}

  /** An item handed to mock-socket: `arrive` gives it its action when mock-socket delivers it. */
  expect(): void {
    this.entries.push({});
  }

  /** mock-socket delivered the oldest item it carries (it keeps their order: same delay, first in first out). */
  arrive(run: () => void): void {
    const entry = this.entries.find((e) => !e.run);
    if (!entry) return this.call(run);
    entry.run = run;
    this.flush();
  }

  own(run: () => void): void {
    this.entries.push({ run });
    this.flush();
  }

  private flush(): void {
    while (this.entries[0]?.run) this.call(this.entries.shift()!.run!);
  }

  private call(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.onError(error);
    }
  }
}

/** How mock-socket's one close of this connection came about: what it stands for, and what was sent. */
interface MockClose {
  by: 'client' | 'server';
  kind: 'frame' | 'drop' | 'abandon';
  /** undefined: a close frame without a status code (mock-socket fills in a default). */
  code?: number;
  reason?: Uint8Array;
}

/** Set by a client socket's 'close' and read by mock-socket's server-level 'close' dispatched right after it. */
let closing: { wire: Wire; code: number; reason: string } | null = null;

/** The connection whose close mock-socket's server-level 'close' reports: see `closing`. */
export function takeClosing(): { wire: Wire; code: number; reason: string } | null {
  const tag = closing;
  closing = null;
  return tag;
}

export class Wire {
  /** The browser's outgoing frames, in order; a Blob's bytes are read before anything sent after it goes. */
  readonly toServer: Pipe;
  /** The server socket's outgoing frames, in order (a Blob too). */
  readonly toClient: Pipe;
  private readonly c2s: Sequencer;
  private readonly s2c: Sequencer;
  private serverEnd: ServerEnd | undefined;
  private droppedBeforeServer = false;
  private proxy: MockClient | undefined;
  private mockClose: MockClose | null = null;
  private dead = false;

  /** What the server socket calls to reach the browser: each frame goes through mock-socket or, failing that, in order after it. */
  readonly client: ClientEnd;
  /** What the browser WebSocket calls to reach the server. */
  readonly server: ServerEnd;

  constructor(
    private readonly scheduler: Scheduler,
    /** Connection id in the traffic events, e.g. "ws#3". */
    readonly id: string,
    /** Who the client is in the traffic events. */
    readonly party: string,
    private readonly clientEnd: ClientEnd,
    /** The browser side's mock-socket WebSocket, connecting to the endpoint's mock-socket Server. */
    readonly inner: MockWebSocket,
    /** The run's network conditions (the network panel), if any. */
    network?: Network,
  ) {
    const conditions = (direction: 'c2s' | 's2c'): PipeConditions | undefined => {
      if (!network) return undefined;
      const link = network.link();
      return { delay: (bytes) => link.delay(bytes), drops: () => network.drops(), lost: () => this.lose(), silent: network.silent(direction) };
    };
    this.toServer = new Pipe(scheduler, conditions('c2s'), true);
    this.toClient = new Pipe(scheduler, conditions('s2c'));
    this.c2s = new Sequencer((error) => scheduler.fail(error));
    this.s2c = new Sequencer((error) => scheduler.fail(error));
    inner.addEventListener('message', (event) => this.fromMockToClient((event as MessageEvent).data));
    inner.addEventListener('close', (event) => this.mockClosed(event as CloseEvent));
    this.client = this.clientSide();
    this.server = this.serverSide();
  }

  /** mock-socket's Server accepted the connection: its handle, through which the server side sends and hears. */
  attach(proxy: MockClient): void {
    this.proxy = proxy;
    proxy.on('message', (data) => {
      if (this.dead) return;
      const { bytes, binary } = received(data);
      this.c2s.arrive(() => this.serverEnd?.message(bytes, binary));
    });
  }

  /** The ws-8 server socket for this connection exists: frames from the browser go to it from now on. */
  bindServer(end: ServerEnd): void {
    this.serverEnd = end;
    if (this.droppedBeforeServer) this.scheduler.post(() => end.drop());
  }

  /** The connection is refused or given up before the server had it: mock-socket's is closed, nobody is told. */
  abandon(): void {
    if (this.mockClose) return;
    this.mockClose = { by: 'client', kind: 'abandon' };
    this.inner.close();
  }

  /** mock-socket's server-level 'close' for this connection (tagged by `closing`). */
  serverHeardClose(code: number, reason: string): void {
    const close = this.mockClose;
    if (this.dead || !close || close.by !== 'client' || close.kind === 'abandon') return;
    if (close.kind === 'drop') {
      return this.c2s.arrive(() => {
        if (this.serverEnd) this.serverEnd.drop();
        else this.droppedBeforeServer = true;
      });
    }
    // mock-socket reports a close without status as 1005: the frame had none, which ws reports the same way.
    const status = close.code === undefined ? undefined : code;
    this.c2s.arrive(() => this.serverEnd?.closeFrame(status, close.reason ?? utf8(reason)));
  }

  /**
   * The connection died under both ends (the network panel killed it, or lost a frame): what was in flight is lost,
   * and each end sees the TCP connection drop without a closing handshake: the browser close 1006 with wasClean false
   * (and no 'error', as Chromium does when a server vanishes), the ws server socket 'close' 1006.
   */
  lose(): void {
    if (this.dead) return;
    this.toServer.cut();
    this.toClient.cut();
    this.client.drop();
    this.server.drop();
  }

  /** The run stopped: drop what is in flight, and whatever mock-socket still delivers. */
  cut(): void {
    this.dead = true;
    this.toServer.cut();
    this.toClient.cut();
  }

  private fromMockToClient(data: unknown): void {
    if (this.dead) return;
    const { bytes, binary } = received(data);
    // mock-socket dispatches this inside proxy.send(), which runs in a toClient task of its own: a later task.
    this.s2c.arrive(() => this.clientEnd.message(bytes, binary));
  }

  private mockClosed(event: CloseEvent): void {
    if (this.dead) return;
    // Correction: the server-level 'close' that follows in this same task does not say which socket closed.
    closing = { wire: this, code: event.code, reason: event.reason };
    queueMicrotask(() => {
      if (closing?.wire === this) closing = null;
    });
    const close = this.mockClose;
    if (!close || close.by !== 'server') return;
    if (close.kind === 'drop') {
      this.s2c.arrive(() => this.clientEnd.drop());
      return;
    }
    // mock-socket's event has 1000 for a frame without status and wasClean false for 4001: the facade decides.
    const status = close.code === undefined ? undefined : event.code;
    this.s2c.arrive(() => this.clientEnd.closeFrame(status, event.reason));
  }

  /** mock-socket still carries this connection's frames (neither side has closed it there). */
  private get mockOpen(): boolean {
    return !this.mockClose && !this.dead;
  }

  private clientSide(): ClientEnd {
    const ordered = (run: () => void) => this.s2c.own(run);
    return {
      open: (protocol) => ordered(() => this.clientEnd.open(protocol)),
      message: (bytes, binary) => {
        if (!this.proxy || this.dead) return;
        this.s2c.expect();
        this.proxy.send(binary ? carried(bytes) : text(bytes));
      },
      closeFrame: (code, reason) => {
        if (this.mockOpen && this.proxy) {
          this.mockClose = { by: 'server', kind: 'frame', code };
          this.s2c.expect();
          // Without a code mock-socket uses 1000; `mockClosed` restores "no status".
          this.proxy.close(code === undefined ? undefined : { code, reason, wasClean: true });
        } else ordered(() => this.clientEnd.closeFrame(code, reason));
      },
      // mock-socket has no control frames: a ping is the shim's own, in order.
      ping: (bytes) => ordered(() => this.clientEnd.ping(bytes)),
      // mock-socket's connection ended at the first close; TCP's end after the handshake is the shim's own.
      end: () => ordered(() => this.clientEnd.end()),
      drop: () => {
        if (this.mockOpen && this.proxy) {
          this.mockClose = { by: 'server', kind: 'drop' };
          this.s2c.expect();
          this.proxy.close({ code: 1006, reason: '', wasClean: false });
        } else ordered(() => this.clientEnd.drop());
      },
    };
  }

  private serverSide(): ServerEnd {
    return {
      message: (bytes, binary) => {
        if (this.dead) return;
        this.c2s.expect();
        this.inner.send(binary ? carried(bytes) : text(bytes));
      },
      closeFrame: (code, reason) => {
        if (this.mockOpen) {
          this.mockClose = { by: 'client', kind: 'frame', code, reason };
          this.c2s.expect();
          this.inner.close(code, text(reason));
        } else this.c2s.own(() => this.serverEnd?.closeFrame(code, reason));
      },
      pong: (bytes) => this.c2s.own(() => this.serverEnd?.pong(bytes)),
      drop: () => {
        if (this.mockOpen) {
          this.mockClose = { by: 'client', kind: 'drop' };
          this.c2s.expect();
          this.inner.close();
        } else
          this.c2s.own(() => {
            if (this.serverEnd) this.serverEnd.drop();
            else this.droppedBeforeServer = true;
          });
      },
    };
  }
}
