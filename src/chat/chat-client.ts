/**
 * The chat page's connection, without any DOM: the page (chat-app.ts) renders what this holds, and the Node tests
 * drive the same class, so what they count is what a person would see.
 *
 * Exactly once, from this side: each message gets an id here and is re-sent with that id until the server acknowledges
 * it (the server stores one per id); what is shown is keyed by the server's offset, so a message that arrives twice
 * (broadcast and replay after a reconnection) is shown once; and the highest offset seen goes in `auth.serverOffset` at
 * each reconnection, so the server can replay what was missed (see src/shared/chat-protocol.ts).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  charCount,
  ERRORS,
  MAX_TEXT,
  SOCKET_PATH,
  TYPING_REPEAT_MS,
  TYPING_TIMEOUT_MS,
  type ChatMessage,
  type ClientToServer,
  type JoinResult,
  type Notice,
  type SendResult,
  type ServerToClient,
} from '../shared/chat-protocol.js';
import type { Localized } from '../shared/localized.js';

export type TimelineEntry = { type: 'message'; message: ChatMessage } | { type: 'notice'; notice: Notice } | { type: 'gap' };

export interface PendingMessage {
  id: string;
  text: string;
  to?: string;
  /** 'sending' until acknowledged; 'stored' once acknowledged but not yet received back; 'failed' if refused. */
  state: 'sending' | 'stored' | 'failed';
  error?: Localized;
}

/** How long to wait for an acknowledgement before sending again (the server keeps one copy whatever happens). */
const ACK_TIMEOUT_MS = 5000;

