import { assert } from 'chai';
import { FakeWebSocket, standInWindow } from './fake-sockets.js';
import { record } from './tap-recorder.js';

suite('client taps: WebSocket', () => {
  test('the wrapped class still looks like the original to learner code', () => {
    const win = standInWindow();
    const rec = record(win);
    const WS = win.WebSocket;
    assert.notStrictEqual(WS, FakeWebSocket as unknown);
    assert.equal(WS.OPEN, 1);
    assert.equal(WS.CLOSED, 3);
    const ws = new WS('ws://localhost:8181');
    assert.instanceOf(ws, WS);
    assert.instanceOf(ws, FakeWebSocket);
    class Mine extends WS {}
    assert.instanceOf(new Mine('ws://x'), FakeWebSocket, 'a learner subclass still constructs');
    rec.uninstall();
    assert.strictEqual(win.WebSocket, FakeWebSocket as unknown);
  });

  test('open, frames both ways with header sizes, close with code and reason', async () => {
    const win = standInWindow();
    const rec = record(win);
    const ws = new win.WebSocket('ws://localhost:8181') as unknown as FakeWebSocket;
    const received: unknown[] = [];
    ws.onmessage = (e) => received.push(e.data);
    assert.throws(() => ws.send('too early'), /CONNECTING/);
    ws.serverOpen();
    ws.send('hello');
    ws.send('x'.repeat(200));
    ws.send(new Uint8Array([1, 2, 255]));
    ws.serverSend(JSON.stringify({ name: '张三', age: 20 }));
    ws.serverSend(new Uint8Array([0xde, 0xad]).buffer);
    ws.close(4001, 'bye');
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(received.length, 2, 'onmessage still works');
    assert.deepEqual(rec.kinds(), ['open', 'frame', 'frame', 'frame', 'frame', 'frame', 'close', 'close']);
    const [open, hello, long, bin, fromServer, binFromServer, closeCall, closed] = rec.events;
    assert.equal(open!.conn, 'ws#1');
    assert.equal(open!.transport, 'ws');
    assert.equal(open!.details.url, 'ws://localhost:8181');
    assert.equal(hello!.direction, 'c2s');
    assert.equal(hello!.bytes, 2 + 4 + 5, '2-byte header, 4-byte mask, payload');
    assert.equal(long!.bytes, 2 + 2 + 4 + 200, '126+ bytes take a 16-bit length');
    assert.isTrue(bin!.details.binary);
    assert.equal(bin!.body, '01 02 ff');
    assert.equal(fromServer!.direction, 's2c');
    const json = JSON.stringify({ name: '张三', age: 20 });
    assert.equal(fromServer!.body, json);
    assert.equal(fromServer!.bytes, 2 + new TextEncoder().encode(json).length, 'server frames carry no mask');
    assert.equal(binFromServer!.body, 'de ad');
    assert.equal(closeCall!.direction, 'c2s');
    assert.equal(closeCall!.details.code, 4001);
    assert.equal(closeCall!.bytes, 2 + 4 + 2 + 3);
    assert.equal(closed!.details.code, 4001);
    assert.equal(closed!.details.reason, 'bye');
    assert.isTrue(closed!.details.wasClean);
    assert.isTrue(rec.events.every((e) => e.conn === 'ws#1' && e.observer === 'client'));
    rec.uninstall();
  });

  test('a Blob frame is reported in order, after its async read', async () => {
    const win = standInWindow();
    const rec = record(win);
    const ws = new win.WebSocket('ws://localhost:8181') as unknown as FakeWebSocket;
    ws.serverOpen();
    ws.serverSend(new Blob([new Uint8Array([7, 8, 9])]));
    ws.serverSend('after the blob');
    await rec.until((e) => e.body === 'after the blob');
    const frames = rec.events.filter((e) => e.kind === 'frame');
    assert.equal(frames[0]!.body, '07 08 09');
    assert.equal(frames[0]!.bytes, 2 + 3);
    assert.isBelow(frames[0]!.time, frames[1]!.time, 'time is when it arrived, not when it was read');
    rec.uninstall();
  });

  test('a send after close is shown as not sent, and a bad close code reports nothing', () => {
    const win = standInWindow();
    const rec = record(win);
    const ws = new win.WebSocket('ws://localhost:8181') as unknown as FakeWebSocket;
    ws.serverOpen();
    assert.throws(() => ws.close(1006), /1006/);
    ws.serverClose(1000, '', true);
    ws.send('lost');
    const last = rec.events.at(-1)!;
    assert.equal(last.kind, 'frame');
    assert.equal(last.bytes, 0);
    assert.match(last.details.note ?? '', /not sent/);
    assert.deepEqual(rec.kinds(), ['open', 'close', 'frame']);
    rec.uninstall();
  });

  test('after uninstall, sockets opened before stay quiet', () => {
    const win = standInWindow();
    const rec = record(win);
    const ws = new win.WebSocket('ws://localhost:8181') as unknown as FakeWebSocket;
    rec.uninstall();
    ws.serverOpen();
    assert.lengthOf(rec.events, 0);
  });

  test('the native WebSocket: a port nobody listens on gives error then close 1006', async () => {
    const rec = record(window);
    try {
      assert.equal(WebSocket.OPEN, 1);
      const ws = new WebSocket('ws://127.0.0.1:1/');
      assert.instanceOf(ws, WebSocket);
      const seen: string[] = [];
      ws.onerror = () => seen.push('error');
      await new Promise<void>((resolve) => {
        ws.onclose = (e) => {
          seen.push(`close ${e.code}`);
          resolve();
        };
      });
      assert.deepEqual(seen, ['error', 'close 1006']);
      assert.deepEqual(rec.kinds(), ['error', 'close']);
      const close = rec.events[1]!;
      assert.equal(close.details.code, 1006);
      assert.isFalse(close.details.wasClean);
    } finally {
      rec.uninstall();
    }
  });
});
