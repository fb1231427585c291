import { assert } from 'chai';
import { record } from './tap-recorder.js';

suite('client taps: fetch and XMLHttpRequest', () => {
  let rec: ReturnType<typeof record>;
  const originalFetch = window.fetch;
  const OriginalXhr = window.XMLHttpRequest;
  setup(() => {
    rec = record(window);
  });
  teardown(() => {
    rec.uninstall();
  });

  test('uninstall puts the originals back', () => {
    assert.notStrictEqual(window.fetch, originalFetch);
    rec.uninstall();
    assert.strictEqual(window.fetch, originalFetch);
    assert.strictEqual(window.XMLHttpRequest, OriginalXhr);
  });

  test('a fetch reports request, response and the whole body, and the learner still reads it', async () => {
    const res = await fetch('/package.json', { headers: { 'X-Lesson': 'polling' } });
    const pkg = (await res.json()) as { name: string };
    assert.equal(pkg.name, 'pushlab');
    assert.match(res.url, /\/package\.json$/, 'the real url, not the wrapper Response\'s empty one');
    assert.equal(res.type, 'basic');
    await rec.until((e) => e.kind === 'message');
    const [request, response, message] = rec.events;
    assert.deepEqual(rec.kinds(), ['request', 'response', 'message']);
    assert.equal(request!.conn, response!.conn);
    assert.match(request!.conn, /^http#\d+$/);
    assert.equal(request!.observer, 'client');
    assert.equal(request!.party, 'client');
    assert.equal(request!.direction, 'c2s');
    assert.equal(request!.details.method, 'GET');
    assert.equal(request!.details.headers?.['x-lesson'], 'polling');
    // "GET /package.json HTTP/1.1\r\n" + "Host: …\r\n" + "x-lesson: polling\r\n" + "\r\n"
    const expected = `GET /package.json HTTP/1.1\r\nHost: ${location.host}\r\nx-lesson: polling\r\n\r\n`.length;
    assert.equal(request!.bytes, expected);
    assert.equal(response!.direction, 's2c');
    assert.equal(response!.details.status, 200);
    assert.isAbove(response!.bytes, 'HTTP/1.1 200 OK\r\n\r\n'.length);
    const text = JSON.stringify(pkg);
    assert.equal(JSON.stringify(JSON.parse(message!.body!)), text);
    assert.equal(message!.bytes, Number(res.headers.get('content-length')));
    assert.isAtMost(message!.preview.length, 200);
    assert.isBelow(request!.time, response!.time);
  });

  test('a body that is not JSON fails res.json() with the message a native response gives', async () => {
    const native = await originalFetch('/README.md').then((r) => r.json()).catch((e: Error) => e);
    const tapped = await fetch('/README.md').then((r) => r.json()).catch((e: Error) => e);
    assert.instanceOf(tapped, SyntaxError);
    assert.equal((tapped as Error).message, (native as Error).message);
  });

  test('a POST body is previewed and counted', async () => {
    const body = JSON.stringify({ name: '张三' });
    await fetch('/__nothing_here', { method: 'POST', body }).then((r) => r.text());
    const request = await rec.until((e) => e.kind === 'request');
    assert.equal(request.body, body);
    assert.include(request.preview, '张三');
    const head = `POST /__nothing_here HTTP/1.1\r\nHost: ${location.host}\r\n\r\n`.length;
    assert.equal(request.bytes, head + new TextEncoder().encode(body).length, '张 and 三 are 3 bytes each');
  });

  test('a Request object with a body is read from a clone; the request still goes out', async () => {
    const res = await fetch(new Request('/__nothing_here', { method: 'PUT', body: 'abc' }));
    assert.equal(res.status, 404);
    const request = await rec.until((e) => e.kind === 'request');
    assert.equal(request.body, 'abc');
    assert.equal(request.details.method, 'PUT');
  });

  test('a failed fetch reports an error with the TypeError', async () => {
    let thrown: unknown;
    await fetch('http://127.0.0.1:1/').catch((e: unknown) => (thrown = e));
    assert.instanceOf(thrown, TypeError);
    const error = await rec.until((e) => e.kind === 'error');
    assert.include(error.details.note, 'TypeError');
    assert.deepEqual(rec.kinds(), ['request', 'error']);
  });

  test('an abort reports close, and the learner sees the AbortError', async () => {
    const controller = new AbortController();
    const pending = fetch('/package.json', { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    assert.equal((error as DOMException).name, 'AbortError');
    await rec.until((e) => e.kind === 'close');
    assert.deepEqual(rec.kinds(), ['request', 'close'], 'one close, not one per listener');
  });

  test('cancelling the body reader ends the exchange with close', async function () {
    const res = await fetch('/package.json');
    await res.body!.getReader().cancel();
    const close = await rec.until((e) => e.kind === 'close');
    assert.equal(close.direction, 'c2s');
  });

  test('XMLHttpRequest reports request, response and body', async () => {
    const xhr = new XMLHttpRequest();
    assert.instanceOf(xhr, XMLHttpRequest);
    assert.instanceOf(xhr, OriginalXhr);
    const loaded = new Promise((r) => (xhr.onload = r));
    xhr.open('get', '/package.json');
    xhr.setRequestHeader('X-A', '1');
    xhr.send();
    await loaded;
    assert.include(xhr.responseText, '"pushlab"');
    await rec.until((e) => e.kind === 'message');
    assert.deepEqual(rec.kinds(), ['request', 'response', 'message']);
    assert.equal(rec.events[0]!.details.method, 'GET');
    assert.equal(rec.events[0]!.details.headers?.['x-a'], '1');
    assert.equal(rec.events[1]!.details.status, 200);
    assert.equal(rec.events[1]!.details.headers?.['content-type']?.split(';')[0], 'application/json');
    assert.equal(rec.events[2]!.body, xhr.responseText);
  });

  test('XMLHttpRequest errors and aborts', async () => {
    const failing = new XMLHttpRequest();
    const failed = new Promise((r) => failing.addEventListener('error', r));
    failing.open('GET', 'http://127.0.0.1:1/');
    failing.send();
    await failed;
    const aborted = new XMLHttpRequest();
    aborted.open('GET', '/package.json');
    aborted.send();
    aborted.abort();
    await rec.until((e) => e.kind === 'close');
    const byConn = (kind: string) => rec.events.find((e) => e.kind === kind)!.conn;
    assert.notEqual(byConn('error'), byConn('close'), 'one connection id per exchange');
  });

  test('connection ids are unique and the party comes from the options', async () => {
    rec.uninstall();
    rec = record(window, 'client 2');
    await Promise.all([fetch('/package.json'), fetch('/package.json')]);
    const conns = new Set(rec.events.filter((e) => e.kind === 'request').map((e) => e.conn));
    assert.equal(conns.size, 2);
    assert.isTrue(rec.events.every((e) => e.party === 'client 2'));
  });
});
