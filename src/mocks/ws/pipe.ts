/**
 * Ordered, asynchronous hand-over for one direction of a WebSocket connection, in front of mock-socket (wire.ts).
 *
 * mock-socket carries the frames, but it delivers server→client messages synchronously inside `send()` (a browser
 * never does: a message arrives in a later task), and a Blob must be read before it can go while what was sent after
 * it waits. So each side's frames are queued here first and handed to mock-socket one per macrotask, in order; its own
 * timing (one more task client→server, first in first out: see patches/mock-socket+9.3.1.patch) then keeps that
 * order, and wire.ts's Sequencer keeps it across the few frames mock-socket cannot carry.
 *
 * A MessageChannel gives the task: `setTimeout(0)` is clamped to 4 ms once timers nest five deep (HTML timers §8.6),
 * which an echo ping-pong reaches at once.
 */
import { clockNow } from '../../shared/clock.js';

/** Runs callbacks in later tasks, first in first out. One per run, bound to the run frame's realm. */
export class Scheduler {
  private readonly channel: MessageChannel;
  private readonly queue: Array<() => void> = [];
  private dead = false;

  constructor(win: Window & typeof globalThis, private readonly onError: (error: unknown) => void) {
    this.channel = new win.MessageChannel();
    this.channel.port1.onmessage = () => {
      const next = this.queue.shift();
      if (!next || this.dead) return;
      try {
        next();
      } catch (error) {
        // A learner's handler threw: Node would crash there. Report it and keep the other connections going.
        this.onError(error);
      }
    };
  }

  /** Reports an error thrown by a handler that ran outside this scheduler (in mock-socket's timer). */
  fail(error: unknown): void {
    if (!this.dead) this.onError(error);
  }

  post(task: () => void): void {
    if (this.dead) return;
    this.queue.push(task);
    this.channel.port2.postMessage(null);
  }

  stop(): void {
    this.dead = true;
    this.queue.length = 0;
    this.channel.port1.onmessage = null;
    this.channel.port1.close();
  }
}

interface Item {
  run: () => void;
  /** The payload is not ready yet (a Blob being read): hold this and every later item until it settles. */
  ready?: Promise<unknown>;
  /** When it arrives under the network panel's conditions (performance.now()); absent: at once. */
  due?: number;
  /** A data frame, which the network panel's drop rate may lose. */
  data: boolean;
}

/** The network panel's say over one direction of a connection (see src/mocks/network). */
export interface PipeConditions {
  /** Milliseconds until `bytes` sent now arrive. */
  delay(bytes: number): number;
  /** This frame is lost: TCP loses no single frame, so the connection dies with it (`lost`). */
  drops(): boolean;
  lost(): void;
  /** The network panel left this direction half-open: whatever is sent from now on vanishes, a close included. */
  silent?(): boolean;
}

/** At most this many frames in one task when a pipe hands frames over together. */
const BURST = 256;

export class Pipe {
  private readonly items: Item[] = [];
  private busy = false;
  private dead = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly conditions?: PipeConditions,
    /**
     * Hand over, in one task, every frame already due behind the first (toward the server). A Node server reads what
     * has arrived in one go and emits a 'message' per frame in the same tick, so its task boundaries allow it, and a
     * flood then costs one task per burst instead of one per frame. Toward a browser, never: Chromium fires each
     * message in a task of its own.
     */
    private readonly together = false,
  ) {}

  /** `size`: the bytes of a data frame (absent for control and close frames, which the drop rate spares). */
  post(run: () => void, ready?: Promise<unknown>, size?: number): void {
    if (this.dead) return;
    // The trip starts when the frame is sent, not when the frames before it have arrived: a burst travels together.
    const wait = this.conditions?.delay(size ?? 0) ?? 0;
    this.items.push({ run, ready, due: wait > 0 ? clockNow() + wait : undefined, data: size !== undefined });
    if (!this.busy) this.pump();
  }

  /** The connection is gone (the run stopped): drop what is in flight. */
  cut(): void {
    this.dead = true;
    this.items.length = 0;
  }

  private deliver(item: Item): void {
    if (this.dead || this.conditions?.silent?.()) return;
    if (item.data && this.conditions?.drops()) this.conditions.lost();
    else item.run();
  }

  /** Can go now: nothing to wait for (a Blob being read, the network panel's delay). */
  private ready(item: Item | undefined): item is Item {
    return !!item && !item.ready && (item.due === undefined || item.due <= clockNow());
  }

  private pump(): void {
    const head = this.items[0];
    if (!head || this.dead) {
      this.busy = false;
      return;
    }
    this.busy = true;
    const hand = () =>
      this.scheduler.post(() => {
        this.items.shift();
        try {
          this.deliver(head);
          // Bounded, so a flood still lets the page paint and the loop guard's message through.
          for (let n = 1; this.together && n < BURST && this.ready(this.items[0]); n++) this.deliver(this.items.shift()!);
        } finally {
          this.pump();
        }
      });
    const go = () => {
      const wait = head.due === undefined ? 0 : head.due - clockNow();
      if (wait > 0) setTimeout(hand, wait);
      else hand();
    };
    if (head.ready) head.ready.then(go, go);
    else go();
  }
}
