import { assert } from 'chai';
import { CALL_SITES_PER_SECOND, callSite, withCallSite } from '../../../src/frame/call-site.js';
import { locate } from '../../../src/frame/locate.js';
import type { Insertion } from '../../../src/shared/compiled-code.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

type Capture = () => ReturnType<typeof callSite>;

/** Evaluates `body` as the run frame evaluates a learner's file: indirect eval, named by its sourceURL. */
function learnerCode(file: string, body: string): (capture: Capture) => unknown {
  return (0, eval)(`(function (capture) {\n${body}\n})\n//# sourceURL=${file}`) as (capture: Capture) => unknown;
}

suite('callSite', () => {
  test('names the line and column of the first frame of the side file, as the text of the stack does', () => {
    const insertions: Record<string, readonly Insertion[]> = {};
    let text: string | undefined;
    const run = learnerCode(
      'server.js',
      [
        'function handler() {',
        '  return helper();',
        '}',
        'function helper() {',
        '  return   capture();',
        '}',
        'return handler();',
      ].join('\n'),
    );
    const where = run(() => {
      text = new Error().stack;
      return callSite('server.js', insertions);
    });
    assert.deepEqual(where, { file: 'server.js', line: 6, column: 12 });
    assert.deepEqual(where, locate(text, insertions));
  });

  test('maps the column back over code the compiler inserted', () => {
    // 7 characters inserted after `return ` on line 6: the learner wrote `capture()` 7 columns earlier.
    const insertions: Record<string, readonly Insertion[]> = { 'server.js': [[6, 7, 7]] };
    const run = learnerCode('server.js', ['', '', '', '', 'return /*ins*/capture();'].join('\n'));
    assert.deepEqual(run(() => callSite('server.js', insertions)), { file: 'server.js', line: 6, column: 8 });
  });

  test('reaches a learner frame deep under library code (socket.io puts ~20 frames between)', () => {
    const nest = (depth: number, then: () => ReturnType<typeof callSite>): ReturnType<typeof callSite> =>
      depth === 0 ? then() : nest(depth - 1, then);
    const run = learnerCode('server.js', 'return capture();');
    assert.deepEqual(run(() => nest(30, () => callSite('server.js', {}))), { file: 'server.js', line: 2, column: 8 });
    assert.isUndefined(run(() => nest(60, () => callSite('server.js', {}))), 'beyond the deep capture, as before');
  });

  test('finds nothing when the side file is not on the stack, and leaves Error as it found it', () => {
    const run = learnerCode('client.js', 'return capture();');
    const before = { limit: Error.stackTraceLimit, prepare: (Error as { prepareStackTrace?: unknown }).prepareStackTrace };
    assert.isUndefined(run(() => callSite('server.js', {})));
    assert.equal(Error.stackTraceLimit, before.limit);
    assert.equal((Error as { prepareStackTrace?: unknown }).prepareStackTrace, before.prepare);
  });

  test("keeps a learner's own Error.prepareStackTrace", () => {
    const E = Error as { prepareStackTrace?: unknown };
    const own = () => 'theirs';
    E.prepareStackTrace = own;
    try {
      const run = learnerCode('server.js', 'return capture();');
      assert.deepEqual(run(() => callSite('server.js', {})), { file: 'server.js', line: 2, column: 8 });
      assert.equal(E.prepareStackTrace, own);
      assert.equal(new Error().stack, 'theirs');
    } finally {
      delete E.prepareStackTrace;
    }
  });

  test("gives no line, and throws nothing, when the learner's code has made Error's stack settings read-only", () => {
    const run = learnerCode('client.js', 'return capture();');
    Object.defineProperty(Error, 'prepareStackTrace', { value: undefined, writable: false, configurable: true });
    try {
      assert.doesNotThrow(() => run(() => callSite('client.js', {})));
      assert.isUndefined(run(() => callSite('client.js', {})));
    } finally {
      delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
    }
    // And once they are writable again, lines come back.
    assert.deepEqual(run(() => callSite('client.js', {})), { file: 'client.js', line: 2, column: 8 });
  });

  // Last in the suite: it spends this page's budget.
  test('a flood past CALL_SITES_PER_SECOND: each event has its line or says it was not looked up, never "no line"', async () => {
    const frame = (): TrafficInput => ({
      time: 0,
      party: 'client',
      observer: 'server',
      conn: 'ws#1',
      transport: 'ws',
      direction: 's2c',
      kind: 'frame',
      bytes: 3,
      preview: 'hi',
      details: {},
    });
    const run = learnerCode('server.js', 'return capture();');
    // Two seconds' budget and more, in well under a second: at most one new second begins on the way, so the
    // budget runs out at least once whatever the earlier tests spent.
    const results = Array.from({ length: 2 * CALL_SITES_PER_SECOND + 100 }, () => run(() => withCallSite(frame(), {}) as never) as TrafficInput);
    const located = results.filter((e) => e.details.source);
    const unlocated = results.filter((e) => e.details.unlocated);
    assert.equal(located.length + unlocated.length, results.length, 'every event is one or the other');
    assert.isAtLeast(located.length, 1);
    assert.isAtMost(located.length, 2 * CALL_SITES_PER_SECOND);
    assert.isAtLeast(unlocated.length, 100);
    for (const e of located) assert.deepEqual(e.details.source, { file: 'server.js', line: 2, column: 8 });
    for (const e of unlocated) assert.isUndefined(e.details.source);
    // The shims' own look-up says "not looked up" meanwhile (null, not undefined): a frame reported later, when the
    // learner's call is gone from the stack, keeps that rather than read as the browser's own doing.
    assert.isNull(run(() => callSite('server.js', {})));
    // A client's read is never looked up, and is not marked either: it is not a line of the side's code.
    const read = withCallSite({ ...frame(), observer: 'client' }, {});
    assert.isUndefined(read.details.unlocated);
    // The next second, lines come back.
    const started = performance.now();
    let back: ReturnType<typeof callSite>;
    while (!(back = run(() => callSite('server.js', {})) as ReturnType<typeof callSite>) && performance.now() - started < 3000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(back, { file: 'server.js', line: 2, column: 8 });
  });
});
