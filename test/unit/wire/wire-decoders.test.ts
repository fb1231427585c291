import { createServer, type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { HttpMessageDecoder, type HttpRecord } from '../../../src/shared/wire/http-message.js';
import { closePayload, encodeFrame, WebSocketFrameDecoder, type WebSocketFrame } from '../../../src/shared/wire/websocket-frames.js';
import { WireConnectionDecoder, type WireRecord } from '../../../src/shared/wire/connection.js';
import { utf8Bytes, utf8Text } from '../../../src/shared/wire/bytes.js';

const latin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** What Node 20 wrote for `res.setHeader('Content-Type', 'text/event-stream'); res.write(…)`, recorded from a socket. */
const NODE_SSE_HEAD =
  'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nDate: Sun, 29 Nov 2026 23:50:36 GMT\r\n' +
  'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n';

function frames(records: WireRecord[]): WebSocketFrame[] {
  return records.flatMap((r) => ('frame' in r && r.frame.type === 'frame' ? [r.frame] : []));
}

describe('HTTP/1.1 messages', () => {
  it('reads a head cut anywhere, every header in its order, and a Content-Length body', () => {
    const bytes = latin('GET /test HTTP/1.1\r\nHost: localhost:3000\r\nAccept: text/event-stream\r\nLast-Event-ID: 3\r\n\r\n');
    for (const cut of [1, 17, bytes.length - 2]) {
      const d = new HttpMessageDecoder('request');
      const records = [...d.feed(bytes.subarray(0, cut)), ...d.feed(bytes.subarray(cut))];
      const head = records[0] as Extract<HttpRecord, { type: 'head' }>;
      expect(head.method).toBe('GET');
      expect(head.target).toBe('/test');
      expect(head.headers).toEqual([['Host', 'localhost:3000'], ['Accept', 'text/event-stream'], ['Last-Event-ID', '3']]);
      expect(head.size).toBe(bytes.length);
      expect(records.map((r) => r.type)).toEqual(['head', 'end']);
    }
    const res = new HttpMessageDecoder('response');
    const r = res.feed(latin('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel'));
    expect(r.map((x) => x.type)).toEqual(['head', 'body']);
    expect(res.feed(latin('lo')).map((x) => x.type)).toEqual(['body', 'end']);
  });

  it('reads a chunked SSE body whose event straddles two chunks, with each chunk size line, into SSE events', () => {
    const body = '10\r\nid: 1\ndata: hi\n\n\r\n' + 'd\r\nid: 2\ndata: t\r\n' + '8\r\nwo\n\n:hb\n\r\n' + '0\r\n\r\n';
    const wire = new WireConnectionDecoder();
    const all: WireRecord[] = [];
    all.push(...wire.feed('c2s', latin('GET /test HTTP/1.1\r\nAccept: text/event-stream\r\n\r\n'), 1, 0));
    // The TCP chunks cut through a chunk's data and through a size line.
    const stream = latin(NODE_SSE_HEAD + body);
    for (const [a, b] of [[0, NODE_SSE_HEAD.length + 30], [NODE_SSE_HEAD.length + 30, NODE_SSE_HEAD.length + 37], [NODE_SSE_HEAD.length + 37, stream.length]]) {
      all.push(...wire.feed('s2c', stream.subarray(a, b), 2, 1));
    }
    const chunkSizes = all.flatMap((r) => ('http' in r && r.http.type === 'chunk' ? [r.http.size] : []));
    expect(chunkSizes).toEqual([16, 13, 8, 0]);
    const events = all.flatMap((r) => ('sse' in r && r.sse.type === 'event' ? [r.sse.event] : []));
    expect(events.map((e) => [e.id, e.data])).toEqual([['1', 'hi'], ['2', 'two']]);
    const comment = all.find((r) => 'sse' in r && r.sse.type === 'comment');
    expect(comment?.control).toBe(true);
    expect(all.some((r) => 'http' in r && r.http.type === 'end' && r.direction === 's2c')).toBe(true);
    const head = all.find((r) => 'http' in r && r.http.type === 'head' && r.direction === 's2c');
    expect(head && 'http' in head && head.http.type === 'head' && head.http.headers.map(([n]) => n)).toEqual([
      'Content-Type', 'Cache-Control', 'Date', 'Connection', 'Keep-Alive', 'Transfer-Encoding',
    ]);
  });

  it('reports a malformed head or chunk size instead of throwing, and reads no further', () => {
    const d = new HttpMessageDecoder('request');
    const r = d.feed(latin('HELLO\r\n\r\nGET / HTTP/1.1\r\n\r\n'));
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ type: 'error' });
    expect(d.feed(latin('GET / HTTP/1.1\r\n\r\n'))).toEqual([]);
    const res = new HttpMessageDecoder('response');
    const bad = res.feed(latin('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'));
    expect(bad.at(-1)).toMatchObject({ type: 'error', message: { en: expect.stringContaining('chunk size'), zh: expect.stringContaining('分块大小') } });
  });

  it('a response to HEAD, a 204 and a 304 have no body; a body without a length ends with the connection', () => {
    const wire = new WireConnectionDecoder();
    wire.feed('c2s', latin('HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n'), 1, 0);
    const r = wire.feed('s2c', latin('HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nabc'), 2, 0);
    const http = r.flatMap((x) => ('http' in x ? [x.http.type] : []));
    expect(http).toEqual(['head', 'end', 'head', 'body']);
    const closed = wire.close(3, 1);
    expect(closed.flatMap((x) => ('http' in x ? [x.http.type] : []))).toEqual(['end']);
  });
});

