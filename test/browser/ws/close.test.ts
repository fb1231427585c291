import { Buffer } from 'buffer';
import { assert } from 'chai';
import { listen, next, nextEmit, NativeWebSocket, recordEvents, useHarness } from './support.js';

/** Chromium's own WebSocket against a port nobody listens on: the reference for a failed connection. */
async function nativeRefused(): Promise<Array<{ type: string; readyState: number; code?: number; wasClean?: boolean }>> {
  const socket = new NativeWebSocket('ws://127.0.0.1:45678/');
  const seen = recordEvents(socket);
  await next(socket, 'close');
  return seen.map(({ type, readyState, event }) => ({
    type,
    readyState,
    ...(event instanceof CloseEvent ? { code: event.code, wasClean: event.wasClean } : {}),
  }));
}

suite('ws shim: closing, as Chromium does it', () => {
  const h = useHarness();

  test('client close(4000, reason): both ends see the code and reason, wasClean true', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const connected = nextEmit<[any]>(wss, 'connection');
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    const [socket] = await connected;
    const serverClose = nextEmit<[number, Buffer]>(socket, 'close');
    client.close(4000, '再见');
    assert.equal(client.readyState, WebSocket.CLOSING, 'CLOSING at once');
    const event = await next<CloseEvent>(client, 'close');
    assert.instanceOf(event, CloseEvent);
    assert.deepEqual([event.code, event.reason, event.wasClean, client.readyState], [4000, '再见', true, WebSocket.CLOSED]);
    const [code, reason] = await serverClose;
    assert.equal(code, 4000);
    assert.instanceOf(reason, Buffer);
    assert.equal(reason.toString(), '再见');
    assert.equal(socket.readyState, h.ws.CLOSED);
  });

  test('client close() with no code: 1005 on both ends', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const connected = nextEmit<[any]>(wss, 'connection');
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    const [socket] = await connected;
    const serverClose = nextEmit<[number, Buffer]>(socket, 'close');
    client.close();
    const event = await next<CloseEvent>(client, 'close');
    assert.deepEqual([event.code, event.reason, event.wasClean], [1005, '', true]);
    assert.equal((await serverClose)[0], 1005);
  });

  test('server close(4001, reason) arrives wasClean true (mock-socket: false)', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const [socket] = await nextEmit<[any]>(wss, 'connection');
    const serverClose = nextEmit<[number, Buffer]>(socket, 'close');
    socket.send('last words');
    socket.close(4001, 'kicked');
    const seen = recordEvents(client);
    await next(client, 'close');
    assert.deepEqual(
      seen.map((s) => s.type),
      ['open', 'message', 'close'],
      'a message sent before close arrives before it',
    );
    const close = seen[2]!.event as CloseEvent;
    assert.deepEqual([close.code, close.reason, close.wasClean], [4001, 'kicked', true]);
    const [code, reason] = await serverClose;
    assert.deepEqual([code, reason.toString()], [4001, 'kicked'], 'the browser echoes code and reason');
  });

  test('server close() validates as ws does', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const [socket] = await nextEmit<[any]>(wss, 'connection');
    assert.throws(() => socket.close(1006), TypeError, 'First argument must be a valid error code number');
    assert.throws(() => socket.close(1000, 'x'.repeat(124)), RangeError, 'The message must not be greater than 123 bytes');
    socket.close(1000);
    await next(client, 'close');
  });

  test('server terminate(): close 1006, wasClean false, and no error event (as Chromium)', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const seen = recordEvents(client);
    const [socket] = await nextEmit<[any]>(wss, 'connection');
    await next(client, 'open');
    const serverClose = nextEmit<[number]>(socket, 'close');
    socket.terminate();
    const close = await next<CloseEvent>(client, 'close');
    assert.deepEqual([close.code, close.wasClean], [1006, false]);
    assert.deepEqual(seen.map((s) => s.type), ['open', 'close']);
    assert.equal((await serverClose)[0], 1006);
  });

  test('a port nobody listens on: error, then close 1006 wasClean false, exactly as native (mock-socket: 1000, true)', async () => {
    const reference = await nativeRefused();
    const client = new WebSocket('ws://localhost:45678/');
    assert.equal(client.readyState, WebSocket.CONNECTING);
    const seen = recordEvents(client);
    await next(client, 'close');
    const ours = seen.map(({ type, readyState, event }) => ({
      type,
      readyState,
      ...(event instanceof CloseEvent ? { code: event.code, wasClean: event.wasClean } : {}),
    }));
    assert.deepEqual(ours, reference);
    assert.deepEqual(ours, [
      { type: 'error', readyState: 3 },
      { type: 'close', readyState: 3, code: 1006, wasClean: false },
    ]);
  });

  test('close() while CONNECTING: CLOSING at once, then error and close 1006', async () => {
    await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const seen = recordEvents(client);
    client.close();
    assert.equal(client.readyState, WebSocket.CLOSING);
    await next(client, 'close');
    assert.deepEqual(seen.map((s) => s.type), ['error', 'close']);
    assert.equal((seen[1]!.event as CloseEvent).code, 1006);
  });

  test('a message over maxPayload (1 MiB here) closes with 1009 and says why', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const [socket] = await nextEmit<[any]>(wss, 'connection');
    const errors: Error[] = [];
    const messages: unknown[] = [];
    socket.on('error', (e: Error) => errors.push(e));
    socket.on('message', (m: unknown) => messages.push(m));
    await next(client, 'open');
    client.send(new Uint8Array(1024 * 1024)); // exactly the limit: accepted
    client.send(new Uint8Array(1024 * 1024 + 1));
    client.send('after'); // ws stops reading after the error
    const close = await next<CloseEvent>(client, 'close');
    assert.equal(close.code, 1009);
    assert.match(close.reason, /exceeds maxPayload \(1 MiB\)/);
    assert.isTrue(new TextEncoder().encode(close.reason).length <= 123);
    assert.equal(messages.length, 1);
    assert.equal(errors.length, 1);
    assert.instanceOf(errors[0], RangeError);
    assert.equal(errors[0]!.message, 'Max payload size exceeded');
    const error = h.traffic.find((t) => t.kind === 'error');
    assert.match(error!.details.note!, /1009/);
  });

  test('with no error listener, an oversized message is a warning naming ws’s 100 MiB default, not a crash', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    await next(client, 'open');
    client.send('x'.repeat(2 * 1024 * 1024));
    assert.equal((await next<CloseEvent>(client, 'close')).code, 1009);
    assert.equal(h.logs.length, 1);
    assert.match(h.logs[0]!.text, /100 MiB/);
    wss.close();
  });
});
