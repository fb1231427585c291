import { Buffer } from 'buffer';
import { assert } from 'chai';
import { listen, next, nextEmit, useHarness } from './support.js';

suite('ws shim: messages between the page and require("ws")', () => {
  const h = useHarness();

  test('echoes text; the server gets a Buffer and isBinary false, as ws 8 passes it', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const received: Array<[unknown, boolean]> = [];
    wss.on('connection', (socket: any) => {
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        received.push([data, isBinary]);
        socket.send(data.toString() + ' back', { binary: isBinary });
      });
    });
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    client.send('你好');
    const reply = await next<MessageEvent>(client, 'message');
    assert.equal(reply.data, '你好 back');
    assert.instanceOf(received[0]![0], Buffer);
    assert.equal((received[0]![0] as Buffer).toString('utf8'), '你好');
    assert.equal((received[0]![0] as Buffer).length, 6, 'UTF-8 bytes: a Chinese character takes 3');
    assert.isFalse(received[0]![1]);
  });

  test('the course example: JSON pushed on an interval reaches ws.onmessage', async () => {
    // The course's server.js, with 20 ms for its 1 s interval; timers cleared on 'close' so nothing outlives the test.
    const WebSocketServer = h.ws.Server;
    const wss = new WebSocketServer({ port: 8181 });
    wss.on('connection', function (ws: any) {
      const timer = setInterval(() => ws.send(JSON.stringify({ name: '张三', age: 20 })), 20);
      ws.on('close', () => clearInterval(timer));
    });
    const ws = new WebSocket('ws://localhost:8181');
    const got: unknown[] = [];
    await new Promise<void>((resolve) => {
      ws.onmessage = (e) => {
        got.push(JSON.parse(e.data));
        if (got.length === 3) resolve();
      };
    });
    ws.close();
    assert.deepEqual(got, [
      { name: '张三', age: 20 },
      { name: '张三', age: 20 },
      { name: '张三', age: 20 },
    ]);
  });

  for (const binaryType of ['blob', 'arraybuffer'] as const) {
    test(`binary both ways with binaryType '${binaryType}': bytes intact, not stringified`, async () => {
      const wss = await listen(h.ws, { port: 8181 });
      const fromClient: Array<[Buffer, boolean]> = [];
      wss.on('connection', (socket: any) => {
        socket.on('message', (data: Buffer, isBinary: boolean) => {
          fromClient.push([data, isBinary]);
          if (fromClient.length === 4) {
            socket.send(Buffer.from([1, 2, 255]));
            socket.send(new Uint16Array([0x0102]).buffer);
            socket.send(new Float32Array([1.5]));
          }
        });
      });
      const client = new WebSocket('ws://localhost:8181');
      client.binaryType = binaryType;
      await next(client, 'open');
      client.send(new Uint8Array([9, 8, 7]));
      client.send(new Uint8Array([0, 1, 2, 3, 4]).subarray(1, 3));
      client.send(new Blob([new Uint8Array([42])]));
      client.send(new DataView(new Uint8Array([5, 6]).buffer));
      const bytes: number[][] = [];
      await new Promise<void>((resolve) =>
        client.addEventListener('message', async (e) => {
          const data = e.data as Blob | ArrayBuffer;
          if (binaryType === 'blob') assert.instanceOf(data, Blob);
          else assert.instanceOf(data, ArrayBuffer);
          const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
          bytes.push([...new Uint8Array(buffer)]);
          if (bytes.length === 3) resolve();
        }),
      );
      // A Blob is read asynchronously; the order of the four sends is still kept.
      assert.deepEqual(fromClient.map(([d]) => [...d]), [[9, 8, 7], [1, 2], [42], [5, 6]]);
      assert.isTrue(fromClient.every(([d, isBinary]) => Buffer.isBuffer(d) && isBinary));
      assert.deepEqual(bytes[0], [1, 2, 255]);
      assert.deepEqual(bytes[1], [...new Uint8Array(new Uint16Array([0x0102]).buffer)]);
      assert.deepEqual(bytes[2], [...new Uint8Array(new Float32Array([1.5]).buffer)]);
    });
  }

  test('wss.clients holds the open sockets; a broadcast reaches each one', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    assert.instanceOf(wss.clients, Set);
    const a = new WebSocket('ws://localhost:8181');
    const b = new WebSocket('ws://localhost:8181');
    await Promise.all([next(a, 'open'), next(b, 'open')]);
    assert.equal(wss.clients.size, 2);
    for (const client of wss.clients) if (client.readyState === h.ws.OPEN) client.send('to all');
    const [ma, mb] = await Promise.all([next<MessageEvent>(a, 'message'), next<MessageEvent>(b, 'message')]);
    assert.equal(ma.data, 'to all');
    assert.equal(mb.data, 'to all');
    const closed = nextEmit(wss.clients.values().next().value, 'close');
    a.close();
    await closed;
    assert.equal(wss.clients.size, 1);
  });

  test('routes by port and path, ignoring the query; req.url keeps it, req has the upgrade headers', async () => {
    const plain = await listen(h.ws, { port: 3000 });
    const io = new h.ws.WebSocketServer({ port: 3001, path: '/socket.io/' });
    await nextEmit(io, 'listening');
    const other = await listen(h.ws, { port: 3002 });
    const reqs: any[] = [];
    io.on('connection', (_ws: unknown, req: unknown) => reqs.push(req));
    let wrong = 0;
    plain.on('connection', () => wrong++);
    other.on('connection', () => wrong++);
    const client = new WebSocket('ws://localhost:3001/socket.io/?EIO=4&transport=websocket', ['chat']);
    await next(client, 'open');
    assert.equal(wrong, 0);
    const req = reqs[0];
    assert.equal(req.url, '/socket.io/?EIO=4&transport=websocket');
    assert.equal(req.method, 'GET');
    assert.equal(req.headers.origin, location.origin);
    assert.equal(req.headers.host, 'localhost:3001');
    assert.equal(req.headers.upgrade, 'websocket');
    assert.equal(req.headers['sec-websocket-version'], '13');
    assert.match(req.headers['sec-websocket-key'], /^[A-Za-z0-9+/]{22}==$/);
    assert.equal(req.headers['sec-websocket-protocol'], 'chat');
    assert.equal(req.socket.remoteAddress, '::1');
    assert.equal(client.protocol, 'chat', 'ws accepts the first subprotocol offered');

    // A path the server does not serve is a port nobody answers on that path: the handshake fails.
    const lost = new WebSocket('ws://localhost:3001/elsewhere');
    const close = await next<CloseEvent>(lost, 'close');
    assert.equal(close.code, 1006);
  });

  test('several servers share one http server on different paths', async () => {
    // A stand-in for the http shim's server, with only Node's public API: listening, address(), 'listening'.
    const { EventEmitter } = await import('events');
    const http = Object.assign(new EventEmitter(), {
      listening: false,
      address(): { port: number } | null {
        return this.listening ? { port: 3000 } : null;
      },
    });
    const chat = new h.ws.WebSocketServer({ server: http, path: '/chat' });
    const news = new h.ws.WebSocketServer({ server: http, path: '/news' });
    const listening = nextEmit(chat, 'listening');
    http.listening = true;
    http.emit('listening');
    await listening;
    assert.deepEqual(chat.address(), { port: 3000 });
    const where: string[] = [];
    chat.on('connection', () => where.push('chat'));
    news.on('connection', () => where.push('news'));
    const a = new WebSocket('ws://localhost:3000/news?x=1');
    await next(a, 'open');
    const b = new WebSocket('ws://localhost:3000/chat');
    await next(b, 'open');
    assert.deepEqual(where, ['news', 'chat']);
  });

  test('ping: the browser answers with a pong, the heartbeat of ws', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const connected = nextEmit<[any]>(wss, 'connection');
    const client = new WebSocket('ws://localhost:8181');
    const opened = next(client, 'open');
    const [socket] = await connected;
    const pong = nextEmit<[Buffer]>(socket, 'pong');
    socket.ping('hb');
    const [data] = await pong;
    assert.equal(data.toString(), 'hb');
    await opened;
  });

  test('send callbacks, and what ws does with sends after close and with objects', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const connected = nextEmit<[any]>(wss, 'connection');
    const client = new WebSocket('ws://localhost:8181');
    const [socket] = await connected;
    const sent = await new Promise((resolve) => socket.send('x', resolve));
    assert.isUndefined(sent);
    assert.throws(() => socket.send({ a: 1 }), TypeError, /must be of type string or an instance of Buffer/);
    const closed = next<CloseEvent>(client, 'close');
    socket.close();
    const err = await new Promise<Error>((resolve) => socket.send('late', resolve));
    assert.equal(err.message, 'WebSocket is not open: readyState 2 (CLOSING)');
    await closed;
  });
});
