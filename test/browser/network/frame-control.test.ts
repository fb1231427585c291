import { assert } from 'chai';
import { applyNetworkControl, ServerConsoles } from '../../../src/frame/network.js';
import { isNetworkControl } from '../../../src/shared/protocol.js';
import { startRun, type Run } from '../socket.io/support.js';

suite('run frame: the network panel messages', () => {
  let run: Run;
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    await run.stop();
  });

  test('only network messages are taken', () => {
    assert.isTrue(isNetworkControl({ type: 'network', conditions: { latencyMs: 1, bandwidthKbps: 0, dropRate: 0 } }));
    assert.isTrue(isNetworkControl({ type: 'network-action', action: 'kill' }));
    assert.isFalse(isNetworkControl({ type: 'run' }));
    assert.isFalse(isNetworkControl(null));
  });

  test('restart: server.js runs again on the freed port, and the old evaluation prints nothing more', async () => {
    const lines: string[] = [];
    const sink = { log: (text: string) => lines.push(text), info: (text: string) => lines.push(text) } as unknown as Console;
    const consoles = new ServerConsoles(sink);
    const http = run.runtime.require('http') as { createServer(h: (q: unknown, s: { end(t: string): void }) => void): { listen(p: number): void } };
    const consolesSeen: Console[] = [];
    // What evaluateServer does with each evaluation: a server on port 3000 that says which generation answers.
    const evaluate = () => {
      const console = consoles.next();
      consolesSeen.push(console);
      const generation = consolesSeen.length;
      http.createServer((_req, res) => res.end(`generation ${generation}`)).listen(3000);
      console.log(`started ${generation}`);
    };
    evaluate();
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(await (await fetch('/who')).text(), 'generation 1');
    const deps = { runtime: () => run.runtime, evaluateServer: evaluate, note: (t: string) => lines.push(t), lang: 'en' as const };
    applyNetworkControl({ type: 'network-action', action: 'restart' }, deps);
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(await (await fetch('/who')).text(), 'generation 2');
    consolesSeen[0]!.log('an old timer fires');
    consolesSeen[1]!.log('the new server logs');
    assert.deepEqual(lines, ['started 1', '[network] the server restarted: server.js runs again from the top', 'started 2', 'the new server logs']);
    assert.deepEqual(run.fatals, []);
  });

  test('conditions reach the runtime', () => {
    applyNetworkControl(
      { type: 'network', conditions: { latencyMs: 80, bandwidthKbps: 100, dropRate: 0.2 } },
      { runtime: () => run.runtime, evaluateServer: () => {}, note: () => {}, lang: 'zh' },
    );
    assert.deepEqual(run.runtime.network.conditions, { latencyMs: 80, bandwidthKbps: 100, dropRate: 0.2 });
  });
});