describe('WebSocket frames', () => {
  const mask = new Uint8Array([1, 2, 3, 4]);

  it('reads a frame split across two TCP chunks', () => {
    const bytes = encodeFrame({ opcode: 1, payload: utf8Bytes('hello 世界') });
    const d = new WebSocketFrameDecoder('server');
    expect(d.feed(bytes.subarray(0, 1))).toEqual([]);
    expect(d.buffered).toBe(1);
    const [frame] = d.feed(bytes.subarray(1)) as WebSocketFrame[];
    expect(frame).toMatchObject({ fin: true, opcodeName: 'text', masked: false, length: 12, lengthBits: 7, wire: 14 });
    expect(utf8Text(frame!.payload)).toBe('hello 世界');
  });

  it('reads a masked frame with a 16-bit length (126), unmasking it, and a 64-bit one', () => {
    const payload = new Uint8Array(300).map((_, i) => i & 0xff);
    const bytes = encodeFrame({ opcode: 2, payload, mask });
    expect(bytes[1]).toBe(0x80 | 126);
    const [frame] = new WebSocketFrameDecoder('client').feed(bytes) as WebSocketFrame[];
    expect(frame).toMatchObject({ masked: true, length: 300, lengthBits: 16, opcodeName: 'binary', wire: 2 + 2 + 4 + 300 });
    expect([...frame!.mask!]).toEqual([1, 2, 3, 4]);
    expect(frame!.payload).toEqual(payload);
    const big = new Uint8Array(70_000).fill(7);
    const [long] = new WebSocketFrameDecoder('server').feed(encodeFrame({ opcode: 2, payload: big })) as WebSocketFrame[];
    expect(long).toMatchObject({ length: 70_000, lengthBits: 64, wire: 70_010 });
  });

  it('reads close code and reason, ping and pong, and a fragmented message', () => {
    const d = new WebSocketFrameDecoder('client');
    const bytes = [
      encodeFrame({ opcode: 1, payload: utf8Bytes('par'), fin: false, mask }),
      encodeFrame({ opcode: 9, payload: utf8Bytes('p'), mask }),
      encodeFrame({ opcode: 0, payload: utf8Bytes('t'), mask }),
      encodeFrame({ opcode: 8, payload: closePayload(4001, '再见'), mask }),
    ];
    const out = bytes.flatMap((b) => d.feed(b)) as WebSocketFrame[];
    expect(out.map((f) => [f.opcodeName, f.fin])).toEqual([['text', false], ['ping', true], ['continuation', true], ['close', true]]);
    expect(out[3]).toMatchObject({ closeCode: 4001, closeReason: '再见' });
  });

  it('reports a malformed frame (reserved opcode, unmasked client frame, a long ping) and stops, without throwing', () => {
    expect(new WebSocketFrameDecoder('server').feed(new Uint8Array([0x83, 0x00]))[0]).toMatchObject({ type: 'error', message: { en: expect.stringContaining('reserved opcode 0x3'), zh: expect.stringContaining('保留的操作码 0x3') } });
    expect(new WebSocketFrameDecoder('client').feed(encodeFrame({ opcode: 1, payload: utf8Bytes('x') }))[0]).toMatchObject({ type: 'error', message: { en: expect.stringContaining('without a mask'), zh: expect.stringContaining('没有掩码') } });
    const d = new WebSocketFrameDecoder('server');
    expect(d.feed(new Uint8Array([0x89, 126, 0, 200]))[0]).toMatchObject({ type: 'error', message: { en: expect.stringContaining('ping frame must be final and at most 125'), zh: expect.stringContaining('不超过 125 字节') } });
    expect(d.feed(encodeFrame({ opcode: 1, payload: utf8Bytes('after') }))).toEqual([]);
  });
});

