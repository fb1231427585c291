import { assert } from 'chai';
import { listen, startRun, until, type TestRun } from './fake-context.js';

/**
 * What the fetch-stream lesson relies on, as Node has it: a POST answered with a stream whose pieces, written in
 * separate tasks, reach `res.body` as separate reads (an event cut in two stays cut, even inside a character's UTF-8
 * bytes); req 'close' right after the body is read, not when the client leaves; res 'close' when the client aborts.
 */
suite('http shim: streaming a POST answer to fetch', () => {
  let run: TestRun;
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    await run.stop();
  });

  test('pieces written 30 ms apart reach the reader as separate chunks, cut where the server cut them', async () => {
    const event = new TextEncoder().encode('data: {"delta":"服务器"}\n\n');
    // Inside 服 (bytes 17–19), then between the two line feeds.
    const cuts = [0, 18, event.length - 1, event.length];
    await listen(
      run.http.createServer((req, res) => {
        req.on('data', () => {});
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          cuts.slice(1).forEach((to, k) => setTimeout(() => res.write(event.subarray(cuts[k], to)), k * 30));
          setTimeout(() => res.end(), 120);
        });
      }),
      3000,
    );
    const response = await fetch('/v1/chat', { method: 'POST', body: '{"question":"?"}' });
    const reader = response.body!.getReader();
    const chunks: number[][] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push([...value]);
    }
    assert.deepEqual(
      chunks,
      cuts.slice(1).map((to, k) => [...event.subarray(cuts[k], to)]),
      'one read per write, none merged or split further',
    );
    // Decoded as a stream, the character cut in two comes out whole.
    const decoder = new TextDecoder();
    const text = chunks.map((c) => decoder.decode(new Uint8Array(c), { stream: true })).join('') + decoder.decode();
    assert.equal(text, 'data: {"delta":"服务器"}\n\n');
    assert.include(new TextDecoder().decode(new Uint8Array(chunks[0]!)), '\ufffd', 'each piece alone cuts the character');
  });

  test("req 'close' follows the body's 'end' at once, as in Node, while the response streams on", async () => {
    const order: string[] = [];
    let res!: { write(s: string): boolean; end(): void; writableEnded: boolean };
    await listen(
      run.http.createServer((req, r) => {
        res = r as typeof res;
        req.on('data', () => {});
        req.on('end', () => order.push('end'));
        req.on('close', () => order.push(`req close, response ended: ${r.writableEnded}`));
        r.on('close', () => order.push('res close'));
        r.writeHead(200, { 'Content-Type': 'text/event-stream' });
        r.write('data: 1\n\n');
      }),
      3000,
    );
    const response = await fetch('/v1/chat', { method: 'POST', body: '{"question":"?"}' });
    const reader = response.body!.getReader();
    await reader.read();
    await until(() => order.length === 2, 2000, "req 'close'");
    assert.deepEqual(order, ['end', 'req close, response ended: false']);
    res.end();
    await until(() => order.length === 3, 2000, "res 'close'");
    assert.equal(order[2], 'res close');
  });

  test("a request nobody reads gets req 'close' only when its client leaves", async () => {
    let closed = 0;
    await listen(
      run.http.createServer((req, res) => {
        req.on('close', () => closed++);
        res.write('x');
      }),
      3000,
    );
    const controller = new AbortController();
    const response = await fetch('/s', { signal: controller.signal });
    await response.body!.getReader().read();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(closed, 0);
    controller.abort();
    await until(() => closed === 1, 2000, "req 'close' after abort");
  });

  test("aborting a POST stream gives res 'close' with the response unfinished, and a timer cleared there stops", async () => {
    let generated = 0;
    let closedUnfinished: boolean | undefined;
    await listen(
      run.http.createServer((req, res) => {
        req.on('data', () => {});
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          const timer = setInterval(() => res.write(`data: ${++generated}\n\n`), 20);
          res.on('close', () => {
            closedUnfinished = !res.writableEnded;
            clearInterval(timer);
          });
        });
      }),
      3000,
    );
    const controller = new AbortController();
    const response = await fetch('/v1/chat', { method: 'POST', body: '{}', signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await until(() => closedUnfinished !== undefined, 2000, "res 'close'");
    assert.isTrue(closedUnfinished);
    const atClose = generated;
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(generated, atClose);
  });
});
