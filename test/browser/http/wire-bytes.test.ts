import { assert } from 'chai';
import { decodeAll } from '../../../src/traffic/wire-records.js';
import type { HttpHead } from '../../../src/shared/wire/http-message.js';
import type { WireRecord } from '../../../src/shared/wire/connection.js';
import { listen, startRun, until, type TestRun } from './fake-context.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

function heads(records: WireRecord[]): HttpHead[] {
  return records.flatMap((r) => ('http' in r && r.http.type === 'head' ? [r.http] : []));
}

/**
 * Opens an EventSource on `path` of a server that writes `firstTask` events in one task and the rest when `later` is
 * called; once the exchange ends, the server's chunks of the record, checked to be one per task.
 */
async function twoTasks(run: TestRun, path: string, firstTask: number, later: () => void): Promise<TrafficInput[]> {
  const source = new EventSource(path);
  let got = 0;
  source.onmessage = () => got++;
  try {
    await until(() => got === firstTask, 4000, "the first task's events");
    later();
    await until(() => run.events.some((e) => e.kind === 'close'), 4000, 'the exchange to end');
  } finally {
    source.close();
  }
  const written = run.events.filter((e) => e.kind === 'bytes' && e.direction === 's2c');
  assert.equal(written.length, 2, 'one chunk for the first task, one for the second');
  return written;
}

const header = (head: HttpHead, name: string) => head.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

