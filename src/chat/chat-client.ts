/**
 * The chat page's connection, without any DOM: the page (chat-app.ts) renders what this holds, and the Node tests
 * drive the same class, so what they count is what a person would see.
 *
 * Exactly once, from this side: each message gets an id here and is re-sent with that id until the server acknowledges
 * it (the server stores one per id); what is shown is keyed by the server's offset, so a message that arrives twice
 * (broadcast and replay after a reconnection) is shown once, and in offset order, so every client shows one order; and
 * the highest offset seen while in step with the server goes in `auth.serverOffset` at each reconnection, so the
 * server can replay what was missed (see src/shared/chat-protocol.ts).
 *
 * The online list is kept from changes with versions: the full list comes with a join (and each rejoin), then
 * changes one version at a time; a change further ahead waits briefly for the ones before it, then the page asks for
 * the whole list again.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  charCount,
  ERRORS,
  MAX_TEXT,
  PRESENCE_GAP_WAIT_MS,
  presenceChanges,
  SOCKET_PATH,
  TYPING_REPEAT_MS,
  TYPING_TIMEOUT_MS,
  type ChatMessage,
  type ClientToServer,
  type JoinResult,
  type Notice,
  type PresenceChange,
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

const byName = new Intl.Collator('en');

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
  /** The room's presence version this list is at (see PresenceChange). */
  version = 0;
  /** How many people are in the room: `online.length`, except in a crowd, where `online` holds only some of them. */
  count = 0;
  /** More people than ONLINE_NAMES_MAX: `online` is some of them, and only `count` follows the changes. */
  crowd = false;
  private members = new Set<string>();
  /** Changes that came ahead of one still missing, by version. */
  private readonly held = new Map<number, PresenceChange>();
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly seen = new Set<number>();
  /** Where the server is asked to replay from: the highest offset seen while in step with it (see receive()). */
  private serverOffset: number | undefined;
  private maxSeen: number | undefined;
  /**
   * False from a disconnection until this connection's rejoin (or a join) is answered: live messages that arrive in
   * between may be ahead of the replay still to come, so they do not move `serverOffset`, or a drop in that instant
   * would skip what the replay was bringing.
   */
  private inStep = false;
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
    this.socket.on('presence', (batch) => {
      if (batch.room !== this.room) return;
      if (batch.crowd) {
        // A crowd: only how many. The names shown stay the ones the join brought.
        if (batch.version > this.version) {
          this.version = batch.version;
          this.count = batch.count;
          this.crowd = true;
          this.held.clear();
          this.changed();
        }
        return;
      }
      for (const c of presenceChanges(batch)) if (c.version > this.version) this.held.set(c.version, c);
      // Names again after a crowd: the list kept meanwhile is not whole, so it is asked for again.
      if (this.crowd && this.held.size > 0) {
        this.resync();
        return;
      }
      this.applyHeld();
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
    this.socket.on('disconnect', () => {
      this.inStep = false;
      this.changed();
    });
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
        this.maxSeen = undefined;
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
    clearTimeout(this.gapTimer);
    this.socket.disconnect();
  }

  private entered(result: Extract<JoinResult, { ok: true }>, fresh: boolean): void {
    this.room = result.room;
    this.nick = result.nick;
    this.setList(result.online, result.version, result.count);
    if (!fresh && result.truncated) this.timeline.push({ type: 'gap' });
    for (const m of result.messages) this.receive(m, false);
    // In step now: everything up to the highest offset seen has been seen (the replay covered what came before).
    this.inStep = true;
    if (this.maxSeen !== undefined) this.serverOffset = Math.max(this.serverOffset ?? 0, this.maxSeen);
  }

  /** The whole list at a version: changes held for later versions still apply on top. */
  private setList(nicks: string[], version: number, count: number): void {
    this.members = new Set(nicks);
    this.version = version;
    this.count = count;
    this.crowd = count > nicks.length;
    for (const v of this.held.keys()) if (v <= version) this.held.delete(v);
    this.applyHeld(true);
  }

  private applyHeld(listChanged = false): void {
    for (let c = this.held.get(this.version + 1); c; c = this.held.get(this.version + 1)) {
      this.held.delete(c.version);
      this.version = c.version;
      listChanged = true;
      if (c.kind === 'joined') this.members.add(c.nick);
      else this.members.delete(c.nick);
      // One's own coming and going is not news to oneself (a tab of the same person, or a connection coming back).
      if (c.nick === this.nick) continue;
      this.timeline.push({ type: 'notice', notice: { kind: c.kind, room: this.room!, nick: c.nick, time: c.time } });
      if (c.kind === 'left') this.stopTyping(c.nick, false);
    }
    // One collation for every page, whatever its language, so that everyone sees the list in the same order.
    if (listChanged) {
      this.online = [...this.members].sort(byName.compare);
      if (!this.crowd) this.count = this.online.length;
    }
    clearTimeout(this.gapTimer);
    this.gapTimer = this.held.size > 0 ? setTimeout(() => this.resync(), PRESENCE_GAP_WAIT_MS) : undefined;
    this.changed();
  }

  /** A change is still missing after a wait: the whole list again, from the server. */
  private resync(): void {
    this.gapTimer = undefined;
    const room = this.room;
    if (!room || this.closed) return;
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('online')
      .then(
        (list) => {
          if ('nicks' in list && list.room === this.room) this.setList(list.nicks, list.version, list.count);
          else if (this.held.size > 0) this.gapTimer = setTimeout(() => this.resync(), PRESENCE_GAP_WAIT_MS * 4);
        },
        () => {
          // No answer (offline): the rejoin after the reconnection brings the whole list anyway.
        },
      );
  }

  private receive(message: ChatMessage, notify = true): void {
    if (message.room !== this.room || this.seen.has(message.offset)) return;
    this.seen.add(message.offset);
    this.maxSeen = Math.max(this.maxSeen ?? 0, message.offset);
    if (this.inStep) this.serverOffset = this.maxSeen;
    // In offset order: a live message can arrive just before the replay of older ones after a reconnection.
    let at = this.timeline.length;
    for (let i = this.timeline.length - 1; i >= 0; i--) {
      const e = this.timeline[i]!;
      if (e.type !== 'message') continue;
      if (e.message.offset < message.offset) break;
      at = i;
    }
    this.timeline.splice(at, 0, { type: 'message', message });
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
