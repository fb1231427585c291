import { assert } from 'chai';
import { listen, startRun, type TestRun } from './fake-context.js';

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
});
