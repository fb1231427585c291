/**
 * Stops learner code that never yields. The run frame is same-origin with the page, so Chromium runs both on one
 * thread: a `while (true) {}` in the frame would freeze the page's buttons too. Compiled code calls the guard at the
 * top of every loop and function body (src/compile); the guard measures how long the current stretch of code has run
 * without giving the event loop a turn, and throws once it passes the limit.
 *
 * A "stretch" ends when the code returns to the event loop. The guard posts itself a MessageChannel message (a probe),
 * which can only be delivered after that: while a probe is in flight, the code has not let the event loop reach it,
 * so the time since it was posted counts as one stretch. A microtask-only loop (`for (;;) await null`) never lets a
 * probe through, so it is caught too; a loop that awaits fetches or timers is not. Tasks already queued before the
 * probe run first, so a backlog of them counts as part of the stretch: a flood of handlers queued for longer than the
 * limit would be stopped too (the guard did that before it was changed to probe less, and does so now).
 *
 * One probe at a time, posted at most every PROBE_MS: a loop is caught within the limit plus PROBE_MS, plus about 16
 * of its passes (see `stride`).
 * @note Measured: an empty MessageChannel task costs 12-13 µs in Chromium on these machines (`npm run
 * bench:page-costs`), and a probe for every task that ran learner code (each message handler, each timer) was one
 * more such task per message of a flood. bench:mocks-ab against the guard before: README.
 */
import { clockNow } from '../shared/clock.js';

export class EndlessLoopError extends Error {
  override name = 'EndlessLoopError';
}

export interface LoopGuard {
  /** The function compiled code calls, bound to one file. */
  forFile(file: string): (line: number) => void;
  readonly tripped: boolean;
}

/** Probes are far apart enough to cost nothing in a flood, close enough to add little to the limit. */
export const PROBE_MS = 50;

export function createLoopGuard(
  limitMs: number,
  onTrip: (file: string, line: number, elapsedMs: number) => void,
): LoopGuard {
  let inFlight = false;
  let postedAt = -Infinity;
  let count = 0;
  /**
   * The time is read on every `stride`th call: every 16th while a probe is out (a read of the clock costs about
   * 0.1 µs, `npm run bench:page-costs`; a tight loop's pass a few nanoseconds), and from the next call on once a
   * probe is back, doubling while it is too early for the next: a loop whose every pass is slow gets its probe within
   * a few passes, a tight one reads the clock a handful of times more.
   */
  let stride = 1;
  let tripped = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    inFlight = false;
    count = 0;
    stride = 1;
  };

  const check = (file: string, line: number) => {
    if (tripped) throw new EndlessLoopError('stopped');
    if (++count < stride) return;
    count = 0;
    const now = clockNow();
    if (!inFlight) {
      if (now - postedAt < PROBE_MS) {
        stride = Math.min(stride * 2, 16);
        return;
      }
      inFlight = true;
      postedAt = now;
      stride = 16;
      channel.port2.postMessage(0);
      return;
    }
    const elapsed = now - postedAt;
    if (elapsed > limitMs) {
      tripped = true;
      onTrip(file, line, elapsed);
      throw new EndlessLoopError('stopped');
    }
  };

  return {
    forFile: (file) => (line) => check(file, line),
    get tripped() {
      return tripped;
    },
  };
}