describe('a connection in layers', () => {
  it('an Engine.IO WebSocket: upgrade, 101, frames, Engine.IO packets with ping/pong marked, Socket.IO packets', () => {
    const wire = new WireConnectionDecoder();
    const out: WireRecord[] = [];
    out.push(...wire.feed('c2s', latin('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'), 1, 0));
    const s2c = [
      latin('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n'),
      encodeFrame({ opcode: 1, payload: utf8Bytes('0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}') }),
      encodeFrame({ opcode: 1, payload: utf8Bytes('2') }),
    ];
    const all = new Uint8Array(s2c.reduce((n, b) => n + b.length, 0));
    let o = 0;
    for (const b of s2c) (all.set(b, o), (o += b.length));
    out.push(...wire.feed('s2c', all, 2, 1));
    const mask = new Uint8Array([9, 8, 7, 6]);
    out.push(...wire.feed('c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('40'), mask }), 3, 2));
    out.push(...wire.feed('c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('3'), mask }), 4, 2));
    out.push(...wire.feed('c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('451-["file",{"_placeholder":true,"num":0}]'), mask }), 5, 3));
    out.push(...wire.feed('c2s', encodeFrame({ opcode: 2, payload: new Uint8Array([1, 2, 3]), mask }), 6, 3));
    const eio = out.flatMap((r) => ('eio' in r && r.eio.type === 'packet' ? [[r.eio.packet.type, r.direction, !!r.control]] : []));
    expect(eio).toEqual([
      ['open', 's2c', false], ['ping', 's2c', true], ['message', 'c2s', false], ['pong', 'c2s', true], ['message', 'c2s', false], ['message', 'c2s', false],
    ]);
    const sio = out.flatMap((r) => ('sio' in r && r.sio.type === 'packet' ? [r.sio.packet] : []));
    expect(sio.map((p) => p.typeName)).toEqual(['CONNECT', 'EVENT']);
    expect((sio[1]!.data as unknown[])[0]).toBe('file');
    expect(new Uint8Array((sio[1]!.data as [string, ArrayBuffer])[1])).toEqual(new Uint8Array([1, 2, 3]));
    expect(out.find((r) => r.seq === 6 && 'sio' in r)).toBeTruthy();
  });

  it('a malformed Socket.IO packet is reported and the next one still decodes', () => {
    const wire = new WireConnectionDecoder();
    wire.feed('c2s', latin('GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nUpgrade: websocket\r\n\r\n'), 1, 0);
    wire.feed('s2c', latin('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'), 2, 0);
    const mask = new Uint8Array([1, 1, 1, 1]);
    const bad = wire.feed('c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('42{not json'), mask }), 3, 0);
    expect(bad.find((r) => 'sio' in r && r.sio.type === 'error')).toMatchObject({
      sio: { message: { en: 'not a Socket.IO packet: invalid payload', zh: expect.stringMatching(/^不是 Socket\.IO 数据包：负载无效/) } },
    });
    const unknown = wire.feed('c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('49'), mask }), 4, 0);
    expect(unknown.find((r) => 'sio' in r && r.sio.type === 'error')).toMatchObject({ sio: { message: { zh: '不是 Socket.IO 数据包：未知的数据包类型 9' } } });
    const good = wire.feed('c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('42["hi"]'), mask }), 4, 0);
    expect(good.some((r) => 'sio' in r && r.sio.type === 'packet' && r.sio.packet.typeName === 'EVENT')).toBe(true);
  });

  it('a long-polling exchange: each packet of the body and the Socket.IO packet inside', () => {
    const wire = new WireConnectionDecoder();
    wire.feed('c2s', latin('GET /socket.io/?EIO=4&transport=polling&sid=a HTTP/1.1\r\n\r\n'), 1, 0);
    const body = '2\x1e42["news",1]';
    const out = wire.feed('s2c', latin(`HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: ${body.length}\r\n\r\n${body}`), 2, 0);
    expect(out.flatMap((r) => ('eio' in r && r.eio.type === 'packet' ? [r.eio.packet.type] : []))).toEqual(['ping', 'message']);
    expect(out.some((r) => 'sio' in r && r.sio.type === 'packet' && (r.sio.packet.data as unknown[])[0] === 'news')).toBe(true);
  });
});

describe('bytes recorded from real ws through a TCP relay', () => {
  let closeAll: Array<() => void> = [];
  afterEach(() => {
    for (const c of closeAll) c();
    closeAll = [];
  });

  it('decode to the upgrade, the 101, masked client frames, unmasked server frames, ping/pong and the close code', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => {
      ws.on('message', (m) => ws.send(`echo ${String(m)}`));
      ws.ping('p');
    });
    const chunks: Array<{ direction: 'c2s' | 's2c'; bytes: Uint8Array }> = [];
    const relay = createServer((client: Socket) => {
      const upstream = connect((wss.address() as AddressInfo).port, '127.0.0.1');
      client.on('data', (d) => (chunks.push({ direction: 'c2s', bytes: new Uint8Array(d) }), upstream.write(d)));
      upstream.on('data', (d) => (chunks.push({ direction: 's2c', bytes: new Uint8Array(d) }), client.write(d)));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    closeAll.push(() => wss.close(), () => relay.close());
    const ws = new WebSocket(`ws://127.0.0.1:${(relay.address() as AddressInfo).port}/chat`);
    await new Promise((r) => ws.once('open', r));
    ws.send('x'.repeat(200));
    await new Promise((r) => ws.once('message', r));
    ws.close(4001, 'bye');
    await new Promise((r) => ws.once('close', r));

    const wire = new WireConnectionDecoder();
    const out = chunks.flatMap((c, i) => wire.feed(c.direction, c.bytes, i + 1, i));
    const heads = out.flatMap((r) => ('http' in r && r.http.type === 'head' ? [r.http] : []));
    expect(heads.map((h) => h.startLine)).toEqual(['GET /chat HTTP/1.1', 'HTTP/1.1 101 Switching Protocols']);
    expect(heads[1]!.headers.some(([n]) => n === 'Sec-WebSocket-Accept')).toBe(true);
    const f = frames(out);
    const c2s = f.filter((x) => x.masked);
    const s2c = f.filter((x) => !x.masked);
    expect(c2s.map((x) => x.opcodeName)).toEqual(['pong', 'text', 'close']);
    expect(c2s[1]).toMatchObject({ length: 200, lengthBits: 16 });
    expect(s2c.map((x) => x.opcodeName)).toEqual(['ping', 'text', 'close']);
    expect(s2c.at(-1)).toMatchObject({ closeCode: 4001, closeReason: 'bye' });
    expect(out.some((r) => 'frame' in r && r.frame.type === 'error')).toBe(false);
  });
});

describe('what the SSE layer says of lines the browser skips', () => {
  it('a bad retry and an unknown field, in both languages, naming what was there', async () => {
    const { SseDecoder } = await import('../../../src/shared/wire/layers.js');
    const out = new SseDecoder().feed(utf8Bytes('retry: 1s\nflavour: x\ndata: a\n\n'));
    expect(out.filter((r) => r.type === 'error').map((r) => r.type === 'error' && r.message)).toEqual([
      { en: 'ignored by the browser: retry takes only digits, not "1s"', zh: '浏览器忽略了这一行：retry 只接受数字，这里是 "1s"' },
      { en: 'ignored by the browser: unknown field "flavour"', zh: '浏览器忽略了这一行：未知字段 "flavour"' },
    ]);
    expect(out.find((r) => r.type === 'event')).toMatchObject({ event: { data: 'a' } });
  });
});
