/**
 * Backpressure through the in-browser runtime, observed as a lesson's server and client would: a real fetch whose
 * body the page reads slowly holds the server back (`res.write()` returns false, `writableLength` grows to the
 * high-water mark and no further, 'drain' comes only as the page reads), as a Node server's socket does when the
 * browser stops reading; a page that reads as fast as it can is not slowed. And a WebSocket sender's bufferedAmount
 * over a throttled link, the other side's view of the same thing.
 */
import { assert } from 'chai';
import { until } from './fake-context.js';
import { startRun, type Run } from '../socket.io/support.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const LINE = 'x'.repeat(1023) + '\n';

/** The lesson's right server: a report of `lines` lines, one more only after 'drain' whenever write() said no. */
function reportServer(lines: number) {
  const seen = { falses: 0, drains: 0, mostHeld: 0, made: 0, ended: false, drainTimes: [] as number[] };
  const handler = (_req: Loose, res: Loose) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    const more = () => {
      while (seen.made < lines) {
        const ok = res.write(LINE);
        seen.made++;
        seen.mostHeld = Math.max(seen.mostHeld, res.writableLength);
        if (!ok) {
          seen.falses++;
          res.once('drain', () => {
            seen.drains++;
            seen.drainTimes.push(performance.now());
            more();
          });
          return;
        }
      }
      res.end();
      seen.ended = true;
    };
    more();
  };
  return { seen, handler };
}

suite('backpressure over the in-browser network: a slow reader holds the server back', () => {
  let run: Run;
  const cleanup: Array<() => void> = [];
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    for (const c of cleanup.splice(0)) c();
    await run.stop();
  });

  const listen = (handler: Loose) =>
    new Promise<void>((resolve) => (run.runtime.require('http') as Loose).createServer(handler).listen(3000, () => resolve()));

  test("the runtime's delivery id never reaches the page: not on a short fetch, a long one, nor an XHR", async () => {
    await listen((req: Loose, res: Loose) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(req.url === '/long' ? LINE.repeat(200) : 'short');
    });
    const leaked = (names: Iterable<string>) => [...names].filter((n) => n.toLowerCase().startsWith('x-pushlab'));
    for (const path of ['/short', '/long']) {
      const res = await fetch(path);
      assert.deepEqual(leaked(res.headers.keys()), [], `fetch ${path}`);
      assert.isNull(res.headers.get('x-pushlab-delivery'));
      // A clone is the same response, url and all, as a native one's would be.
      const copy = res.clone();
      assert.equal(copy.url, res.url);
      assert.isTrue(copy.url.endsWith(path));
      assert.isNull(copy.headers.get('x-pushlab-delivery'));
      assert.equal((await res.text()).length, path === '/long' ? 200 * LINE.length : 5);
      assert.equal(await copy.text(), await Promise.resolve(path === '/long' ? LINE.repeat(200) : 'short'));
    }
    const xhr = new XMLHttpRequest();
    xhr.open('GET', '/short');
    await new Promise((resolve) => {
      xhr.onloadend = resolve;
      xhr.send();
    });
    assert.equal(xhr.responseText, 'short');
    assert.notInclude(xhr.getAllResponseHeaders().toLowerCase(), 'x-pushlab');
    assert.isNull(xhr.getResponseHeader('X-Pushlab-Delivery'));
    assert.include(xhr.getAllResponseHeaders().toLowerCase(), 'content-type: text/plain');
  });

  test('a page that stops reading: write() returns false, the server holds one high-water mark, no drain until it reads', async () => {
    const lines = 4000; // 4 MB: far more than the way to the page holds
    const { seen, handler } = reportServer(lines);
    await listen(handler);
    const res = await fetch('/report');
    const reader = res.body!.getReader();
    cleanup.push(() => void reader.cancel().catch(() => {}));
    let read = 0;
    const first = await reader.read();
    read += first.value!.length;
    // The page reads nothing more: the server must come to a stop with write() having said false.
    await until(() => seen.falses > 0 && seen.drains === seen.falses - 1, 5000, 'write() returning false');
    // The way to the page is full once drains stop coming; each read of the page could let one through.
    let stillMade = -1;
    await until(() => {
      const stopped = stillMade === seen.made;
      stillMade = seen.made;
      return stopped;
    }, 5000, 'the server to stop making lines');
    const stoppedAt = seen.made;
    const drainsBefore = seen.drains;
    assert.isFalse(seen.ended);
    assert.isBelow(stoppedAt, lines / 2, 'the server stopped well before the end of the report');
    assert.isAtMost(seen.mostHeld, 64 * 1024 + LINE.length, 'never more than the high-water mark and one line');
    assert.isAtLeast(seen.mostHeld, 64 * 1024, 'held up to the high-water mark');
    console.log(`stopped after ${stoppedAt} KB written, held at most ${seen.mostHeld} bytes, ${seen.falses} falses`);

    // Now the page reads everything, as fast as it can: drains come, and the report ends.
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.length;
    }
    assert.equal(read, lines * LINE.length, 'every byte arrived');
    assert.isTrue(seen.ended);
    assert.isAbove(seen.drains, drainsBefore, 'drains came only when the page read');
    assert.isAtMost(seen.mostHeld, 64 * 1024 + LINE.length);
  });

  test('a page that reads slowly: drains follow its reads, the server never holds more than the high-water mark', async () => {
    const lines = 1500;
    const { seen, handler } = reportServer(lines);
    await listen(handler);
    const res = await fetch('/report');
    const reader = res.body!.getReader();
    cleanup.push(() => void reader.cancel().catch(() => {}));
    const start = performance.now();
    let read = 0;
    const readTimes: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.length;
      readTimes.push(performance.now());
      // 1 byte per ms: 1.5 MB takes about 1.5 s.
      await new Promise((resolve) => setTimeout(resolve, value.length / 1000));
    }
    const took = performance.now() - start;
    assert.equal(read, lines * LINE.length);
    assert.isTrue(seen.ended);
    assert.isAbove(seen.falses, 2, 'write() said false more than once');
    assert.equal(seen.drains, seen.falses);
    assert.isAtMost(seen.mostHeld, 64 * 1024 + LINE.length);
    // Drains were spread over the reading, not all at the start: the last came in the last quarter of it.
    const lastDrain = seen.drainTimes.at(-1)!;
    assert.isAbove(lastDrain - start, took * 0.6, `last drain at ${Math.round(lastDrain - start)} of ${Math.round(took)} ms`);
    console.log(`slow reader: ${readTimes.length} reads in ${Math.round(took)} ms, ${seen.falses} falses, held at most ${seen.mostHeld}`);
  });

  test('a page that reads as fast as it can gets the whole report', async () => {
    const lines = 4000;
    const { seen, handler } = reportServer(lines);
    await listen(handler);
    const res = await fetch('/report');
    const text = await res.text();
    assert.equal(text.length, lines * LINE.length);
    assert.isTrue(seen.ended);
    assert.equal(seen.drains, seen.falses);
  });

  test('an EventSource is not paced by the page: a 300 KB burst of events all arrives, drains come by themselves', async () => {
    const { seen } = reportServer(0);
    await listen((_req: Loose, res: Loose) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      let n = 0;
      const more = () => {
        while (n < 300) {
          if (!res.write(`data: ${n++} ${'x'.repeat(1000)}\n\n`)) {
            seen.falses++;
            return res.once('drain', () => (seen.drains++, more()));
          }
        }
      };
      more();
    });
    const source = new EventSource('/events');
    cleanup.push(() => source.close());
    let got = 0;
    source.onmessage = () => got++;
    await until(() => got === 300, 5000, 'all 300 events');
    assert.isAbove(seen.falses, 0, 'the burst was more than one high-water mark');
    assert.equal(seen.drains, seen.falses);
  });

  test('a server that ignores write() holds everything it wrote: writableLength grows past the high-water mark', async () => {
    const held: number[] = [];
    const falses: boolean[] = [];
    await listen((_req: Loose, res: Loose) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      for (let i = 0; i < 1000; i++) {
        falses.push(!res.write(LINE));
        held.push(res.writableLength);
      }
      res.end();
    });
    const res = await fetch('/report');
    assert.equal((await res.text()).length, 1000 * LINE.length);
    assert.isFalse(falses[0], 'the first write fits');
    assert.isTrue(falses.at(-1), 'the last one does not');
    assert.equal(held.at(-1), 1000 * LINE.length, 'it all waits in the server, written in one task');
  });
});