suite('http shim: the bytes Node would write, as wire records', () => {
  let run: TestRun;
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    await run.stop();
  });

  test("an EventSource's GET, the 200 head Node writes, chunk framing, and the reconnection's Last-Event-ID", async () => {
    let served = 0;
    await listen(
      run.http.createServer((req, res) => {
        served++;
        res.setHeader('Content-Type', 'text/event-stream');
        res.setHeader('Cache-Control', 'no-cache');
        const from = Number(req.headers['last-event-id'] ?? 0);
        res.write(`retry: 50\nid: ${from + 1}\ndata: n${from + 1}\n\n`);
        if (served === 1) res.end();
      }),
      3000,
    );
    const source = new EventSource('/test');
    const got: string[] = [];
    source.onmessage = (e) => got.push(e.data);
    try {
      await until(() => got.length === 2, 4000, 'two events over two connections');
    } finally {
      source.close();
    }
    const conns = [...decodeAll(run.events).values()];
    assert.equal(conns.length, 2, 'one TCP connection per request');
    const [first, second] = conns as [WireRecord[], WireRecord[]];
    const [get, ok] = heads(first) as [HttpHead, HttpHead];
    assert.equal(get.startLine, 'GET /test HTTP/1.1');
    assert.equal(header(get, 'Accept'), 'text/event-stream');
    assert.equal(ok.startLine, 'HTTP/1.1 200 OK');
    // The names and order Node 20 wrote for the same handler, recorded from a real socket (test/unit/wire).
    assert.deepEqual(ok.headers.map(([n]) => n), ['Content-Type', 'Cache-Control', 'Date', 'Connection', 'Keep-Alive', 'Transfer-Encoding']);
    assert.equal(header(ok, 'Keep-Alive'), 'timeout=5');
    assert.equal(header(ok, 'Transfer-Encoding'), 'chunked');
    assert.match(header(ok, 'Date')!, /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
    const chunks = first.flatMap((r) => ('http' in r && r.http.type === 'chunk' ? [r.http.size] : []));
    assert.deepEqual(chunks, [new TextEncoder().encode('retry: 50\nid: 1\ndata: n1\n\n').length, 0], 'a framed chunk, then the last chunk');
    const events = first.flatMap((r) => ('sse' in r && r.sse.type === 'event' ? [r.sse.event.data] : []));
    assert.deepEqual(events, ['n1']);
    assert.equal(header(heads(second)[0]!, 'Last-Event-ID'), '1');
    // The request is rebuilt from what the service worker sees, and says so.
    const requestBytes = run.events.find((e) => e.kind === 'bytes' && e.direction === 'c2s')!;
    assert.isTrue(requestBytes.details.rebuilt);
    // The server's port, as its socket's localPort would say, not the page's (a relative URL's Host).
    assert.equal(requestBytes.details.port, 3000);
    assert.isUndefined(run.events.find((e) => e.kind === 'bytes' && e.direction === 's2c')!.details.rebuilt);
  });

  test('res.end(body) without a write: Content-Length and the body as is, no chunk framing', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.setHeader('Content-Type', 'text/plain');
        res.end('hello');
      }),
      3000,
    );
    assert.equal(await (await fetch('/len')).text(), 'hello');
    await until(() => run.events.some((e) => e.kind === 'close'), 2000, 'the exchange to end');
    const [records] = [...decodeAll(run.events).values()] as [WireRecord[]];
    const ok = heads(records)[1]!;
    assert.deepEqual(ok.headers.map(([n]) => n), ['Content-Type', 'Date', 'Connection', 'Keep-Alive', 'Content-Length']);
    assert.equal(header(ok, 'Content-Length'), '5');
    const s2cBytes = run.events.filter((e) => e.kind === 'bytes' && e.direction === 's2c').reduce((n, e) => n + e.bytes, 0);
    assert.equal(s2cBytes, ok.size + 5, 'head and body, nothing more');
    assert.isTrue(records.some((r) => r.direction === 's2c' && 'http' in r && r.http.type === 'end'));
  });

  test('writeHead() then end(body): chunked, as Node frames it (its head was rendered before the length was known)', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('hello');
      }),
      3000,
    );
    assert.equal(await (await fetch('/head-first')).text(), 'hello');
    await until(() => run.events.some((e) => e.kind === 'close'), 2000, 'the exchange to end');
    const [records] = [...decodeAll(run.events).values()] as [WireRecord[]];
    const ok = heads(records)[1]!;
    // What Node 20 and 24 write for this handler, Date aside.
    assert.deepEqual(ok.headers.map(([n]) => n), ['Content-Type', 'Date', 'Connection', 'Keep-Alive', 'Transfer-Encoding']);
    assert.equal(header(ok, 'Transfer-Encoding'), 'chunked');
    const body = run.events.filter((e) => e.kind === 'bytes' && e.direction === 's2c').map((e) => atob(e.details.raw ?? '')).join('');
    assert.isTrue(body.endsWith('\r\n\r\n5\r\nhello\r\n0\r\n\r\n'), JSON.stringify(body));
  });

  test('a POST body follows its head with the Content-Length the browser sends, so the next bytes read as the next request', async () => {
    await listen(
      run.http.createServer((req, res) => {
        req.on('data', () => {});
        req.on('end', () => res.end('ok'));
      }),
      3000,
    );
    await (await fetch('/a', { method: 'POST', body: '40' })).text();
    await (await fetch('/b', { method: 'POST', body: 'second' })).text();
    const all = [...decodeAll(run.events).values()].flat();
    assert.isFalse(all.some((r) => 'http' in r && r.http.type === 'error'), 'every request decodes');
    const requests = heads(all).filter((h) => h.kind === 'request');
    assert.deepEqual(requests.map((h) => [h.startLine, header(h, 'Content-Length')]), [['POST /a HTTP/1.1', '2'], ['POST /b HTTP/1.1', '6']]);
    const bodies = all.flatMap((r) => (r.direction === 'c2s' && 'http' in r && r.http.type === 'body' ? [new TextDecoder().decode(r.http.data)] : []));
    assert.deepEqual(bodies, ['40', 'second']);
  });

  test('with the record off (recordWire: false, for bench:mocks) the API events are the same and no bytes are recorded', async () => {
    const serve = (r: TestRun) =>
      listen(
        r.http.createServer((_req, res) => {
          res.setHeader('Content-Type', 'text/event-stream');
          res.write('data: a\n\n');
          res.end('data: b\n\n');
        }),
        3000,
      );
    const shape = (r: TestRun) => r.events.filter((e) => e.kind !== 'bytes').map((e) => [e.direction, e.kind, e.preview]);
    await serve(run);
    await (await fetch('/s')).text();
    await until(() => run.events.some((e) => e.kind === 'close'), 2000, 'the exchange to end');
    const recorded = shape(run);
    assert.isTrue(run.events.some((e) => e.kind === 'bytes'));
    await run.stop();
    run = await startRun({ recordWire: false });
    await serve(run);
    await (await fetch('/s')).text();
    await until(() => run.events.some((e) => e.kind === 'close'), 2000, 'the exchange to end');
    assert.isFalse(run.events.some((e) => e.kind === 'bytes'));
    assert.deepEqual(shape(run), recorded);
  });

  test("the writes of one task are one chunk of the record, framed each as Node frames it; the next task's are another", async () => {
    let later!: () => void;
    await listen(
      run.http.createServer((_req, res) => {
        res.setHeader('Content-Type', 'text/event-stream');
        // One task: the head and three writes, as Node's corked socket sends them in one writev.
        res.write('data: 1\n\n');
        res.write('data: 2\n\n');
        res.write('data: 3\n\n');
        later = () => {
          res.write('data: 4\n\n');
          res.end();
        };
      }),
      3000,
    );
    const written = await twoTasks(run, '/burst', 3, () => later());
    const text = (e: TrafficInput) => atob(e.details.raw!);
    assert.match(text(written[0]!), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n9\r\ndata: 3\n\n\r\n$/);
    assert.equal(text(written[1]!), '9\r\ndata: 4\n\n\r\n0\r\n\r\n');
    assert.equal(written[0]!.bytes, text(written[0]!).length);
    // The API's events are still one per write, before their chunk of the record.
    const messages = run.events.filter((e) => e.kind === 'message' && e.direction === 's2c');
    assert.deepEqual(messages.map((e) => e.body), [1, 2, 3, 4].map((n) => `data: ${n}\n\n`));
    assert.isBelow(run.events.indexOf(messages[2]!), run.events.indexOf(written[0]!));
    // The decoder reads the four events across the two chunks.
    const records = [...decodeAll(run.events).values()][0]!;
    assert.deepEqual(records.flatMap((r) => ('sse' in r && r.sse.type === 'event' ? [r.sse.event.data] : [])), ['1', '2', '3', '4']);
  });

  test('a task that writes more than the record keeps of a chunk: every byte counted, the kept start framed as Node frames it', async () => {
    const event = `data: ${'x'.repeat(994)}\n\n`; // 1,002 bytes: a size line of 3ea
    const writes = 100; // about 100 KB in one task, past BODY_LIMIT (64 KiB)
    let later!: () => void;
    await listen(
      run.http.createServer((_req, res) => {
        res.setHeader('Content-Type', 'text/event-stream');
        for (let i = 0; i < writes; i++) res.write(event);
        later = () => {
          res.write('data: last\n\n');
          res.end();
        };
      }),
      3000,
    );
    const [first, second] = (await twoTasks(run, '/big', writes, () => later())) as [TrafficInput, TrafficInput];
    const framed = `3ea\r\n${event}\r\n`;
    const head = atob(first.details.raw!).split('\r\n\r\n')[0]! + '\r\n\r\n';
    assert.equal(first.bytes, head.length + writes * framed.length, 'every byte of the task, framing included');
    const kept = atob(first.details.raw!);
    // BODY_LIMIT of it, unless this second's budget of kept bytes (shared by the page's runs) is nearly spent.
    assert.isAtMost(kept.length, 64 * 1024);
    assert.isAbove(kept.length, head.length + framed.length);
    assert.equal(first.details.rawDropped, first.bytes - kept.length);
    assert.equal(kept, (head + framed.repeat(writes)).slice(0, kept.length), 'the kept start is the bytes as written');
    assert.equal(atob(second.details.raw!), 'c\r\ndata: last\n\n\r\n0\r\n\r\n');
    assert.equal(second.bytes, atob(second.details.raw!).length);
  });
});
