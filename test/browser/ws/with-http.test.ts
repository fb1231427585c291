import { assert } from 'chai';
import { installWs } from '../../../src/mocks/ws/index.js';
import type { ShimInstall } from '../../../src/mocks/context.js';
import { listen, startRun, type TestRun } from '../http/fake-context.js';
import { next, nextEmit } from './support.js';

/** The course's other shape: ws on the http shim's server, `new WebSocket.Server({ server })` then `server.listen()`. */
suite('ws shim on the http shim’s server', () => {
  let run: TestRun;
  let ws: ShimInstall;
  setup(async () => {
    run = await startRun();
    ws = await installWs(run.ctx);
  });
  teardown(async () => {
    await ws.stop();
    await run.stop();
    assert.deepEqual(run.fatals, []);
  });

  test('http and ws share port 3000; a URL on the page’s own origin reaches the lesson’s server too', async () => {
    const server = run.http.createServer((_req, res) => res.end('plain http'));
    const WebSocketServer = (ws.modules['ws'] as any).Server;
    const wss = new WebSocketServer({ server, path: '/live' });
    const listening = nextEmit(wss, 'listening');
    await listen(server, 3000);
    await listening;
    assert.equal(wss.address().port, 3000);
    const urls: string[] = [];
    wss.on('connection', (socket: any, req: { url: string }) => {
      urls.push(req.url);
      socket.send('hello');
    });
    const direct = new WebSocket('ws://localhost:3000/live?v=1');
    assert.equal((await next<MessageEvent>(direct, 'message')).data, 'hello');
    const relative = new WebSocket('/live');
    assert.equal((await next<MessageEvent>(relative, 'message')).data, 'hello');
    assert.deepEqual(urls, ['/live?v=1', '/live']);
    assert.equal(await (await fetch('http://localhost:3000/')).text(), 'plain http');
  });
});
