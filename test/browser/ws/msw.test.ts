import { assert } from 'chai';
import { http } from 'msw';
import { setupWorker } from 'msw/browser';
import { harness, listen, next, NativeWebSocket, type Harness } from './support.js';

/**
 * msw 2's setupWorker patches `window.WebSocket` with its interceptor on start. The run frame starts MSW (http shim)
 * before it installs ours, and a lesson could start msw itself later: in both orders a client must reach our server.
 */
async function echoThrough(h: Harness): Promise<string> {
  const wss = await listen(h.ws, { port: 8181 });
  wss.on('connection', (socket: any) => socket.on('message', (m: unknown) => socket.send(`echo ${m}`)));
  const client = new WebSocket('ws://localhost:8181');
  await next(client, 'open');
  client.send('hi');
  const reply = await next<MessageEvent>(client, 'message');
  client.close();
  await next(client, 'close');
  return reply.data;
}

suite('ws shim with msw’s setupWorker in the same window', () => {
  let worker: ReturnType<typeof setupWorker>;
  setup(() => {
    worker = setupWorker(http.get('/__never', () => new Response('')));
  });
  teardown(async () => {
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  });

  test('msw started first, then ours: the client gets ours and reaches the server', async () => {
    await worker.start({ quiet: true, onUnhandledRequest: 'bypass', serviceWorker: { url: '/mockServiceWorker.js' } });
    const patchedByMsw = window.WebSocket;
    assert.notStrictEqual(patchedByMsw, NativeWebSocket, 'msw patched the WebSocket');
    const h = await harness();
    try {
      assert.notStrictEqual(window.WebSocket, patchedByMsw);
      assert.equal(await echoThrough(h), 'echo hi');
      assert.equal(h.traffic.filter((t) => t.kind === 'open').length, 1);
    } finally {
      await h.stop();
      assert.strictEqual(window.WebSocket, patchedByMsw, 'stop puts back what was there');
      worker.stop();
    }
    assert.strictEqual(window.WebSocket, NativeWebSocket);
  });

  test('ours first, then msw: msw passes the connection through to ours', async () => {
    const h = await harness();
    await worker.start({ quiet: true, onUnhandledRequest: 'bypass', serviceWorker: { url: '/mockServiceWorker.js' } });
    try {
      assert.equal(await echoThrough(h), 'echo hi');
      assert.equal(h.traffic.filter((t) => t.kind === 'open').length, 1, 'it reached our server');
    } finally {
      worker.stop();
      await h.stop();
    }
    assert.strictEqual(window.WebSocket, NativeWebSocket);
  });
});
