/**
 * Stops learner code that never yields. The run frame is same-origin with the page, so Chromium runs both on one
 * thread: a `while (true) {}` in the frame would freeze the page's buttons too. Compiled code calls the guard at the
 * top of every loop and function body (src/compile); the guard measures how long the current stretch of code has run
 * without giving the event loop a turn, and throws once it passes the limit.
 *
 * A "stretch" ends when a macrotask runs. The guard posts itself a MessageChannel message (a probe), which can only be
 * delivered once the learner's code has returned to the event loop: while a probe is in flight, no task has ended
 * since it was posted, so the code has run at least that long without a turn. A microtask-only loop
 * (`for (;;) await null`) never lets a probe through, so it is caught too; a loop that awaits fetches or timers is not.
 *
 * One probe at a time, and at most one every PROBE_MS: a loop is caught within the limit plus PROBE_MS.
 * @note Measured (bench:mocks' floods): a probe for every task that ran learner code (each message handler, each
 * timer) was one more task per message of a flood, 10-20 µs each in Chromium on these machines.
 */
export class EndlessLoopError extends Error {
  override name = 'EndlessLoopError';
}

export interface LoopGuard {
  /** The function compiled code calls, bound to one file. */
  forFile(file: string): (line: number) => void;
  readonly tripped: boolean;
}

/** The least time between two probes (see above). */
export const PROBE_MS = 50;

export function createLoopGuard(
  limitMs: number,
  onTrip: (file: string, line: number, elapsedMs: number) => void,
): LoopGuard {
  let inFlight = false;
  /** When the last probe was posted. */
  let postedAt = -Infinity;
  let count = 0;
  let tripped = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    inFlight = false;
  };

  const check = (file: string, line: number) => {
    if (tripped) throw new EndlessLoopError('stopped');
    // performance.now() costs tens of nanoseconds; every 16th call keeps a tight loop's overhead negligible while a
    // loop whose body takes milliseconds is still caught within a few iterations of the limit.
    if ((++count & 15) !== 1) return;
    const now = performance.now();
    if (!inFlight) {
      if (now - postedAt < PROBE_MS) return;
      inFlight = true;
      postedAt = now;
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
