/**
 * Node's 'upgrade' event in the run: a WebSocket that reaches an http server with 'upgrade' listeners of the learner's
 * own (a proxy, a load balancer written in server.js) and no ws server of its own on that path. Node hands such a
 * listener `(req, socket, head)`; the listener may pass them to another http server with
 * `other.emit('upgrade', req, socket, head)`, and whichever ws server attached to that one takes the connection.
 *
 * There is no TCP socket under a run's WebSocket (mock-socket carries the frames), so `socket` here is a handle on the
 * connection attempt: a ws server of this shim that receives it claims it and runs its side of the handshake; a
 * listener that ends or destroys it refuses the connection, which the browser sees as a failed handshake (error,
 * then close 1006), as it would see a socket closed before the 101.
 */
import { Buffer } from 'buffer';
import EventEmitter from 'events';
import type { Endpoint, Handshake } from './hub.js';
import { incomingMessage } from './server.js';
import type { Wire } from './wire.js';

/** The part of an http server the hand-over needs: Node's public API. */
export interface UpgradeServerLike {
  listening: boolean;
  address(): { port: number } | string | null;
  emit(event: string, ...args: unknown[]): boolean;
  listeners(event: string): Function[];
}

/** Marks the 'upgrade' listeners that the ws shim itself puts on an http server, so they are not taken for a proxy's. */
export const SHIM_LISTENER = Symbol.for('pushlab.ws.upgradeListener');

const HANDOFF = Symbol.for('pushlab.ws.handoff');

export interface Handoff {
  readonly handshake: Handshake;
  readonly wire: Wire;
  /** Taken by a ws server: it now runs the handshake and reports whether it accepted. */
  claim(): ((accepted: boolean) => void) | undefined;
}

/** The handle given to 'upgrade' listeners as `socket`. */
export class UpgradeSocket extends EventEmitter {
  readonly remoteAddress: string;
  readonly remotePort = 40000 + Math.floor(Math.random() * 20000);
  readonly remoteFamily = 'IPv6';
  destroyed = false;
  readonly [HANDOFF]: Handoff;

  constructor(handshake: Handshake, wire: Wire, settle: (accepted: boolean) => void) {
    super();
    this.remoteAddress = handshake.remoteAddress;
    let settled = false;
    const once = (accepted: boolean) => {
      if (settled) return;
      settled = true;
      settle(accepted);
    };
    this[HANDOFF] = {
      handshake,
      wire,
      claim: () => {
        if (settled || this.destroyed) return undefined;
        settled = true;
        return settle;
      },
    };
    this.#refuse = () => once(false);
  }

  readonly #refuse: () => void;

  /** A refusal written by hand (`socket.write('HTTP/1.1 401 …')`) refuses the connection as the browser would see it. */
  write(_data?: unknown, cb?: () => void): boolean {
    this.#refuse();
    if (cb) queueMicrotask(cb);
    return true;
  }

  end(_data?: unknown): this {
    this.#refuse();
    return this;
  }

  destroy(_error?: Error): this {
    this.destroyed = true;
    this.#refuse();
    return this;
  }

  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
}

/** The hand-over a ws server finds on the `socket` of an 'upgrade' event, if it came from this shim. */
export function handoffOf(socket: unknown): Handoff | undefined {
  return socket && typeof socket === 'object' ? (socket as { [HANDOFF]?: Handoff })[HANDOFF] : undefined;
}

/** Does `server` have 'upgrade' listeners of the learner's own? */
export function hasOwnUpgradeListeners(server: UpgradeServerLike): boolean {
  return server.listeners('upgrade').some((l) => !(l as { [SHIM_LISTENER]?: boolean })[SHIM_LISTENER]);
}

/**
 * The endpoint the hub routes such a WebSocket to: the http server's port, any path. Accepting emits 'upgrade' on the
 * server and waits until a ws server claims the connection or a listener refuses it.
 */
export function upgradeEndpoint(server: UpgradeServerLike, fatal: (error: unknown) => void): Endpoint {
  const port = () => {
    if (!server.listening) return null;
    const address = server.address();
    return address && typeof address === 'object' ? address.port : null;
  };
  return {
    path: null,
    listeningPort: port,
    accept: (handshake, wire) =>
      new Promise<boolean>((resolve) => {
        const socket = new UpgradeSocket(handshake, wire, resolve);
        try {
          server.emit('upgrade', incomingMessage(handshake, port() ?? 0), socket, Buffer.alloc(0));
        } catch (error) {
          socket.destroy();
          fatal(error);
        }
      }),
  };
}
