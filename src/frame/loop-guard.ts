/**
 * Stops learner code that never yields. The run frame is same-origin with the page, so Chromium runs both on one
 * thread: a `while (true) {}` in the frame would freeze the page's buttons too. Compiled code calls the guard at the
 * top of every loop and function body (src/compile); the guard measures how long the current stretch of code has run
 * without giving the event loop a turn, and throws once it passes the limit.
 *
 * A "stretch" ends when a macrotask runs: the guard posts itself a MessageChannel message when it arms, and that
 * message can only be delivered once the learner's code has returned to the event loop. A microtask-only loop
 * (`for (;;) await null`) never lets it through, so it is caught too; a loop that awaits fetches or timers is not.
 */
export class EndlessLoopError extends Error {
  override name = 'EndlessLoopError';
}

export interface LoopGuard {
  /** The function compiled code calls, bound to one file. */
  forFile(file: string): (line: number) => void;
  readonly tripped: boolean;
}

export function createLoopGuard(
  limitMs: number,
  onTrip: (file: string, line: number, elapsedMs: number) => void,
): LoopGuard {
  let armed = false;
  let start = 0;
  let count = 0;
  let tripped = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    armed = false;
  };

  const check = (file: string, line: number) => {
    if (tripped) throw new EndlessLoopError('stopped');
    if (!armed) {
      armed = true;
      start = performance.now();
      count = 0;
      channel.port2.postMessage(0);
      return;
    }
    // performance.now() costs tens of nanoseconds; every 16th call keeps a tight loop's overhead negligible while a
    // loop whose body takes milliseconds is still caught within a few iterations of the limit.
    if ((++count & 15) !== 0) return;
    const elapsed = performance.now() - start;
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
