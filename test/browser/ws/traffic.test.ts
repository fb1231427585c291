import { assert } from 'chai';
import { listen, next, nextEmit, useHarness } from './support.js';

suite('ws shim: the server side of the traffic', () => {
  const h = useHarness();

  test('open with the 101 handshake, frames both ways with sizes, close with code and wasClean', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    wss.on('connection', (socket: any) => {
      socket.on('message', (data: unknown, isBinary: boolean) => socket.send(data, { binary: isBinary }));
    });
    const client = new WebSocket('ws://localhost:8181/chat?room=1');
    client.binaryType = 'arraybuffer';
    await next(client, 'open');
    client.send('a'.repeat(250));
    await next(client, 'message');
    client.send(new Uint8Array([0xde, 0xad]));
    await next(client, 'message');
    client.close(4000, 'done');
    await next(client, 'close');

    const events = h.traffic;
    assert.isTrue(events.every((e) => e.observer === 'server' && e.transport === 'ws' && e.party === 'client'));
    assert.equal(new Set(events.map((e) => e.conn)).size, 1, 'one connection id');
    assert.deepEqual(
      events.map((e) => `${e.kind} ${e.direction}`),
      ['open none', 'frame c2s', 'frame s2c', 'frame c2s', 'frame s2c', 'close c2s', 'close s2c'],
    );
    const [open, text, echo, bin, , close, closeEcho] = events;
    assert.equal(open!.details.status, 101);
    assert.equal(open!.details.url, '/chat?room=1');
    assert.equal(open!.details.headers!.Upgrade, 'websocket');
    assert.match(open!.details.headers!['Sec-WebSocket-Accept']!, /^[A-Za-z0-9+/]{27}=$/);
    assert.match(open!.body!, /^GET \/chat\?room=1 HTTP\/1\.1\r\nhost: localhost:8181\r\n/);
    // 250 bytes of payload: 2 header bytes + 2 of extended length, + a 4-byte mask from the client only.
    assert.equal(text!.bytes, 258);
    assert.equal(echo!.bytes, 254);
    assert.isFalse(text!.details.binary);
    assert.equal(text!.preview, 'a'.repeat(199) + '…');
    assert.isTrue(bin!.details.binary);
    assert.equal(bin!.body, 'de ad');
    assert.equal(bin!.bytes, 2 + 4 + 2);
    assert.deepEqual([close!.details.code, close!.details.reason, close!.details.wasClean], [4000, 'done', undefined]);
    assert.deepEqual([closeEcho!.details.code, closeEcho!.details.wasClean], [4000, true]);
    assert.isTrue(events.every((e, i) => i === 0 || e.time >= events[i - 1]!.time), 'in time order');
  });

  test('terminate reports close 1006 wasClean false, with no bytes', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const client = new WebSocket('ws://localhost:8181');
    const [socket] = await nextEmit<[any]>(wss, 'connection');
    await next(client, 'open');
    socket.terminate();
    await next(client, 'close');
    const close = h.traffic.find((t) => t.kind === 'close')!;
    assert.deepEqual([close.direction, close.bytes, close.details.code, close.details.wasClean], ['none', 0, 1006, false]);
  });

  test('ping and pong are frames with a note', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    new WebSocket('ws://localhost:8181');
    const [socket] = await nextEmit<[any]>(wss, 'connection');
    socket.ping();
    await nextEmit(socket, 'pong');
    const frames = h.traffic.filter((t) => t.kind === 'frame');
    assert.deepEqual(frames.map((f) => [f.direction, f.details.note, f.bytes]), [
      ['s2c', 'ping', 2],
      ['c2s', 'pong', 6],
    ]);
  });
});
