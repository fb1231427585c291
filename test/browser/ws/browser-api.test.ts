import { assert } from 'chai';
import { listen, next, NativeWebSocket, useHarness } from './support.js';

/** What a call throws, as comparable data: class, name and Chromium's message. */
function thrown(fn: () => unknown): { type: string; name: string; message: string } | 'no throw' {
  try {
    fn();
    return 'no throw';
  } catch (error) {
    const e = error as Error;
    return { type: e.constructor.name, name: e.name, message: e.message };
  }
}

suite('ws shim: the frame’s WebSocket is the browser’s API', () => {
  const h = useHarness();

  test('install puts ours on the window; stop puts the native one back', async () => {
    assert.notStrictEqual(window.WebSocket, NativeWebSocket);
    assert.equal(WebSocket.name, 'WebSocket');
    assert.equal(Object.prototype.toString.call(new WebSocket('ws://localhost:1')), '[object WebSocket]');
    await h.stop();
    assert.strictEqual(window.WebSocket, NativeWebSocket);
    await h.installAgain();
  });

  test('constructor errors are the DOMExceptions Chromium throws, message for message', () => {
    const cases: Array<() => unknown> = [
      () => new (WebSocket as any)(),
      () => new WebSocket('ftp://localhost/'),
      () => new WebSocket('ws://localhost/#top'),
      () => new WebSocket('ws://localhost/#'),
      () => new WebSocket('http://[bad'),
      () => new WebSocket('ws://localhost:1', ['a', 'a']),
      () => new WebSocket('ws://localhost:1', 'a b'),
      () => new WebSocket('ws://localhost:1', ''),
    ];
    for (const make of cases) {
      const ours = thrown(make);
      const native = thrown(() => {
        const saved = window.WebSocket;
        window.WebSocket = NativeWebSocket;
        try {
          return make();
        } finally {
          window.WebSocket = saved;
        }
      });
      assert.deepEqual(ours, native, make.toString());
      assert.notEqual(ours, 'no throw');
    }
  });

  test('relative and http(s) URLs resolve as in current Chromium', () => {
    assert.equal(new WebSocket('/chat?room=1').url, `ws://${location.host}/chat?room=1`);
    assert.equal(new WebSocket('https://localhost:1/x').url, 'wss://localhost:1/x');
    assert.equal(new NativeWebSocket('/chat?room=1').url, `ws://${location.host}/chat?room=1`);
  });

  test('send while CONNECTING throws InvalidStateError, as native', () => {
    const ours = new WebSocket('ws://localhost:1');
    const native = new NativeWebSocket('ws://127.0.0.1:45678');
    const a = thrown(() => ours.send('x'));
    const b = thrown(() => native.send('x'));
    assert.deepEqual(a, b);
    assert.deepEqual(a, {
      type: 'DOMException',
      name: 'InvalidStateError',
      message: "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.",
    });
    native.close();
  });

  test('close() takes 1000 or 3000–4999 and a reason of at most 123 UTF-8 bytes, as native', () => {
    const calls: Array<[unknown, unknown]> = [
      [999, undefined],
      [1001, undefined],
      [5000, undefined],
      ['abc', undefined],
      [1000, '中'.repeat(41) + 'x'], // 124 bytes: a Chinese character takes 3
    ];
    for (const [code, reason] of calls) {
      const ours = new WebSocket('ws://localhost:1');
      const native = new NativeWebSocket('ws://127.0.0.1:45678');
      const a = thrown(() => ours.close(code as number, reason as string));
      const b = thrown(() => native.close(code as number, reason as string));
      assert.deepEqual(a, b, `close(${code}, ${reason})`);
      assert.notEqual(a, 'no throw');
      native.close();
    }
    const ok = new WebSocket('ws://localhost:1');
    assert.equal(thrown(() => ok.close(1000, '中'.repeat(41))), 'no throw', '123 bytes is allowed');
  });

  test('after close, send is dropped silently and bufferedAmount keeps growing (mock-socket: undefined)', async () => {
    const client = new WebSocket('ws://localhost:45678');
    const native = new NativeWebSocket('ws://127.0.0.1:45678');
    await Promise.all([next(client, 'close'), next(native, 'close')]);
    assert.equal(thrown(() => client.send('abcd')), 'no throw');
    assert.equal(thrown(() => native.send('abcd')), 'no throw');
    assert.equal(client.bufferedAmount, native.bufferedAmount);
    assert.equal(client.bufferedAmount, 4);
    client.send(new Uint8Array(10));
    assert.equal(client.bufferedAmount, 14);
  });

  test('bufferedAmount counts bytes queued by send and drains as they leave', async () => {
    await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    assert.strictEqual(client.bufferedAmount, 0);
    client.send('é'); // 2 UTF-8 bytes
    client.send(new ArrayBuffer(5));
    assert.equal(client.bufferedAmount, 7);
    await new Promise<void>((resolve) => {
      const check = () => (client.bufferedAmount === 0 ? resolve() : setTimeout(check, 1));
      check();
    });
  });

  test('readyState moves 0 → 1 → 2 → 3; events are real Event/MessageEvent/CloseEvent; on* and listeners both fire', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    wss.on('connection', (socket: any) => socket.on('message', (m: unknown) => socket.send(String(m))));
    const client = new WebSocket('ws://localhost:8181');
    assert.equal(client.readyState, 0);
    const order: string[] = [];
    client.onopen = (e) => {
      assert.instanceOf(e, Event);
      assert.strictEqual(e.target, client);
      order.push(`onopen ${client.readyState}`);
      client.send('ping');
    };
    client.addEventListener('open', () => order.push('listener open'));
    client.onmessage = (e) => {
      assert.instanceOf(e, MessageEvent);
      assert.equal(e.origin, 'ws://localhost:8181');
      order.push(`onmessage ${e.data}`);
      client.close(1000);
      order.push(`after close() ${client.readyState}`);
    };
    const closed = next<CloseEvent>(client, 'close');
    client.onclose = (e) => {
      assert.instanceOf(e, CloseEvent);
      order.push(`onclose ${client.readyState}`);
    };
    await closed;
    assert.deepEqual(order, ['onopen 1', 'listener open', 'onmessage ping', 'after close() 2', 'onclose 3']);
    assert.strictEqual(client.onerror, null);
    client.onopen = null;
    assert.strictEqual(client.onopen, null);
  });

  test('a replaced on* handler keeps its place; null removes it; binaryType ignores unknown values', async () => {
    await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const order: string[] = [];
    client.onopen = () => order.push('first');
    client.addEventListener('open', () => order.push('listener'));
    client.onopen = () => order.push('replaced');
    await next(client, 'open');
    assert.deepEqual(order, ['replaced', 'listener']);
    client.binaryType = 'foo' as BinaryType;
    assert.equal(client.binaryType, 'blob');
    client.binaryType = 'arraybuffer';
    assert.equal(client.binaryType, 'arraybuffer');
    assert.equal(WebSocket.OPEN, 1);
    assert.equal(client.CLOSED, 3);
  });

  test('hosts other than this machine get the browser’s own WebSocket', () => {
    const remote = new WebSocket('ws://192.0.2.1:8080/');
    assert.instanceOf(remote, NativeWebSocket);
    assert.instanceOf(remote, WebSocket);
    remote.close();
  });
});
