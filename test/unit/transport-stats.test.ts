import { describe, expect, it } from 'vitest';
import { bucketEnds, cumulative, delaysOf, itemsIn, median, TransportStats, wayOfUrl } from '../../src/traffic/transport-stats.js';
import { pushPollKind } from '../../src/lessons/checks/push.js';
import { TrafficBuffer, type TrafficInput } from '../../src/shared/traffic.js';

const EPOCH = 1_700_000_000_000;

function stats(inputs: Array<Partial<TrafficInput>>): TransportStats {
  const buffer = new TrafficBuffer();
  const s = new TransportStats(pushPollKind);
  for (const over of inputs) {
    s.add(
      buffer.push({ time: 0, party: 'client', observer: 'client', conn: 'http#1', transport: 'http', direction: 'c2s', kind: 'request', bytes: 0, preview: '', details: {}, ...over }),
    );
  }
  return s;
}

describe('transport stats', () => {
  it('tells the four ways apart by transport and, for HTTP, by the push lesson\'s URL that mentions "long"', () => {
    expect(wayOfUrl('http', 'http://localhost:3000/news/short?since=1', pushPollKind)).toBe('short');
    expect(wayOfUrl('http', '/news/long?since=1', pushPollKind)).toBe('long');
    expect(wayOfUrl('sse', '/news/sse', pushPollKind)).toBe('sse');
    expect(wayOfUrl('socket.io', undefined, pushPollKind)).toBe('ws');
    // The URL convention is the lesson's: without one, plain HTTP is short polling.
    expect(wayOfUrl('http', '/news/long?since=1')).toBe('short');
  });

  it('counts requests, bytes each way and delays from the events, keeping a connection’s way for its body', () => {
    const item = (id: number, t: number) => JSON.stringify({ id, t: EPOCH + t, text: 'x' });
    const s = stats([
      { time: 0, bytes: 100, details: { method: 'GET', url: '/news/long?since=0' } },
      { time: 2000, kind: 'response', direction: 's2c', bytes: 80, details: { status: 200 } },
      { time: 2001, kind: 'message', direction: 's2c', bytes: 30, body: `[${item(1, 1990)}]` },
      { time: 10, conn: 'http#2', bytes: 90, details: { url: '/news/short?since=0' } },
      { time: 12, conn: 'http#2', kind: 'response', direction: 's2c', bytes: 70 },
      { time: 12, conn: 'http#2', kind: 'message', direction: 's2c', bytes: 2, body: '[]' },
      { time: 5, conn: 'sse#3', transport: 'sse', kind: 'open', direction: 'none' },
      { time: 1995, conn: 'sse#3', transport: 'sse', kind: 'message', direction: 's2c', bytes: 40, body: item(1, 1990) },
      // A replay of item 1 after a reconnect is not a second arrival; the reconnect is a second request.
      { time: 3000, conn: 'sse#3', transport: 'sse', kind: 'open', direction: 'none' },
      { time: 3001, conn: 'sse#3', transport: 'sse', kind: 'message', direction: 's2c', bytes: 40, body: item(1, 1990) },
      // The server's view of an SSE block: the whole block in the body, the data in the preview.
      { time: 3002, conn: 'sse#9', transport: 'sse', observer: 'server', kind: 'message', direction: 's2c', bytes: 50, body: `id: 2\ndata: ${item(2, 3000)}\n\n`, preview: item(2, 3000) },
    ]);
    expect(s.ways.long).toMatchObject({ requests: 1, bytesUp: 100, bytesDown: 110 });
    expect(delaysOf(s.ways.long, EPOCH)).toEqual([11]);
    expect(s.ways.short).toMatchObject({ requests: 1, bytesUp: 90, bytesDown: 72, arrivals: [] });
    expect(s.ways.sse.requests).toBe(2);
    expect(delaysOf(s.ways.sse, EPOCH)).toEqual([5, 2]);
    expect(s.end).toBe(3002);
  });

  it('reads items from bodies, cumulates steps into buckets, takes medians', () => {
    expect(itemsIn('[{"id":1,"t":2},{"x":1}]')).toEqual([{ id: 1, t: 2 }]);
    expect(itemsIn('[{"id":1,"t"')).toEqual([]);
    expect(itemsIn('hello')).toEqual([]);
    expect(bucketEnds(1000)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(bucketEnds(1100)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(bucketEnds(600_000).length).toBeLessThanOrEqual(402);
    expect(cumulative([[100, 1], [600, 2], [601, 3]], [0, 0.5, 1])).toEqual([0, 1, 6]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});
