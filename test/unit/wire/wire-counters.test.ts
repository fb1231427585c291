import { describe, expect, it } from 'vitest';
import { TrafficBuffer, type TrafficInput } from '../../../src/shared/traffic.js';
import { toBase64, utf8Bytes } from '../../../src/shared/wire/bytes.js';
import { encodeFrame } from '../../../src/shared/wire/websocket-frames.js';
import { WireCounters } from '../../../src/traffic/wire-counters.js';

function chunk(conn: string, direction: 'c2s' | 's2c', data: string | Uint8Array, observer: 'server' | 'client' = 'server'): TrafficInput {
  const bytes = typeof data === 'string' ? utf8Bytes(data) : data;
  return { time: 0, party: 'client', observer, conn, transport: 'tcp', direction, kind: 'bytes', bytes: bytes.length, preview: '', details: { raw: toBase64(bytes) } };
}

describe('the wire counters of the inspector header', () => {
  it('count every request head, keep-alive and pipelined ones too, none after an upgrade, and every byte each way', () => {
    const buffer = new TrafficBuffer();
    const counters = new WireCounters();
    const mask = new Uint8Array([1, 2, 3, 4]);
    const inputs = [
      // Two requests on one keep-alive connection, the second cut across two chunks.
      chunk('tcp#1', 'c2s', 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HT'),
      chunk('tcp#1', 'c2s', 'TP/1.1\r\nHost: x\r\n\r\n'),
      chunk('tcp#1', 's2c', 'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'),
      // A WebSocket: its upgrade is a request; a frame whose payload reads like a request line is not.
      chunk('tcp#2', 'c2s', 'GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n'),
      chunk('tcp#2', 's2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'),
      chunk('tcp#2', 'c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('GET / HTTP/1.1\r\n\r\n'), mask })),
      // A POST whose body comes in a later chunk is one request.
      chunk('tcp#3', 'c2s', 'POST /p HTTP/1.1\r\nContent-Length: 4\r\n\r\n'),
      chunk('tcp#3', 'c2s', 'body'),
      // The client's own record of the same bytes, were there one, is not counted twice.
      chunk('tcp#1', 'c2s', 'GET /a HTTP/1.1\r\n\r\n', 'client'),
    ];
    let up = 0;
    let down = 0;
    for (const input of inputs) {
      counters.add(buffer.push(input));
      if (input.observer === 'server') {
        if (input.direction === 'c2s') up += input.bytes;
        else down += input.bytes;
      }
    }
    expect(counters.requests).toBe(4);
    expect([counters.bytesUp, counters.bytesDown]).toEqual([up, down]);
    expect(counters.chunks).toBe(8);
  });
});
