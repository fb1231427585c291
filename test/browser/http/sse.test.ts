import { assert } from 'chai';
import { listen, startRun, until, type Req, type Res, type TestRun } from './fake-context.js';

/** Opens an EventSource and records what a client would observe. */
function observe(url: string, types: string[] = []) {
  const source = new EventSource(url);
  const seen: Array<{ type: string; data: string; lastEventId: string }> = [];
  const states: number[] = [source.readyState];
  let errors = 0;
  const record = (event: MessageEvent) => seen.push({ type: event.type, data: event.data, lastEventId: event.lastEventId });
  source.onmessage = record;
  for (const type of types) source.addEventListener(type, (event) => record(event as MessageEvent));
  source.onopen = () => states.push(source.readyState);
  source.onerror = () => {
    errors++;
    states.push(source.readyState);
  };
  return { source, seen, states, errors: () => errors };
}

/** Chromium's own EventSource, taken before any run replaces it: what the runtime's must behave like. */
const NativeEventSource = window.EventSource;

suite('http shim: server-sent events through the runtime\'s EventSource, as Chromium\'s behaves', () => {
  let run: TestRun;
  const sources: EventSource[] = [];
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    for (const source of sources.splice(0)) source.close();
    await run.stop();
  });

  test('events arrive one by one while the stream is open, not at its end', async () => {
    let res!: Res;
    await listen(
      run.http.createServer((_req, r) => {
        res = r;
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.write('data: first\n\n');
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.seen.length === 1, 3000, 'first event');
    assert.isFalse(res.writableEnded, 'the response is still open');
    res.write('data: second\n\n');
    await until(() => client.seen.length === 2, 3000, 'second event');
    assert.deepEqual(client.seen.map((e) => e.data), ['first', 'second']);
    assert.deepEqual(client.states, [0, 1]);
    client.source.close();
    assert.equal(client.source.readyState, 2);
  });

  test('many events written in one task, one split across two writes: each its own event, in order, the microtasks of each handler before the next', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        for (let i = 0; i < 50; i++) res.write(`id: ${i}\ndata: event ${i}\n\n`);
        // An event whose end comes in a second write of the same task, then one in a later task.
        res.write('data: split');
        res.write(' across writes\n\n');
        setTimeout(() => res.write('data: later\n\n'), 0);
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    // As from a real server: a microtask queued by one handler runs before the next event's handler.
    const order: string[] = [];
    client.source.addEventListener('message', (event) => {
      order.push(event.data);
      queueMicrotask(() => order.push(`after ${event.data}`));
    });
    await until(() => client.seen.length === 52, 3000, 'every event');
    const expected = [...Array.from({ length: 50 }, (_, i) => `event ${i}`), 'split across writes', 'later'];
    assert.deepEqual(client.seen.map((e) => e.data), expected);
    assert.deepEqual(client.seen.slice(0, 50).map((e) => e.lastEventId), Array.from({ length: 50 }, (_, i) => String(i)));
    assert.deepEqual(order, expected.flatMap((data) => [data, `after ${data}`]));
  });

  test('2 MB written in one task reach the client a 64 KiB read per task, as Chromium reads a response', async () => {
    let write!: () => void;
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write(': open\n\n');
        write = () => {
          for (let i = 0; i < 20_000; i++) res.write(`data: ${String(i).padStart(90, '.')}\n\n`);
        };
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.states.includes(1), 3000, 'open');
    // Events between two of the page's tasks: at most a read's worth (64 KiB of 98-byte events), never all 20,000
    // in one task, whose handlers together the run's loop guard would take for an endless loop.
    const channel = new MessageChannel();
    let before = 0;
    let most = 0;
    channel.port1.onmessage = () => {
      most = Math.max(most, client.seen.length - before);
      before = client.seen.length;
      if (client.seen.length < 20_000) channel.port2.postMessage(0);
    };
    write();
    channel.port2.postMessage(0);
    await until(() => client.seen.length === 20_000, 10_000, 'every event');
    channel.port1.close();
    // 98 bytes each; an event cut by a read's end is dispatched with the next read.
    assert.isAtMost(most, Math.ceil(65536 / 98) + 1);
    assert.isAtLeast(most, 100, 'a read is dispatched in one task, not an event per task');
    assert.deepEqual(client.seen.slice(-1).map((e) => e.data), ['19999'.padStart(90, '.')]);
  });

  test('the stream format as the browser parses it: id, event, comments, multi-line data, LF, CRLF and CR', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write(': a comment\n\n');
        res.write('id: 1\ndata: line one\ndata: line two\n\n');
        res.write('event: custom\r\ndata: crlf\r\n\r\n');
        res.write('event: ignored-by-onmessage\rdata: cr\r\r');
        res.write('data: keeps id 1\n\n');
        res.write('id\ndata: id reset\n\n');
        res.write('data: split ');
        res.write('across writes\n\n');
      }),
      3000,
    );
    const client = observe('/events', ['custom']);
    sources.push(client.source);
    await until(() => client.seen.length === 5, 3000, 'five events');
    assert.deepEqual(client.seen, [
      { type: 'message', data: 'line one\nline two', lastEventId: '1' },
      { type: 'custom', data: 'crlf', lastEventId: '1' },
      { type: 'message', data: 'keeps id 1', lastEventId: '1' },
      { type: 'message', data: 'id reset', lastEventId: '' },
      { type: 'message', data: 'split across writes', lastEventId: '' },
    ]);
  });

  test('after the stream ends the browser reconnects, and the server reads Last-Event-ID', async () => {
    const lastIds: Array<string | undefined> = [];
    await listen(
      run.http.createServer((req, res) => {
        lastIds.push(req.headers['last-event-id']);
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        const n = lastIds.length;
        if (n === 1) res.end('retry: 10\nid: 7\ndata: a\n\n');
        else if (n === 2) res.end('id: 8\n\n'); // an id with no data: no event, but the id counts
        else res.write('data: third connection\n\n');
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => lastIds.length === 3, 5000, 'two reconnections');
    assert.deepEqual(lastIds, [undefined, '7', '8']);
    await until(() => client.seen.length === 2, 3000, 'events');
    assert.deepEqual(client.seen.map((e) => e.data), ['a', 'third connection']);
    assert.includeMembers(client.states, [0, 1]);
  });

  test('a new EventSource to the same URL starts without Last-Event-ID', async () => {
    const lastIds: Array<string | undefined> = [];
    await listen(
      run.http.createServer((req, res) => {
        lastIds.push(req.headers['last-event-id']);
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('id: 42\ndata: x\n\n');
      }),
      3000,
    );
    const first = observe('/events');
    await until(() => first.seen.length === 1, 3000, 'first');
    first.source.close();
    const second = observe('/events');
    sources.push(second.source);
    await until(() => second.seen.length === 1, 3000, 'second');
    assert.deepEqual(lastIds, [undefined, undefined]);
  });

  test('204 stops reconnection: readyState goes to CLOSED and no further request comes', async () => {
    let requests = 0;
    await listen(
      run.http.createServer((_req, res) => {
        requests++;
        if (requests === 1) {
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          res.end('retry: 10\ndata: only\n\n');
        } else {
          res.writeHead(204);
          res.end();
        }
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.source.readyState === 2, 5000, 'CLOSED');
    assert.equal(requests, 2);
    // The error that reported the first end came while reconnecting (0); the 204 one with CLOSED (2).
    assert.deepEqual(client.states, [0, 1, 0, 2]);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(requests, 2);
  });

  test('EventSource.close() reaches the server as req close, and a timer cleared there stops', async () => {
    let ticks = 0;
    let closedReq: Req | undefined;
    await listen(
      run.http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.flushHeaders();
        const timer = setInterval(() => res.write(`data: ${++ticks}\n\n`), 20);
        req.on('close', () => {
          clearInterval(timer);
          closedReq = req;
        });
      }),
      3000,
    );
    const client = observe('/events');
    await until(() => client.seen.length >= 2, 3000, 'events');
    client.source.close();
    await until(() => closedReq !== undefined, 3000, "req 'close'");
    const ticksAtClose = ticks;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(ticks, ticksAtClose);
  });

  test('flushHeaders opens the EventSource before the first event', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.flushHeaders();
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.source.readyState === 1, 3000, 'OPEN');
    assert.deepEqual(client.seen, []);
  });

  test('a port nobody listens on gives the EventSource an error', async () => {
    const client = observe('http://localhost:4999/events');
    sources.push(client.source);
    await until(() => client.errors() > 0, 3000, 'error');
    assert.deepEqual(client.seen, []);
  });

  test('malformed streams behave as in Chromium: no blank line, a non-numeric retry', async () => {
    let requests = 0;
    await listen(
      run.http.createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        if (requests === 1) res.end('retry: soon\nretry: 10\nretry: 1x\ndata: ok\n\ndata: never dispatched');
        else res.write('data: back\n\n');
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.seen.length === 2, 5000, 'reconnected event');
    // The unfinished event is dropped; the bad retry values are ignored and 10 ms kept (the reconnect came quickly).
    assert.deepEqual(client.seen.map((e) => e.data), ['ok', 'back']);
    const notDispatched = run.events.find((e) => e.details.note?.startsWith('not dispatched'));
    assert.equal(notDispatched?.body, 'data: never dispatched');
    const retryNotes = run.events.filter((e) => e.details.note?.includes('retry takes only digits'));
    assert.equal(retryNotes.length, 1);
    assert.equal(retryNotes[0]!.details.retry, 10);
  });

  test('a stream that ends in CR CR: the client gets the event, and the server’s traffic shows it dispatched', async () => {
    let requests = 0;
    await listen(
      run.http.createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        if (requests === 1) res.end('retry: 10\rdata: last\r\r');
        else res.write('data: back\n\n');
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.seen.length === 2, 5000, 'the event and the reconnection');
    assert.deepEqual(client.seen.map((e) => e.data), ['last', 'back']);
    const server = run.events.filter((e) => e.observer === 'server' && e.kind === 'message');
    assert.include(server.map((e) => e.preview), 'last');
    assert.isFalse(server.some((e) => e.details.note?.startsWith('not dispatched')), 'nothing is left undispatched');
  });

  test('server traffic: transport sse, one message per SSE event with id and type, the raw block kept', async () => {
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('id: 1\nevent: tick\ndata: {"n":1}\n\n: ping\n\ndata: plain\n\n');
      }),
      3000,
    );
    const client = observe('/events', ['tick']);
    sources.push(client.source);
    await until(() => client.seen.length === 2, 3000, 'events');
    const sse = run.events.filter((e) => e.transport === 'sse');
    assert.deepEqual(sse.map((e) => e.kind), ['request', 'response', 'message', 'message', 'message']);
    const [, , tick, ping, plain] = sse;
    assert.equal(tick!.details.eventId, '1');
    assert.equal(tick!.details.eventType, 'tick');
    assert.equal(tick!.preview, '{"n":1}');
    assert.equal(tick!.body, 'id: 1\nevent: tick\ndata: {"n":1}\n\n');
    assert.equal(tick!.bytes, tick!.body!.length);
    assert.include(ping!.details.note ?? '', 'comment');
    assert.equal(plain!.details.eventType, 'message');
    assert.isUndefined(plain!.details.eventId);
  });

  test("the API as Chromium's: constants, url, withCredentials, instanceof, the constructor's errors word for word", async () => {
    assert.notStrictEqual(EventSource, NativeEventSource, "browser mode's EventSource is the runtime's");
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.write('data: x\n\n');
      }),
      3000,
    );
    const source = new EventSource('/events?a=1', { withCredentials: true });
    sources.push(source);
    assert.equal(source.url, new URL('/events?a=1', location.href).href);
    assert.isTrue(source.withCredentials);
    assert.deepEqual([EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED, source.CLOSED], [0, 1, 2, 2]);
    assert.instanceOf(source, EventSource);
    assert.instanceOf(source, EventTarget);
    assert.equal(Object.prototype.toString.call(source), '[object EventSource]');
    const event = await new Promise<MessageEvent>((resolve) => (source.onmessage = resolve));
    assert.instanceOf(event, MessageEvent);
    assert.equal(event.origin, location.origin);
    const thrown = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
      return 'nothing';
    };
    for (const args of [['http://['], []] as unknown[][]) {
      const ours = thrown(() => new (EventSource as unknown as new (...a: unknown[]) => unknown)(...args));
      assert.equal(ours, thrown(() => new (NativeEventSource as unknown as new (...a: unknown[]) => unknown)(...args)));
      assert.notEqual(ours, 'nothing');
    }
  });

  test('a status other than 200, or a type other than text/event-stream, fails the connection: CLOSED, no reconnection', async () => {
    const requests: string[] = [];
    await listen(
      run.http.createServer((req, res) => {
        requests.push(req.url!);
        if (req.url === '/500') {
          res.writeHead(500, { 'Content-Type': 'text/event-stream' });
          res.end('data: no\n\n');
        } else {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end('data: no\n\n');
        }
      }),
      3000,
    );
    for (const path of ['/500', '/plain']) {
      const client = observe(path);
      sources.push(client.source);
      await until(() => client.errors() === 1, 3000, `${path} fails`);
      assert.deepEqual(client.states, [0, 2], `${path}: never open, then CLOSED`);
      assert.deepEqual(client.seen, []);
    }
    // Well past a reconnection time the stream could have set: no second request for either.
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(requests, ['/500', '/plain']);
  });

  test('close() in a handler: no further event of the same chunk, no reconnection', async () => {
    let requests = 0;
    await listen(
      run.http.createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.end('retry: 10\ndata: 1\n\ndata: 2\n\ndata: 3\n\n');
      }),
      3000,
    );
    const source = new EventSource('/events');
    const seen: string[] = [];
    source.onmessage = (e) => {
      seen.push(e.data);
      if (e.data === '2') source.close();
    };
    await until(() => seen.length === 2, 3000, 'two events');
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(seen, ['1', '2']);
    assert.equal(source.readyState, 2);
    assert.equal(requests, 1);
  });

  test('a redirect is followed; a BOM at the start of the stream is dropped; the origin is the final URL\'s', async () => {
    await listen(
      run.http.createServer((req, res) => {
        if (req.url === '/old') {
          res.writeHead(302, { Location: 'http://localhost:3001/new' });
          res.end();
          return;
        }
      }),
      3000,
    );
    await listen(
      run.http.createServer((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
        res.write('\uFEFFdata: after the BOM\n\n');
      }),
      3001,
    );
    const source = new EventSource('/old');
    sources.push(source);
    const event = await new Promise<MessageEvent>((resolve) => (source.onmessage = resolve));
    assert.equal(event.data, 'after the BOM');
    assert.equal(event.origin, 'http://localhost:3001');
    assert.equal(source.url, new URL('/old', location.href).href, 'url stays the one asked for');
  });

  test('close() in onopen ends the request: the server sees its client go', async () => {
    let closed = false;
    await listen(
      run.http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.flushHeaders();
        req.on('close', () => (closed = true));
      }),
      3000,
    );
    const source = new EventSource('/events');
    source.onopen = () => source.close();
    await until(() => closed, 3000, "the server's 'close'");
    assert.equal(source.readyState, 2);
  });

  test('close() before the head ends the request too: the handler that has not answered yet sees its client go', async () => {
    const seen: string[] = [];
    let answer: (() => void) | undefined;
    await listen(
      run.http.createServer((req, res) => {
        seen.push('request');
        req.on('close', () => seen.push(`close, aborted ${req.aborted}`));
        // Answers later, as a server that first looks something up: by then the client has gone, and, as in Node,
        // writing to it throws nothing and reaches nobody.
        answer = () => {
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          res.write('data: late\n\n');
        };
      }),
      3000,
    );
    const source = new EventSource('/events');
    const messages: string[] = [];
    source.onmessage = (event) => messages.push(event.data);
    await until(() => seen.includes('request'), 3000, 'the request');
    source.close();
    await until(() => seen.length > 1, 3000, "the server's 'close'");
    assert.deepEqual(seen, ['request', 'close, aborted true']);
    answer!();
    // A later source on the same server gets its answer: the late one had its chance to arrive first.
    const next = new EventSource('/events');
    sources.push(next);
    await until(() => seen.filter((s) => s === 'request').length === 2, 3000, 'the second request');
    answer!();
    await new Promise<void>((resolve) => next.addEventListener('message', () => resolve(), { once: true }));
    assert.deepEqual(messages, [], 'nothing reaches a closed EventSource');
    assert.equal(source.readyState, 2);
  });

  test('a run that stops (as after a crash) runs no handler of a request still waiting, though its EventSource closes', async () => {
    const seen: string[] = [];
    await listen(
      run.http.createServer((req) => {
        seen.push('request');
        req.on('close', () => seen.push('close'));
      }),
      3000,
    );
    const source = new EventSource('/events');
    sources.push(source);
    await until(() => seen.includes('request'), 3000, 'the request');
    await run.stop();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen, ['request'], 'Node runs nothing of a server that is gone');
    assert.notInclude(
      run.events.filter((e) => e.observer === 'server').map((e) => e.preview),
      'client went away',
      'the record says the run stopped, not that the client left',
    );
  });

  test('new EventSource then close() in the same task sends no request, as in Chromium', async () => {
    let requests = 0;
    await listen(
      run.http.createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.end();
      }),
      3000,
    );
    new EventSource('/events').close();
    // A second source that does connect, to know the first had its chance.
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.states.includes(1), 3000, 'the second opens');
    assert.equal(requests, 1);
  });

  test('an id outside Latin-1 comes back as its UTF-8 bytes in Last-Event-ID, as Node reads what Chromium sends', async () => {
    const lastIds: Array<string | undefined> = [];
    await listen(
      run.http.createServer((req, res) => {
        lastIds.push(req.headers['last-event-id']);
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        if (lastIds.length === 1) res.end('retry: 10\nid: 日本-7\ndata: a\n\n');
        else res.write('data: b\n\n');
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.seen.length === 2, 5000, 'the reconnection');
    assert.equal(client.seen[0]!.lastEventId, '日本-7');
    // Node decodes header bytes as Latin-1: the UTF-8 bytes of the id, one character each.
    assert.equal(lastIds[1], String.fromCharCode(...new TextEncoder().encode('日本-7')));
  });

  test('retry: past what a timer holds waits, rather than wrapping around to a few ms', async () => {
    let requests = 0;
    await listen(
      run.http.createServer((_req, res) => {
        requests++;
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        // 2^32 + 10: a timer's delay is taken modulo 2^32 (WebIDL long), which would make it 10 ms.
        res.end('retry: 4294967306\ndata: once\n\n');
      }),
      3000,
    );
    const client = observe('/events');
    sources.push(client.source);
    await until(() => client.errors() === 1, 3000, 'the end of the stream');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(requests, 1);
    assert.equal(client.source.readyState, 0, 'still CONNECTING, waiting');
  });

  test('to a host no in-browser server has, the EventSource is Chromium\'s own', async () => {
    const source = new EventSource('http://example.invalid/events');
    sources.push(source);
    assert.strictEqual(Object.getPrototypeOf(source), NativeEventSource.prototype);
    assert.instanceOf(source, EventSource);
  });
});
