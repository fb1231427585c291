import { describe, expect, it } from 'vitest';
import { TransportStats } from '../../../src/traffic/transport-stats.js';
import { pushPollKind } from '../../../src/lessons/checks/push.js';
import { TrafficBuffer, type TrafficInput } from '../../../src/shared/traffic.js';
import { toBase64, utf8Bytes } from '../../../src/shared/wire/bytes.js';
import { encodeFrame } from '../../../src/shared/wire/websocket-frames.js';

function wire(conn: string, direction: 'c2s' | 's2c', text: string | Uint8Array, time: number): TrafficInput {
  const data = typeof text === 'string' ? utf8Bytes(text) : text;
  return { time, party: 'client', observer: 'server', conn, transport: 'tcp', direction, kind: 'bytes', bytes: data.length, preview: '', details: { raw: toBase64(data) } };
}

function api(over: Partial<TrafficInput>): TrafficInput {
  return { time: 0, party: 'client', observer: 'client', conn: 'sse#1', transport: 'sse', direction: 'none', kind: 'open', bytes: 0, preview: '', details: {}, ...over };
}

describe('the Compare tab on the recorded wire', () => {
  const sseGet = 'GET /news/sse HTTP/1.1\r\nHost: localhost:3000\r\nAccept: text/event-stream\r\n\r\n';
  const upgrade = 'GET / HTTP/1.1\r\nHost: localhost:8181\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: x\r\n\r\n';
  const poll = 'GET /news/short?since=0 HTTP/1.1\r\nHost: localhost:3000\r\n\r\n';

  it("counts the EventSource's GET and the WebSocket's upgrade upward, each in its way, and everything down", () => {
    const buffer = new TrafficBuffer();
    const stats = new TransportStats(pushPollKind);
    const inputs = [
      // What the client's taps report: an open, no bytes upward (the page cannot see its opening request).
      api({ time: 1 }),
      api({ time: 2, conn: 'ws#1', transport: 'ws' }),
      wire('tcp#1', 'c2s', sseGet.slice(0, 20), 1),
      wire('tcp#1', 'c2s', sseGet.slice(20), 1),
      wire('tcp#1', 's2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n', 2),
      wire('tcp#2', 'c2s', upgrade, 3),
      wire('tcp#2', 's2c', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n', 3),
      wire('tcp#2', 'c2s', encodeFrame({ opcode: 1, payload: utf8Bytes('hi'), mask: new Uint8Array(4) }), 4),
      wire('tcp#3', 'c2s', poll, 5),
      wire('tcp#3', 's2c', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]', 6),
    ];
    const before = new TransportStats(pushPollKind);
    for (const input of inputs) {
      const e = buffer.push(input);
      if (e.transport === 'tcp') stats.addWire(e);
      else {
        stats.add(e);
        before.add(e);
      }
    }
    // Without the wire, SSE and WebSocket cost nothing upward: the bug this fixes.
    expect(before.figures().sse.bytesUp).toBe(0);
    const f = stats.figures();
    expect(f.sse.bytesUp).toBe(sseGet.length);
    expect(f.ws.bytesUp).toBe(upgrade.length + 2 + 4 + 2);
    expect(f.short.bytesUp).toBe(poll.length);
    expect(f.short.bytesDown).toBe('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]'.length);
    expect(f.long.bytesUp).toBe(0);
    // Requests still come from the events (an open is the EventSource's request).
    expect(f.sse.requests).toBe(1);
    expect(f.sse.upSteps.map(([t]) => t)).toEqual([1, 1]);
  });
});
