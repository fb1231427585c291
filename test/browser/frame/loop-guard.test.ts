import { assert } from 'chai';
import { createLoopGuard, EndlessLoopError, PROBE_MS } from '../../../src/frame/loop-guard.js';

const LIMIT = 300;

/** A guard, what tripped it, and how many probes it posted (MessagePort#postMessage, counted while it is in use). */
function guarded() {
  const trips: Array<{ file: string; line: number; elapsed: number }> = [];
  const guard = createLoopGuard(LIMIT, (file, line, elapsed) => trips.push({ file, line, elapsed }));
  return { guard, check: guard.forFile('client.js'), trips };
}

function countingProbes(): { count(): number; restore(): void } {
  const post = MessagePort.prototype.postMessage;
  let n = 0;
  MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<MessagePort['postMessage']>) {
    n++;
    return post.apply(this, args as never);
  } as MessagePort['postMessage'];
  return { count: () => n, restore: () => void (MessagePort.prototype.postMessage = post) };
}

const task = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

suite('loop guard', () => {
  test('a loop that never yields is stopped a little after the limit, at its line', () => {
    const { check, trips, guard } = guarded();
    const started = performance.now();
    assert.throws(() => {
      for (;;) check(7);
    }, EndlessLoopError);
    const took = performance.now() - started;
    assert.isTrue(guard.tripped);
    assert.deepEqual(trips.map((t) => [t.file, t.line]), [['client.js', 7]]);
    assert.isAtLeast(took, LIMIT);
    assert.isBelow(took, LIMIT + PROBE_MS + 200);
    assert.throws(() => check(8), EndlessLoopError, 'stopped', 'and stays stopped');
  });

  test('a loop whose every pass is slow is stopped within 16 passes past the limit', () => {
    const { check, trips } = guarded();
    const PASS = 30;
    const started = performance.now();
    assert.throws(() => {
      for (;;) {
        check(5);
        const until = performance.now() + PASS;
        while (performance.now() < until) {
          // one slow pass, with no guarded call inside
        }
      }
    }, EndlessLoopError);
    assert.isBelow(performance.now() - started, LIMIT + PROBE_MS + 17 * PASS + 100);
    assert.equal(trips.length, 1);
  });

  test('a tight loop reads the clock about once every 16 calls, just after a probe came back too', async () => {
    const { check } = guarded();
    check(1); // posts the first probe
    await task(); // it comes back: the next probe is not due for PROBE_MS
    const now = performance.now.bind(performance);
    let reads = 0;
    performance.now = () => {
      reads++;
      return now();
    };
    const calls = 100_000;
    try {
      for (let i = 0; i < calls; i++) check(2);
    } finally {
      performance.now = now;
    }
    assert.isAtMost(reads, calls / 16 + 10);
  });

  test('a loop of microtasks only is stopped too', async () => {
    const { check, trips } = guarded();
    let error: unknown;
    try {
      for (;;) {
        check(3);
        await null;
      }
    } catch (e) {
      error = e;
    }
    assert.instanceOf(error, EndlessLoopError);
    assert.equal(trips.length, 1);
  });

  test('code that yields between tasks runs on, however long in all, with a probe at most every PROBE_MS', async () => {
    const { check, trips } = guarded();
    const probes = countingProbes();
    const started = performance.now();
    let tasks = 0;
    try {
      // Many short tasks, each doing some guarded work (a flood's message handlers), for over twice the limit.
      while (performance.now() - started < 2 * LIMIT + 100) {
        const until = performance.now() + 2;
        while (performance.now() < until) check(1);
        tasks++;
        await task();
      }
    } finally {
      probes.restore();
    }
    const took = performance.now() - started;
    assert.deepEqual(trips, []);
    assert.isAbove(tasks, 50);
    // One probe a task would be `tasks` of them; the last one may still be in flight.
    assert.isAtMost(probes.count(), Math.ceil(took / PROBE_MS) + 1);
    assert.isAtLeast(probes.count(), 2, 'it keeps probing');
  });

  test('a loop that starts right after a probe came back is still stopped', async () => {
    const { check, trips } = guarded();
    check(1);
    await task();
    await task();
    const started = performance.now();
    assert.throws(() => {
      for (;;) check(2);
    }, EndlessLoopError);
    assert.isBelow(performance.now() - started, LIMIT + PROBE_MS + 200);
    assert.equal(trips.length, 1);
  });
});