function randomId(bytes = 16): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  // base64url without padding: what protocol.ts accepts as an id.
  return btoa(String.fromCharCode(...data)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function newClientId(): string {
  return randomId(18);
}

export class ChatClient {
  readonly socket: Socket<ServerToClient, ClientToServer>;
  room: string | undefined;
  nick: string | undefined;
  timeline: TimelineEntry[] = [];
  pending: PendingMessage[] = [];
  online: string[] = [];
  /** Whoever is typing in the room now, by nickname. */
  typing: string[] = [];
  /** Shown above the input until the next successful send: the rate limit, or a refused message. */
  notice: Localized | undefined;
  /** A reconnection the server could not resume and could not re-enter (e.g. the nickname was taken meanwhile). */
  lostRoom: Localized | undefined;
  /** Why the server refused the connection (too many from this address, or too often), until it accepts one. */
  refused: Localized | undefined;
  private readonly seen = new Set<number>();
  private serverOffset: number | undefined;
  private readonly listeners = new Set<() => void>();
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private lastTypingSent = 0;
  private closed = false;

  constructor(
    url: string | undefined,
    readonly clientId: string,
    options: Partial<ManagerOptions & SocketOptions> = {},
  ) {
    const opts: Partial<ManagerOptions & SocketOptions> = {
      path: SOCKET_PATH,
      // Read at every (re)connection: where we are and the last offset we have, for the server to replay from.
      auth: (cb) => cb({ clientId: this.clientId, room: this.room, nick: this.nick, serverOffset: this.serverOffset }),
      ...options,
    };
    this.socket = url === undefined ? io(opts) : io(url, opts);
    this.socket.on('message', (m) => this.receive(m));
    this.socket.on('notice', (n) => {
      // Our own "left" can reach us: socket.io replays it to a resumed session after a drop.
      if (n.room !== this.room || n.nick === this.nick) return;
      this.timeline.push({ type: 'notice', notice: n });
      if (n.kind === 'left') this.stopTyping(n.nick);
      this.changed();
    });
    this.socket.on('online', ({ room, nicks }) => {
      if (room !== this.room) return;
      this.online = nicks;
      this.changed();
    });
    this.socket.on('typing', ({ room, nick, typing }) => {
      if (room !== this.room) return;
      if (typing) this.startTyping(nick);
      else this.stopTyping(nick);
    });
    this.socket.on('rejoined', (result) => {
      if (result.ok) this.entered(result, false);
      else {
        this.lostRoom = result.message;
        this.room = undefined;
        this.nick = undefined;
      }
      this.changed();
    });
    this.socket.on('connect', () => {
      this.refused = undefined;
      this.changed();
    });
    // A refusal by the server's limits (server/chat/limits.ts) carries its reason and, when waiting helps, how long to
    // wait. socket.io does not retry a refused connection by itself, so the page does, once the wait is over.
    this.socket.on('connect_error', (err: Error & { data?: { message?: Localized; retryAfterMs?: number } }) => {
      if (!err.data?.message) return;
      this.refused = err.data.message;
      this.changed();
      const wait = err.data.retryAfterMs;
      if (wait !== undefined) setTimeout(() => !this.closed && !this.socket.connected && this.socket.connect(), wait);
    });
    this.socket.on('disconnect', () => this.changed());
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** The messages shown, in order: what a person reads. */
  get messages(): ChatMessage[] {
    return this.timeline.flatMap((e) => (e.type === 'message' ? [e.message] : []));
  }

  /** Calls `listener` after every change; returns a function that stops it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async join(room: string, nick: string): Promise<JoinResult> {
    const result = await this.socket.timeout(ACK_TIMEOUT_MS * 2).emitWithAck('join', { room, nick });
    if (result.ok) {
      const switching = result.room !== this.room;
      if (switching) {
        this.timeline = [];
        this.seen.clear();
        this.serverOffset = undefined;
        this.pending = this.pending.filter((p) => p.state !== 'failed');
        this.typing = [];
      }
      this.lostRoom = undefined;
      this.entered(result, true);
    }
    this.changed();
    return result;
  }

  /**
   * Sends a message (privately if `to` is a nickname). Resolves when the server has stored it, or with the reason it
   * refused; a lost connection or a slow answer only delays it. The id may be given to re-send a message a test or a
   * page already sent (the server keeps one).
   */
  send(text: string, to?: string, id = randomId()): Promise<SendResult> {
    const pending: PendingMessage = { id, text, state: 'sending' };
    if (to !== undefined) pending.to = to;
    this.pending.push(pending);
    // Refused here by the server's own rule rather than sent: a packet far over the limit makes the server drop the
    // connection unread (maxHttpBufferSize), and retrying it after each reconnection would never end.
    if (charCount(text) > MAX_TEXT) {
      const refusal: SendResult = { ok: false, error: 'text-too-long', message: ERRORS['text-too-long'] };
      pending.state = 'failed';
      pending.error = refusal.message;
      this.notice = refusal.message;
      this.changed();
      return Promise.resolve(refusal);
    }
    this.changed();
    return new Promise((resolve) => {
      const attempt = () => {
        if (this.closed) return;
        const request = to === undefined ? { id, text } : { id, text, to };
        this.socket.timeout(ACK_TIMEOUT_MS).emit('message', request, (err: Error | null, result?: SendResult) => {
          if (err || !result) {
            // No answer in time (offline, or the server restarted): the same id again; the server keeps one copy.
            attempt();
            return;
          }
          if (result.ok) {
            this.notice = undefined;
            if (this.seen.has(result.offset)) this.pending = this.pending.filter((p) => p !== pending);
            else pending.state = 'stored';
            this.changed();
            resolve(result);
            return;
          }
          if (result.error === 'rate-limited' || result.error === 'server-error') {
            this.notice = result.message;
            this.changed();
            setTimeout(attempt, result.retryAfterMs ?? 1000);
            return;
          }
          pending.state = 'failed';
          pending.error = result.message;
          this.notice = result.message;
          this.changed();
          resolve(result);
        });
      };
      attempt();
    });
  }

  /** Call on each keystroke in the input: tells the others at most every TYPING_REPEAT_MS; `false` when done. */
  setTyping(typing: boolean): void {
    if (!this.room) return;
    const now = Date.now();
    if (typing && now - this.lastTypingSent < TYPING_REPEAT_MS) return;
    this.lastTypingSent = typing ? now : 0;
    // Not volatile: a volatile emit is dropped whenever the transport is busy, and `false` must not be lost.
    this.socket.emit('typing', typing);
  }

  close(): void {
    this.closed = true;
    for (const t of this.typingTimers.values()) clearTimeout(t);
    this.socket.disconnect();
  }

  private entered(result: Extract<JoinResult, { ok: true }>, fresh: boolean): void {
    this.room = result.room;
    this.nick = result.nick;
    this.online = result.online;
    if (!fresh && result.truncated) this.timeline.push({ type: 'gap' });
    for (const m of result.messages) this.receive(m, false);
  }

  private receive(message: ChatMessage, notify = true): void {
    if (message.room !== this.room || this.seen.has(message.offset)) return;
    this.seen.add(message.offset);
    this.serverOffset = Math.max(this.serverOffset ?? 0, message.offset);
    this.timeline.push({ type: 'message', message });
    if (message.from === this.nick) this.pending = this.pending.filter((p) => p.id !== message.id);
    this.stopTyping(message.from, false);
    if (notify) this.changed();
  }

  private startTyping(nick: string): void {
    clearTimeout(this.typingTimers.get(nick));
    // A client that vanishes mid-word never sends `false`: the indicator times out by itself.
    this.typingTimers.set(nick, setTimeout(() => this.stopTyping(nick), TYPING_TIMEOUT_MS));
    if (!this.typing.includes(nick)) this.typing = [...this.typing, nick];
    this.changed();
  }

  private stopTyping(nick: string, notify = true): void {
    clearTimeout(this.typingTimers.get(nick));
    this.typingTimers.delete(nick);
    if (!this.typing.includes(nick)) return;
    this.typing = this.typing.filter((n) => n !== nick);
    if (notify) this.changed();
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
