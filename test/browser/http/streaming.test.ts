import { assert } from 'chai';
import { listen, startRun, until, type Res, type TestRun } from './fake-context.js';

suite('http shim: streaming, long polling and aborts', () => {
  let run: TestRun;
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    await run.stop();
  });

  test('each res.write reaches a streaming fetch while the response is still open', async () => {
    let res!: Res;
    await listen(
      run.http.createServer((_req, r) => {
        res = r;
        res.setHeader('Content-Type', 'text/plain');
        res.write('one;');
      }),
      3000,
    );
    const response = await fetch('/stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    assert.equal(decoder.decode(first.value), 'one;');
    // The server writes the second part only now, after the client has the first: nothing is buffered to the end.
    assert.isFalse(res.writableEnded);
    res.write('two;');
    const second = await reader.read();
    assert.equal(decoder.decode(second.value), 'two;');
    res.end();
    assert.isTrue((await reader.read()).done);
  });

  test('writes of one task reach a streaming fetch whole and in order, and the response ends after them', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.setHeader('Content-Type', 'text/plain');
        for (let i = 0; i < 100; i++) res.write(`${i};`);
        res.end('end');
      }),
      3000,
    );
    const response = await fetch('/stream');
    assert.equal(await response.text(), `${Array.from({ length: 100 }, (_, i) => `${i};`).join('')}end`);
  });

  test('a long poll is held with no head sent, and fetch resolves only when the server answers', async () => {
    const waiting: Res[] = [];
    await listen(run.http.createServer((_req, res) => waiting.push(res)), 3000);
    let settled = false;
    const pending = fetch('/poll').then((r) => {
      settled = true;
      return r;
    });
    await until(() => waiting.length === 1, 2000, 'the request to reach the server');
    // Let the browser deliver anything it had: the client must still be waiting.
    await new Promise((r) => setTimeout(r, 50));
    assert.isFalse(settled);
    waiting[0]!.writeHead(200, { 'Content-Type': 'application/json' });
    await new Promise((r) => setTimeout(r, 50));
    assert.isFalse(settled, 'writeHead alone sends nothing, as in Node');
    waiting[0]!.end('{"message":"hi"}');
    const response = await pending;
    assert.deepEqual(await response.json(), { message: 'hi' });
  });

  test('aborting a streaming fetch emits close on req and res, and the handler can clear its timer', async () => {
    const closed: string[] = [];
    let ticks = 0;
    let cleared = false;
    await listen(
      run.http.createServer((req, res) => {
        res.setHeader('Content-Type', 'text/plain');
        res.write('start\n');
        const timer = setInterval(() => {
          ticks++;
          res.write(`tick ${ticks}\n`);
        }, 20);
        req.on('close', () => {
          closed.push('req');
          clearInterval(timer);
          cleared = true;
        });
        res.on('close', () => closed.push(`res ended=${res.writableEnded}`));
      }),
      3000,
    );
    const controller = new AbortController();
    const response = await fetch('/stream', { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await until(() => cleared, 3000, "req 'close' after abort");
    const ticksAtClose = ticks;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ticks, ticksAtClose, 'the cleared timer stopped');
    assert.sameMembers(closed, ['req', 'res ended=false']);
    assert.equal(run.events.at(-1)!.kind, 'close');
    assert.equal(run.events.at(-1)!.details.note, 'client went away');
  });

  test('a write after the client left is dropped without a crash, as Node drops it', async () => {
    let res!: Res;
    let closed = false;
    await listen(
      run.http.createServer((req, r) => {
        res = r;
        r.write('x');
        req.on('close', () => (closed = true));
      }),
      3000,
    );
    const controller = new AbortController();
    const response = await fetch('/s', { signal: controller.signal });
    await response.body!.getReader().read();
    controller.abort();
    await until(() => closed, 3000, 'close');
    assert.isFalse(res.write('late'));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(run.fatals, []);
  });

  test('a write after end crashes the server when nobody listens for its error, as in Node', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.end('done');
        res.write('more');
      }),
      3000,
    );
    assert.equal(await (await fetch('/')).text(), 'done');
    await until(() => run.fatals.length === 1, 2000, 'fatal');
    assert.equal((run.fatals[0] as { code: string }).code, 'ERR_STREAM_WRITE_AFTER_END');
  });

  test('finish then close on res after end, and close on req', async () => {
    const order: string[] = [];
    await listen(
      run.http.createServer((req, res) => {
        req.on('close', () => order.push('req close'));
        res.on('finish', () => order.push('res finish'));
        res.on('close', () => order.push('res close'));
        res.end('ok');
      }),
      3000,
    );
    await (await fetch('/')).text();
    await until(() => order.length === 3, 2000, 'events');
    assert.deepEqual(order.slice(0, 1), ['res finish']);
    assert.sameMembers(order, ['res finish', 'res close', 'req close']);
  });

  test('stop() ends open streams, the client sees the stream fail', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.write('open');
      }),
      3000,
    );
    const response = await fetch('/s');
    const reader = response.body!.getReader();
    await reader.read();
    await run.stop();
    let failed = false;
    await reader.read().catch(() => (failed = true));
    assert.isTrue(failed);
    run = await (await import('./fake-context.js')).startRun();
  });
});
