import { Buffer } from 'buffer';
import { assert } from 'chai';
import { MockServer, MockWebSocket } from '../../../src/mocks/ws/mock-socket.js';
import { listen, next, nextEmit, useHarness } from './support.js';

/**
 * The shim's connections run on mock-socket (the design's WebSocket emulation); each test here covers one place where
 * mock-socket differs from Chromium ↔ ws and the shim corrects it, and fails without that correction.
 */
suite('ws shim over mock-socket: the transport, and each correction on top of it', () => {
  const h = useHarness();

  /** A server on 8181, a browser WebSocket to it, open, and the server's socket for it. */
  async function openPair(): Promise<{ wss: any; socket: any; client: WebSocket }> {
    const wss = await listen(h.ws, { port: 8181 });
    const connected = nextEmit<[any]>(wss, 'connection');
    const client = new WebSocket('ws://localhost:8181');
    const [socket] = await connected;
    await next(client, 'open');
    return { wss, socket, client };
  }

  test('a listening server is a mock-socket Server at its URL, and frames pass through mock-socket both ways', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    assert.throws(() => new MockServer('ws://localhost:8181/', { mock: false }), /already listening on this url/);
    wss.on('connection', (socket: any) => socket.on('message', (data: Buffer, isBinary: boolean) => socket.send(data, { binary: isBinary })));

    const sent: unknown[] = [];
    const dispatched: unknown[] = [];
    const send = MockWebSocket.prototype.send;
    const dispatch = MockWebSocket.prototype.dispatchEvent;
    MockWebSocket.prototype.send = function (this: MockWebSocket, data) {
      sent.push(data);
      return send.call(this, data);
    };
    MockWebSocket.prototype.dispatchEvent = function (this: MockWebSocket, event: Event, ...rest: unknown[]) {
      if (event.type === 'message') dispatched.push((event as MessageEvent).data);
      return (dispatch as (...args: unknown[]) => boolean).call(this, event, ...rest);
    };
    try {
      const client = new WebSocket('ws://localhost:8181/?room=1');
      client.binaryType = 'arraybuffer';
      await next(client, 'open');
      client.send('hi');
      assert.equal((await next<MessageEvent>(client, 'message')).data, 'hi');
      // Text that is more than ASCII, a lone surrogate included (a browser sends it as U+FFFD), and back as text.
      client.send('你好 🎉 \ud800');
      assert.equal((await next<MessageEvent>(client, 'message')).data, '你好 🎉 \ufffd');
      client.send(new Uint8Array([1, 2]));
      assert.deepEqual([...new Uint8Array((await next<MessageEvent>(client, 'message')).data)], [1, 2]);
      client.close();
      await next(client, 'close');
    } finally {
      MockWebSocket.prototype.send = send;
      MockWebSocket.prototype.dispatchEvent = dispatch;
    }
    // Client→server through mock-socket's send, server→client through its 'message': text as strings, binary as ArrayBuffers.
    const carried = (d: unknown) => (typeof d === 'string' ? d : [...new Uint8Array(d as ArrayBuffer)]);
    assert.deepEqual(sent.map(carried), ['hi', '你好 🎉 \ufffd', [1, 2]]);
    assert.deepEqual(dispatched.map(carried), ['hi', '你好 🎉 \ufffd', [1, 2]]);

    const closed = nextEmit(wss, 'close');
    wss.close();
    await closed;
    const again = new MockServer('ws://localhost:8181/', { mock: false });
    again.stop();
  });

  test('server→client messages arrive in later tasks, in order (mock-socket: inside send())', async () => {
    const { wss, socket, client } = await openPair();
    const got: string[] = [];
    const all = new Promise<void>((resolve) =>
      client.addEventListener('message', (e) => {
        got.push(e.data);
        if (got.length === 3) resolve();
      }),
    );
    socket.send('1');
    socket.send('2');
    assert.deepEqual(got, [], 'nothing delivered inside send()');
    await Promise.resolve();
    assert.deepEqual(got, [], 'nor in a microtask');
    socket.send('3');
    await all;
    assert.deepEqual(got, ['1', '2', '3']);
  });

  test('client→server messages sent together reach the server together, in one later task, as ws emits what one read brought', async () => {
    const { wss, socket, client } = await openPair();
    // A microtask queued by each handler shows the task boundaries: ws (allowSynchronousEvents, its default) emits the
    // messages of one read one after another, so no microtask runs between them.
    const order: string[] = [];
    const all = new Promise<void>((resolve) =>
      socket.on('message', (data: Buffer) => {
        order.push(`message ${data}`);
        queueMicrotask(() => order.push(`microtask ${data}`));
        if (String(data) === '3') setTimeout(resolve, 0);
      }),
    );
    client.send('1');
    client.send('2');
    client.send('3');
    assert.deepEqual(order, [], 'nothing delivered inside send()');
    await Promise.resolve();
    assert.deepEqual(order, [], 'nor in a microtask');
    await all;
    assert.deepEqual(order, ['message 1', 'message 2', 'message 3', 'microtask 1', 'microtask 2', 'microtask 3']);
  });

  test('a burst wakes mock-socket once per batch, not once per message (its patched delay)', async () => {
    const { socket, client } = await openPair();
    const total = 600;
    let got = 0;
    const all = new Promise<void>((resolve) =>
      socket.on('message', () => {
        if (++got === total) setTimeout(resolve, 0);
      }),
    );
    // Every task the shim and mock-socket ask for is a message on a MessageChannel: count them over the burst.
    const post = MessagePort.prototype.postMessage;
    let posts = 0;
    MessagePort.prototype.postMessage = function (this: MessagePort, ...args: unknown[]) {
      posts++;
      return (post as (...a: unknown[]) => void).apply(this, args);
    };
    try {
      for (let i = 0; i < total; i++) client.send(String(i));
      await all;
    } finally {
      MessagePort.prototype.postMessage = post;
    }
    // 600 messages go over in a few batches of at most 256: a post per message (the patch before) made 600 and more.
    assert.equal(got, total);
    assert.isAtMost(posts, 12, `${posts} tasks asked for`);
  });

  test('a handler that throws in the middle of a batch leaves the rest of it to run next, in order', async () => {
    // mock-socket alone, at a URL of its own: the shim catches its handlers' errors before mock-socket would see them.
    const server = new MockServer('ws://localhost:8199/throws', { mock: false });
    const got: string[] = [];
    const errors: string[] = [];
    const saved = window.onerror;
    // The error reaches the window, as an uncaught one would; here it is expected, not the test's failure.
    window.onerror = (message) => {
      errors.push(String(message));
      return true;
    };
    try {
      let done!: () => void;
      const all = new Promise<void>((resolve) => (done = resolve));
      server.on('connection', (socket: any) =>
        socket.on('message', (data: string) => {
          got.push(data);
          if (data === 'b') throw new Error('boom');
          if (data === 'd') setTimeout(done, 0);
        }),
      );
      const client = new MockWebSocket('ws://localhost:8199/throws');
      await new Promise((resolve) => client.addEventListener('open', resolve));
      for (const m of ['a', 'b', 'c', 'd']) client.send(m);
      await all;
    } finally {
      window.onerror = saved;
      server.stop();
    }
    assert.deepEqual(got, ['a', 'b', 'c', 'd']);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /boom/);
  });

  test('two clients’ messages are two reads: each client’s burst in a task of its own', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const order: string[] = [];
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    wss.on('connection', (socket: any) =>
      socket.on('message', (data: Buffer) => {
        order.push(`message ${data}`);
        queueMicrotask(() => order.push(`microtask ${data}`));
        if (order.filter((o) => o.startsWith('message')).length === 4) setTimeout(done, 0);
      }),
    );
    const a = new WebSocket('ws://localhost:8181');
    const b = new WebSocket('ws://localhost:8181');
    await Promise.all([next(a, 'open'), next(b, 'open')]);
    a.send('a1');
    a.send('a2');
    b.send('b1');
    b.send('b2');
    await all;
    assert.deepEqual(order, ['message a1', 'message a2', 'microtask a1', 'microtask a2', 'message b1', 'message b2', 'microtask b1', 'microtask b2']);
  });

  test('toward the browser, each message keeps a task of its own, as in Chromium', async () => {
    const { wss, socket, client } = await openPair();
    const order: string[] = [];
    const all = new Promise<void>((resolve) =>
      client.addEventListener('message', (e) => {
        order.push(`message ${e.data}`);
        queueMicrotask(() => order.push(`microtask ${e.data}`));
        if (e.data === '3') setTimeout(resolve, 0);
      }),
    );
    socket.send('1');
    socket.send('2');
    socket.send('3');
    await all;
    assert.deepEqual(order, ['message 1', 'microtask 1', 'message 2', 'microtask 2', 'message 3', 'microtask 3']);
  });

  test('typed arrays from the run frame’s realm stay binary both ways (mock-socket stringifies them)', async () => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    try {
      const F = frame.contentWindow as unknown as typeof globalThis;
      const wss = await listen(h.ws, { port: 8181 });
      const connected = nextEmit<[any]>(wss, 'connection');
      const client = new WebSocket('ws://localhost:8181');
      client.binaryType = 'arraybuffer';
      const [socket] = await connected;
      await next(client, 'open');
      const fromClient = nextEmit<[Buffer, boolean]>(socket, 'message');
      client.send(new F.Uint8Array([7, 8]));
      const [data, isBinary] = await fromClient;
      assert.isTrue(isBinary);
      assert.deepEqual([...data], [7, 8]);

      const messages: unknown[] = [];
      const two = new Promise<void>((resolve) =>
        client.addEventListener('message', (e) => {
          messages.push(e.data);
          if (messages.length === 2) resolve();
        }),
      );
      socket.send(new F.Uint8Array([1, 2, 3]));
      socket.send(new F.Uint16Array([0x0102]).buffer);
      await two;
      assert.isTrue(messages.every((m) => m instanceof ArrayBuffer));
      assert.deepEqual(messages.map((m) => [...new Uint8Array(m as ArrayBuffer)]), [[1, 2, 3], [...new Uint8Array(new Uint16Array([0x0102]).buffer)]]);
    } finally {
      frame.remove();
    }
  });

  test('the server hears which socket closed (mock-socket’s server-level close names none)', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const sockets: any[] = [];
    wss.on('connection', (socket: any) => {
      sockets.push(socket);
      socket.on('message', (m: Buffer) => socket.send(`echo ${m}`));
    });
    const a = new WebSocket('ws://localhost:8181');
    await next(a, 'open');
    const b = new WebSocket('ws://localhost:8181');
    await next(b, 'open');
    const [sa, sb] = sockets;
    let aClosed = false;
    sa.on('close', () => (aClosed = true));
    const bClosed = nextEmit<[number, Buffer]>(sb, 'close');
    b.close(4002, 'b leaves');
    const [code, reason] = await bClosed;
    assert.deepEqual([code, reason.toString()], [4002, 'b leaves']);
    assert.isFalse(aClosed);
    assert.equal(sa.readyState, h.ws.OPEN);
    assert.deepEqual([...wss.clients], [sa]);
    a.send('still here');
    assert.equal((await next<MessageEvent>(a, 'message')).data, 'echo still here');
  });

  test('a server close() without a code reaches the browser as 1005, wasClean true (mock-socket: 1000)', async () => {
    const { wss, socket, client } = await openPair();
    const serverClose = nextEmit<[number]>(socket, 'close');
    socket.close();
    const close = await next<CloseEvent>(client, 'close');
    assert.deepEqual([close.code, close.reason, close.wasClean], [1005, '', true]);
    assert.equal((await serverClose)[0], 1005);
  });
});
