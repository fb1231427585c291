import { assert } from 'chai';
import { listen, startRun, until, type TestRun } from './fake-context.js';

suite('http shim: request and response', () => {
  let run: TestRun;
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    await run.stop();
  });

  test('a relative URL reaches the first listening server and gets its status, headers and body', async () => {
    const server = run.http.createServer((req, res) => {
      res.statusCode = 201;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('X-Seen', `${req.method} ${req.url} ${req.headers['x-test']} ${req.httpVersion}`);
      res.end(JSON.stringify({ ok: true }));
    });
    await listen(server, 3000);
    const response = await fetch('/test?a=1', { headers: { 'X-Test': 'yes' } });
    assert.equal(response.status, 201);
    assert.equal(response.statusText, 'Created');
    assert.equal(response.headers.get('x-seen'), 'GET /test?a=1 yes 1.1');
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(await response.json(), { ok: true });
  });

  test('a POST body arrives through data and end, after the handler returned, as in Node', async () => {
    const seen: string[] = [];
    const server = run.http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      // Attached after a macrotask: Node keeps the body until someone reads it.
      setTimeout(() => {
        req.on('data', (chunk: string) => (body += chunk));
        req.on('end', () => {
          seen.push(body);
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.end(`got ${body.length} chars: ${body}`);
        });
      }, 20);
    });
    await listen(server, 3001);
    const response = await fetch('http://localhost:3001/echo', { method: 'POST', body: '你好, server' });
    assert.equal(await response.text(), 'got 10 chars: 你好, server');
    assert.deepEqual(seen, ['你好, server']);
  });

  test('the body can be read with for await, as a Node Readable', async () => {
    const server = run.http.createServer(async (req, res) => {
      const parts: Uint8Array[] = [];
      for await (const chunk of req) parts.push(chunk as Uint8Array);
      res.end(String(parts.reduce((n, p) => n + p.length, 0)));
    });
    await listen(server, 3002);
    const response = await fetch('http://127.0.0.1:3002/', { method: 'PUT', body: new Uint8Array(1000) });
    assert.equal(await response.text(), '1000');
  });

  test('http://localhost:<port> reaches the server on that port, not the first one', async () => {
    await listen(run.http.createServer((_req, res) => res.end('first')), 4000);
    await listen(run.http.createServer((_req, res) => res.end('second')), 4001);
    assert.equal(await (await fetch('http://localhost:4001/')).text(), 'second');
    assert.equal(await (await fetch('http://localhost:4000/')).text(), 'first');
    assert.equal(await (await fetch('/anything')).text(), 'first');
  });

  test('a port nobody listens on fails as the browser does: TypeError: Failed to fetch', async () => {
    await listen(run.http.createServer((_req, res) => res.end('x')), 4000);
    let error: unknown;
    try {
      await fetch('http://localhost:4999/');
    } catch (e) {
      error = e;
    }
    assert.instanceOf(error, TypeError);
    assert.equal((error as TypeError).message, 'Failed to fetch');
  });

  test('the site files pass through to the real server even while a server answers every path', async () => {
    await listen(run.http.createServer((_req, res) => res.end('learner')), 3000);
    const worker = await fetch('/mockServiceWorker.js');
    assert.include(await worker.text(), 'PACKAGE_VERSION');
  });

  test('a throw in a handler ends the run as Node would crash, and the client sees a network error', async () => {
    const boom = new Error('boom');
    await listen(
      run.http.createServer(() => {
        throw boom;
      }),
      3000,
    );
    let error: unknown;
    try {
      await fetch('/crash');
    } catch (e) {
      error = e;
    }
    assert.instanceOf(error, TypeError);
    assert.deepEqual(run.fatals, [boom]);
  });

  test('headers follow Node rules: lower-case lookup, sent after writeHead, invalid values refused', async () => {
    const errors: string[] = [];
    await listen(
      run.http.createServer((_req, res) => {
        res.setHeader('X-Multi', ['a', 'b']);
        res.setHeader('X-Gone', '1');
        res.removeHeader('x-gone');
        assert.isTrue(res.hasHeader('x-multi'));
        assert.isFalse(res.headersSent);
        try {
          res.setHeader('X-Bad', '中文');
        } catch (e) {
          errors.push((e as { code: string }).code);
        }
        res.writeHead(418, { 'Content-Type': 'text/plain' });
        assert.isTrue(res.headersSent);
        try {
          res.setHeader('X-Late', '1');
        } catch (e) {
          errors.push((e as { code: string }).code);
        }
        try {
          res.write(42);
        } catch (e) {
          errors.push((e as { code: string }).code);
        }
        res.end('teapot');
      }),
      3000,
    );
    const response = await fetch('/h');
    assert.equal(response.status, 418);
    assert.equal(response.statusText, "I'm a Teapot");
    assert.equal(response.headers.get('x-multi'), 'a, b');
    assert.isNull(response.headers.get('x-gone'));
    assert.equal(await response.text(), 'teapot');
    assert.deepEqual(errors, ['ERR_INVALID_CHAR', 'ERR_HTTP_HEADERS_SENT', 'ERR_INVALID_ARG_TYPE']);
  });

  test('server traffic: request with headers and body preview, response head, chunk and close, with bytes', async () => {
    await listen(
      run.http.createServer((req, res) => {
        req.on('data', () => {});
        req.on('end', () => {
          res.setHeader('Content-Type', 'text/plain');
          res.end('pong');
        });
      }),
      3000,
    );
    await (await fetch('/ping', { method: 'POST', body: 'ping body' })).text();
    await until(() => run.events.some((e) => e.kind === 'close'), 2000, 'close event');
    // What the server's API saw; the wire's own 'bytes' records (transport 'tcp') are tested in wire-bytes.test.ts.
    const api = run.events.filter((e) => e.transport !== 'tcp');
    const kinds = api.map((e) => `${e.direction} ${e.kind}`);
    assert.deepEqual(kinds, ['c2s request', 's2c response', 's2c message', 'none close']);
    const [request, response, message] = api;
    assert.equal(request!.observer, 'server');
    assert.equal(request!.transport, 'http');
    assert.equal(request!.details.method, 'POST');
    assert.equal(request!.details.url, '/ping');
    assert.equal(request!.details.headers?.['host'], location.host);
    assert.equal(request!.preview, 'ping body');
    assert.isAbove(request!.bytes, 'POST /ping HTTP/1.1\r\n\r\n'.length + 9);
    assert.equal(response!.details.status, 200);
    assert.equal(response!.details.headers?.['Content-Length'], '4');
    assert.isAbove(response!.bytes, 'HTTP/1.1 200 OK\r\n'.length);
    assert.equal(message!.preview, 'pong');
    assert.equal(message!.bytes, 4);
    assert.equal(new Set(api.map((e) => e.conn)).size, 1);
  });

  test('server.close() stops routing to it; address() and listening follow', async () => {
    const server = run.http.createServer((_req, res) => res.end('x'));
    await listen(server, 0);
    const port = server.address()!.port;
    assert.isAbove(port, 1023);
    assert.isTrue(server.listening);
    assert.equal(await (await fetch(`http://localhost:${port}/`)).text(), 'x');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    assert.isFalse(server.listening);
    assert.isNull(server.address());
    let failed = false;
    await fetch(`http://localhost:${port}/`).catch(() => (failed = true));
    assert.isTrue(failed);
  });

  test('listening twice on one port: the second gets EADDRINUSE, fatal when nobody listens for errors', async () => {
    await listen(run.http.createServer(), 3000);
    const second = run.http.createServer();
    const error = await new Promise<{ code: string }>((resolve) => {
      second.on('error', (e: never) => resolve(e));
      second.listen(3000);
    });
    assert.equal(error.code, 'EADDRINUSE');
    run.http.createServer().listen(3000);
    await until(() => run.fatals.length === 1, 2000, 'fatal');
    assert.equal((run.fatals[0] as { code: string }).code, 'EADDRINUSE');
  });
});
