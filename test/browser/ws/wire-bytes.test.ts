import { assert } from 'chai';
import { decodeAll } from '../../../src/traffic/wire-records.js';
import type { WireRecord } from '../../../src/shared/wire/connection.js';
import type { HttpHead } from '../../../src/shared/wire/http-message.js';
import type { WebSocketFrame } from '../../../src/shared/wire/websocket-frames.js';
import { listen, next, useHarness } from './support.js';
import { WIRE_CHUNKS_PER_SECOND } from '../../../src/mocks/wire-tap.js';

/** RFC 6455 §4.2.2, computed here independently of the shim: base64(SHA-1(key + GUID)). */
async function expectedAccept(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(key + '258EAFA5-E914-47DA-95CA-C5AB0DC11B85'));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

suite('ws shim: the bytes on the wire, decoded', () => {
  const h = useHarness();

  test('the upgrade, the 101 with a correct Sec-WebSocket-Accept, masked client frames, unmasked server frames, ping/pong and close codes', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    wss.on('connection', (socket: any) => {
      socket.on('message', (data: unknown) => socket.send(`echo ${String(data)}`));
      socket.ping('hb');
    });
    const client = new WebSocket('ws://localhost:8181/chat');
    await next(client, 'open');
    client.send('x'.repeat(300));
    await next(client, 'message');
    client.close(4001, 'bye');
    await next(client, 'close');

    const conns = [...decodeAll(h.wire).values()];
    assert.equal(conns.length, 1);
    const records = conns[0]!;
    assert.isFalse(records.some((r) => ('frame' in r && r.frame.type === 'error') || ('http' in r && r.http.type === 'error')), 'every byte decodes');
    const heads = records.flatMap((r) => ('http' in r && r.http.type === 'head' ? [r.http] : [])) as [HttpHead, HttpHead];
    assert.equal(heads[0].startLine, 'GET /chat HTTP/1.1');
    const key = heads[0].headers.find(([n]) => n === 'Sec-WebSocket-Key')![1];
    assert.equal(heads[0].headers.find(([n]) => n === 'Upgrade')![1], 'websocket');
    assert.equal(heads[1].startLine, 'HTTP/1.1 101 Switching Protocols');
    assert.equal(heads[1].headers.find(([n]) => n === 'Sec-WebSocket-Accept')![1], await expectedAccept(key));
    const frames = records.flatMap((r) => ('frame' in r && r.frame.type === 'frame' ? [{ d: r.direction, f: r.frame }] : [])) as Array<{ d: string; f: WebSocketFrame }>;
    assert.isTrue(frames.every(({ d, f }) => f.masked === (d === 'c2s')), 'client frames masked, server frames not');
    // A fresh key for each (RFC 6455 §5.3): keys drawn from a pool that handed out the same four bytes twice show here.
    const keys = frames.filter(({ d }) => d === 'c2s').map(({ f }) => [...f.mask!].join(' '));
    assert.isAtLeast(keys.length, 3);
    assert.equal(new Set(keys).size, keys.length, `every client frame its own masking key: ${keys.join(', ')}`);
    // The browser's pong races the client's first message (as with a real server), so its place is not asserted.
    const pong = frames.find(({ d, f }) => d === 'c2s' && f.opcodeName === 'pong');
    assert.equal(pong && new TextDecoder().decode(pong.f.payload), 'hb');
    const rest = frames.filter((x) => x !== pong);
    assert.deepEqual(rest.map(({ d, f }) => `${d} ${f.opcodeName}`), ['s2c ping', 'c2s text', 's2c text', 'c2s close', 's2c close']);
    const text = rest[1]!.f;
    assert.deepEqual([text.length, text.lengthBits, text.wire], [300, 16, 2 + 2 + 4 + 300]);
    assert.deepEqual([rest[3]!.f.closeCode, rest[3]!.f.closeReason, rest[4]!.f.closeCode], [4001, 'bye', 4001]);
    // The sizes the API-level events report agree with the bytes on the wire.
    const s2cWire = h.wire.filter((e) => e.kind === 'bytes' && e.direction === 's2c').reduce((n, e) => n + e.bytes, 0);
    assert.equal(s2cWire, heads[1].size + frames.filter(({ d }) => d === 's2c').reduce((n, { f }) => n + f.wire, 0));
    assert.isTrue(h.wire.some((e) => e.kind === 'close'), 'the server ended TCP after the handshake');
  });

  test('a flood past WIRE_CHUNKS_PER_SECOND: every byte counted, the first chunks of the second kept, the rest counted in few records', async () => {
    const wss = await listen(h.ws, { port: 8181 });
    const n = WIRE_CHUNKS_PER_SECOND + 500;
    wss.on('connection', (socket: any) => {
      for (let i = 0; i < n; i++) socket.send('x'.repeat(10));
    });
    const client = new WebSocket('ws://localhost:8181/flood');
    let got = 0;
    client.onmessage = () => got++;
    await new Promise<void>((resolve, reject) => {
      const started = performance.now();
      const poll = () => (got === n ? resolve() : performance.now() - started > 10_000 ? reject(new Error(`${got} of ${n}`)) : setTimeout(poll, 20));
      poll();
    });
    client.close();
    await next(client, 'close');
    const written = h.wire.filter((e) => e.kind === 'bytes' && e.direction === 's2c');
    // Every frame's 12 bytes (2 of header, 10 of payload) are counted, kept or not, with the 101 before them.
    const head = written[0]!;
    assert.match(atob(head.details.raw!), /^HTTP\/1\.1 101/);
    // And last the server's close frame, 2 bytes with no code as the client's had none (past the budget too).
    const frames = written.slice(1);
    assert.equal(frames.reduce((sum, e) => sum + e.bytes, 0), 12 * n + 2);
    const kept = frames.filter((e) => !e.details.rawDropped);
    const counted = frames.filter((e) => e.details.rawDropped);
    assert.isAtMost(kept.length + 1, WIRE_CHUNKS_PER_SECOND, 'the budget of the second (the 101 took one)');
    assert.isAtLeast(counted.reduce((sum, e) => sum + e.details.rawDropped!, 0), 12 * 400);
    assert.isAtMost(counted.length, 20, 'merged, not one record per frame');
    for (const e of counted) assert.equal(e.details.raw, '');
  });
});