suite('bufferedAmount over a throttled link: what a WebSocket sender sees queued', () => {
  let run: Run;
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    await run.stop();
  });

  test("the ws server's ws.bufferedAmount holds what the link has not carried yet, and empties as it does", async () => {
    const { WebSocketServer } = run.runtime.require('ws') as Loose;
    const wss = new WebSocketServer({ port: 8181 });
    await new Promise((resolve) => wss.on('listening', resolve));
    const serverSocket = new Promise<Loose>((resolve) => wss.on('connection', resolve));
    const socket = new WebSocket('ws://localhost:8181');
    await new Promise((resolve) => socket.addEventListener('open', resolve));
    let got = 0;
    socket.addEventListener('message', () => got++);
    const ws = await serverSocket;
    run.runtime.network.set({ bandwidthKbps: 80 }); // 10 bytes per ms: 10 KB takes about a second
    for (let i = 0; i < 10; i++) ws.send('x'.repeat(1000));
    assert.equal(ws.bufferedAmount, 10_000, 'all of it queued at once');
    await until(() => got >= 3, 5000, 'three messages');
    const midway = ws.bufferedAmount;
    assert.isBelow(midway, 10_000);
    assert.isAbove(midway, 0, `still queued while the link carries it (${got} arrived)`);
    await until(() => got === 10, 5000, 'every message');
    assert.equal(ws.bufferedAmount, 0);
    socket.close();
    wss.close();
  });
});
