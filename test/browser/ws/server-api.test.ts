import { assert } from 'chai';
import { EventEmitter } from 'events';
import { listen, next, nextEmit, useHarness } from './support.js';

suite('ws shim: WebSocketServer as ws 8 has it', () => {
  // One test here ends the run on purpose: teardown does not require a run without fatal errors.
  const h = useHarness({ allowFatals: true });

  test('require("ws") is the WebSocket class with Server and WebSocketServer on it; constants as in ws', () => {
    assert.strictEqual(h.ws.Server, h.ws.WebSocketServer);
    assert.strictEqual(h.ws.WebSocket, h.ws);
    assert.deepEqual([h.ws.CONNECTING, h.ws.OPEN, h.ws.CLOSING, h.ws.CLOSED], [0, 1, 2, 3]);
    assert.throws(() => new h.ws('ws://localhost:8181'), /not available in the in-browser runtime/);
    assert.throws(() => new h.ws.Server({}), TypeError, 'One and only one of the "port", "server", or "noServer" options must be specified');
  });

  test("'listening' fires later, never synchronously; address() and the callback", async () => {
    let called = false;
    const wss = new h.ws.Server({ port: 8181 }, () => (called = true));
    assert.isNull(wss.address());
    assert.isFalse(called);
    await nextEmit(wss, 'listening');
    assert.isTrue(called);
    assert.deepEqual(wss.address(), { address: '::', family: 'IPv6', port: 8181 });
  });

  test('port 0 picks a free port; a taken port is EADDRINUSE on the error event', async () => {
    const any = await listen(h.ws, { port: 0 });
    assert.isAbove(any.address().port, 1024);
    await listen(h.ws, { port: 8181 });
    const again = new h.ws.Server({ port: 8181 });
    const [error] = await nextEmit<[Error & { code: string }]>(again, 'error');
    assert.equal(error.code, 'EADDRINUSE');
    assert.equal(error.message, 'listen EADDRINUSE: address already in use :::8181');
  });

  test('an unhandled server error ends the run, as it crashes Node', async () => {
    await listen(h.ws, { port: 8181 });
    const fatal = h.nextFatal();
    new h.ws.Server({ port: 8181 });
    assert.match(String(await fatal), /EADDRINUSE/);
    // One error, one end: let the task that reported it finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(h.fatals.length, 1);
    assert.match(String(h.fatals[0]), /EADDRINUSE/);
  });

  test('{ server } follows the http server: nothing before it listens, then its port', async () => {
    const http = Object.assign(new EventEmitter(), {
      listening: false,
      address(): { port: number } | null {
        return this.listening ? { port: 3000 } : null;
      },
    });
    const wss = new h.ws.Server({ server: http });
    const early = new WebSocket('ws://localhost:3000');
    assert.equal((await next<CloseEvent>(early, 'close')).code, 1006);
    http.listening = true;
    http.emit('listening');
    const connected = nextEmit(wss, 'connection');
    const client = new WebSocket('ws://localhost:3000/any/path');
    await next(client, 'open');
    await connected;
  });

  test('close(): stops accepting, open connections stay (ws 8), close fires when the last one ends', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    let closed = false;
    wss.close(() => (closed = true));
    const refused = new WebSocket('ws://localhost:8181');
    assert.equal((await next<CloseEvent>(refused, 'close')).code, 1006);
    assert.isFalse(closed);
    assert.equal(client.readyState, WebSocket.OPEN);
    const done = nextEmit(wss, 'close');
    client.close();
    await done;
    assert.isTrue(closed);
  });

  test('verifyClient and handleProtocols decide the handshake', async () => {
    const wss = await listen(h.ws, {
      port: 8181,
      verifyClient: (info: { origin: string; req: { url: string } }) => info.origin === location.origin && !info.req.url.includes('deny'),
      handleProtocols: (protocols: Set<string>) => (protocols.has('v2') ? 'v2' : false),
    });
    let connections = 0;
    wss.on('connection', () => connections++);
    const denied = new WebSocket('ws://localhost:8181/deny');
    assert.equal((await next<CloseEvent>(denied, 'close')).code, 1006);
    const picked = new WebSocket('ws://localhost:8181', ['v1', 'v2']);
    await next(picked, 'open');
    assert.equal(picked.protocol, 'v2');
    const none = new WebSocket('ws://localhost:8181', ['v1']);
    assert.equal((await next<CloseEvent>(none, 'close')).code, 1006);
    assert.equal(connections, 1);
  });

  test('ws’s EventTarget style: socket.onmessage gets { data } with text as a string', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const got: unknown[] = [];
    wss.on('connection', (socket: any) => {
      socket.onmessage = (event: { data: unknown }) => {
        got.push(event.data);
        socket.send('ok');
      };
    });
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    client.send('text');
    await next(client, 'message');
    assert.deepEqual(got, ['text']);
  });

  test('a throw in a message handler ends the run (Node would crash) and other connections still work', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    wss.on('connection', (socket: any) =>
      socket.on('message', (m: unknown) => {
        if (String(m) === 'boom') throw new Error('handler failed');
        socket.send('fine');
      }),
    );
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    client.send('boom');
    client.send('again');
    await next(client, 'message');
    assert.equal(h.fatals.length, 1);
    assert.equal((h.fatals[0] as Error).message, 'handler failed');
  });

  test('stop(): in-flight frames are dropped, no event fires afterwards, the port is free for the next run', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const [socket] = await nextEmit<[any]>(wss, 'connection');
    await next(client, 'open');
    const after: string[] = [];
    for (const type of ['message', 'close', 'error']) client.addEventListener(type, () => after.push(type));
    socket.on('message', () => after.push('server message'));
    socket.send('in flight');
    client.send('in flight');
    await h.stop();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.deepEqual(after, []);
    await h.installAgain();
    await listen(h.ws, { port: 8181 });
  });
});
