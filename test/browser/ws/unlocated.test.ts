import { assert } from 'chai';
import { CALL_SITES_PER_SECOND, callSite, withCallSite } from '../../../src/frame/call-site.js';
import type { RuntimeContext } from '../../../src/mocks/context.js';
import { installWs } from '../../../src/mocks/ws/index.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

suite('ws shim: a flood past the budget of lines a second', () => {
  test('a frame sent past the budget and delivered in the next second says "not looked up", never "not your code"', async () => {
    // A run frame's context: lines looked up as the run frame does (src/frame/run-frame.ts).
    const events: TrafficInput[] = [];
    const ctx: RuntimeContext = {
      win: window,
      report: (event) => events.push(withCallSite(event, {})),
      callSite: () => callSite('server.js', {}),
      now: () => performance.now(),
      log: () => {},
      fatal: (error) => {
        throw error;
      },
      lang: 'en',
      runId: 'unlocated',
    };
    const install = await installWs(ctx);
    try {
      const ws = install.modules.ws as any;
      const n = CALL_SITES_PER_SECOND + 500;
      // The server's code, named server.js as the run frame names it: every send in one loop.
      const serve = (0, eval)(`(function (ws, n) {\n  for (var i = 0; i < n; i++) ws.send('n' + i);\n})\n//# sourceURL=server.js`);
      const wss = new ws.Server({ port: 8181 });
      wss.on('connection', (socket: unknown) => serve(socket, n));
      const client = new WebSocket('ws://localhost:8181/');
      let got = 0;
      let first = true;
      client.onmessage = () => {
        got++;
        // The client holds the thread past the end of the second, so the frames after the first are reported (when
        // they are delivered) with a fresh budget and no line of server.js on the stack.
        if (first) {
          first = false;
          const until = performance.now() + 1100;
          while (performance.now() < until) {
            // busy, as a slow handler is
          }
        }
      };
      await new Promise<void>((resolve, reject) => {
        const started = performance.now();
        const poll = () => (got === n ? resolve() : performance.now() - started > 15_000 ? reject(new Error(`${got} of ${n}`)) : setTimeout(poll, 20));
        poll();
      });
      client.close();
      const sent = events.filter((e) => e.observer === 'server' && e.kind === 'frame' && e.direction === 's2c');
      assert.equal(sent.length, n);
      const located = sent.filter((e) => e.details.source);
      const unlocated = sent.filter((e) => e.details.unlocated);
      assert.isAtLeast(unlocated.length, 500);
      assert.equal(located.length + unlocated.length, n, 'no frame of the loop reads as the browser\'s doing');
      wss.close();
    } finally {
      await install.stop();
    }
  });
});
