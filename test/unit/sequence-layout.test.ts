import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, labelOf, pathOf, SequenceLayout } from '../../src/traffic/sequence-layout.js';
import { TrafficBuffer, type TrafficEvent, type TrafficInput } from '../../src/shared/traffic.js';

/** A run's events as the taps would report them, stamped with seqs by a real buffer. */
function run(inputs: Array<Partial<TrafficInput>>): TrafficEvent[] {
  const buffer = new TrafficBuffer();
  return inputs.map((over) =>
    buffer.push({
      time: 0,
      party: 'client',
      observer: 'client',
      conn: 'http#1',
      transport: 'http',
      direction: 'c2s',
      kind: 'request',
      bytes: 0,
      preview: '',
      details: {},
      ...over,
    }),
  );
}

function layout(events: TrafficEvent[], mode: 'compressed' | 'scale' = 'compressed'): SequenceLayout {
  const l = new SequenceLayout({ ...DEFAULT_LAYOUT, mode });
  for (const e of events) l.add(e);
  return l;
}

const URL_BASE = 'http://localhost:3000';

describe('sequence layout', () => {
  it('a short poll: one request arrow, one response arrow with its body folded in (`200 []`)', () => {
    const events = run([
      { time: 0, kind: 'request', direction: 'c2s', details: { method: 'GET', url: `${URL_BASE}/news/short?since=12` } },
      { time: 4, kind: 'response', direction: 's2c', details: { status: 200, statusText: 'OK', headers: { 'content-length': '2' } } },
      { time: 4.2, kind: 'message', direction: 's2c', preview: '[]', body: '[]' },
    ]);
    const l = layout(events);
    expect(l.lanes).toEqual(['client', 'server']);
    expect(l.arrows.map((a) => [a.dir, a.label])).toEqual([
      ['c2s', 'GET /news/short?since=12'],
      ['s2c', '200 []'],
    ]);
    expect(l.arrows[1]!.seqs).toEqual([2, 3]);
    expect(l.indexOf(3)).toBe(1);
    const [held] = l.spans;
    expect(held).toMatchObject({ kind: 'held', lane: 'server', startY: 0, endY: DEFAULT_LAYOUT.rowHeight });
  });

  it('a long poll held 2 s: a held span of 2 s, a gap mark in compressed mode, 2 s to scale otherwise', () => {
    const inputs: Array<Partial<TrafficInput>> = [
      { time: 1000, kind: 'request', direction: 'c2s', details: { method: 'GET', url: `${URL_BASE}/news/long?since=12` } },
      { time: 3000, kind: 'response', direction: 's2c', details: { status: 200, statusText: 'OK' } },
      { time: 3001, kind: 'message', direction: 's2c', preview: '[{"id":13,"t":1}]', body: '[{"id":13,"t":1}]' },
    ];
    const compressed = layout(run(inputs));
    expect(compressed.arrows.map((a) => a.label)).toEqual(['GET /news/long?since=12', '200 [{"id":13,"t":1}]']);
    expect(compressed.arrows[1]!.gapBefore).toBe(2000);
    expect(compressed.arrows[1]!.y).toBe(DEFAULT_LAYOUT.rowHeight + DEFAULT_LAYOUT.gapHeight);
    const span = compressed.spans[0]!;
    expect(span.endTime! - span.startTime).toBe(2000);

    const scaled = layout(run(inputs), 'scale');
    expect(scaled.arrows[1]!.y - scaled.arrows[0]!.y).toBe(2 * DEFAULT_LAYOUT.pxPerSecond);
    expect(scaled.arrows[1]!.gapBefore).toBeUndefined();
    expect(scaled.arrows[1]).toMatchObject({ prevTime: 1000, prevY: 0 });
  });

  it('an SSE stream with ids: `data: … id: 7`, named events, a stream span until close()', () => {
    const sse = { conn: 'sse#1', transport: 'sse' as const };
    const events = run([
      { ...sse, time: 0, kind: 'open', direction: 'none', preview: `${URL_BASE}/news/sse`, details: { url: `${URL_BASE}/news/sse` } },
      { ...sse, time: 10, kind: 'message', direction: 's2c', body: '{"id":7}', preview: '{"id":7}', details: { eventType: 'message', eventId: '7' } },
      { ...sse, time: 20, kind: 'message', direction: 's2c', body: 'up', preview: 'up', details: { eventType: 'tick', eventId: '8' } },
      { ...sse, time: 30, kind: 'message', direction: 's2c', body: 'no id', preview: 'no id', details: { eventType: 'message' } },
      { ...sse, time: 40, kind: 'close', direction: 'c2s', preview: 'close() called by the page', details: { note: 'close() called by the page' } },
    ]);
    const l = layout(events);
    expect(l.arrows.map((a) => a.label)).toEqual([
      'open /news/sse',
      'data: {"id":7} id: 7',
      'event: tick data: up id: 8',
      'data: no id',
      'close: close() called by the page',
    ]);
    expect(l.arrows[0]).toMatchObject({ dir: 'mark', markLane: 'client' });
    expect(l.spans).toHaveLength(1);
    expect(l.spans[0]).toMatchObject({ kind: 'stream', lane: 'client', startY: 0, endY: l.arrows[4]!.y });
  });

  it('an SSE error while CONNECTING keeps the stream; a CLOSED one ends it', () => {
    const sse = { conn: 'sse#1', transport: 'sse' as const, direction: 'none' as const };
    const l = layout(
      run([
        { ...sse, kind: 'open', details: { url: '/s' } },
        { ...sse, kind: 'error', details: { note: 'readyState 0 CONNECTING: the browser will reconnect' } },
      ]),
    );
    expect(l.spans[0]!.endY).toBeUndefined();
    l.add(run([{}, {}, { ...sse, kind: 'error', details: { note: 'readyState 2 CLOSED：浏览器已放弃，不会再重连', gaveUp: true } }])[2]!);
    expect(l.spans[0]!.endY).toBeDefined();
  });

  it('a WebSocket: the open is the 101 arrow, frames both ways, `close 1006` as a mark on the lane that saw it', () => {
    const ws = { conn: 'ws#1', transport: 'ws' as const };
    const events = run([
      { ...ws, time: 0, kind: 'open', direction: 'none', preview: 'ws://localhost:3000/news/ws', details: { url: 'ws://localhost:3000/news/ws' } },
      { ...ws, time: 5, kind: 'frame', direction: 'c2s', preview: 'hi', body: 'hi' },
      { ...ws, time: 6, kind: 'frame', direction: 's2c', preview: '{"id":1}', body: '{"id":1}' },
      { ...ws, time: 7, kind: 'frame', direction: 'c2s', preview: 'late', body: 'late', details: { note: '未发送：连接正在关闭或已关闭', notSent: true } },
      { ...ws, time: 900, kind: 'close', direction: 'none', preview: '1006 (not clean)', details: { code: 1006, reason: '', wasClean: false } },
    ]);
    const l = layout(events);
    expect(l.arrows.map((a) => [a.dir, a.label])).toEqual([
      ['s2c', '101 Switching Protocols'],
      ['c2s', 'hi'],
      ['s2c', '{"id":1}'],
      ['c2s', 'late'],
      ['mark', 'close 1006'],
    ]);
    expect(l.arrows[3]!.notSent).toBe(true);
    expect(l.arrows[4]!.markLane).toBe('client');
    expect(l.arrows[4]!.tone).toBe('close');
    expect(l.spans[0]).toMatchObject({ kind: 'stream', lane: 'client', endTime: 900 });
  });

  it('a socket.io event seen by the server: the raw packet `42["chat message","hi"]` with its decoding folded in', () => {
    const sio = { conn: 'socket.io#1', transport: 'socket.io' as const, observer: 'server' as const, party: 'server' };
    const events = run([
      { ...sio, kind: 'open', direction: 'none', preview: 'engine.io open', details: { note: 'engine.io open' } },
      { ...sio, kind: 'frame', direction: 'c2s', preview: '42["chat message","hi"]', details: { eioType: 'message', sioType: 'EVENT', event: 'chat message', note: '#3 · websocket' } },
      { ...sio, kind: 'message', direction: 'c2s', preview: 'chat message("hi")', details: { sioType: 'EVENT', event: 'chat message', note: '解码自 #3', decodes: 3 } },
      { ...sio, kind: 'frame', direction: 's2c', preview: '2', details: { eioType: 'ping', note: '#4 · websocket' } },
    ]);
    const l = layout(events);
    // The shim cannot tell which client a socket.io packet is for: it goes to the client lane, not a lane "server".
    expect(l.lanes).toEqual(['client', 'server']);
    expect(l.arrows.map((a) => [a.dir, a.label])).toEqual([
      ['mark', 'open engine.io open'],
      ['c2s', '42["chat message","hi"]'],
      ['s2c', '2'],
    ]);
    expect(l.arrows[0]!.markLane).toBe('server');
    expect(l.arrows[1]!.seqs).toEqual([2, 3]);
  });

  // The notes are in the learner's language (here Chinese): what the layout tells apart is marked in the details.
  it('the server’s http exchange: its "response ended" folds into the response', () => {
    const srv = { observer: 'server' as const };
    const l = layout(
      run([
        { ...srv, kind: 'request', direction: 'c2s', details: { method: 'POST', url: '/chat' }, body: 'hello' },
        { ...srv, kind: 'response', direction: 's2c', details: { status: 204, statusText: 'No Content' } },
        { ...srv, kind: 'close', direction: 'none', details: { note: '响应结束', responseEnded: true } },
      ]),
    );
    expect(l.arrows.map((a) => a.label)).toEqual(['POST /chat hello', '204 No Content']);
    expect(l.arrows[1]!.seqs).toEqual([2, 3]);
  });

  it('one lane per client, the server last, in order of appearance', () => {
    const l = layout(
      run([
        { party: 'client', conn: 'ws#1', transport: 'ws', kind: 'frame' },
        { party: 'client 3', conn: 'ws#2', transport: 'ws', kind: 'frame' },
        { party: 'client 2', conn: 'ws#3', transport: 'ws', kind: 'frame' },
      ]),
    );
    expect(l.lanes).toEqual(['client', 'client 3', 'client 2', 'server']);
  });

  it('concurrent held requests take side-by-side slots, freed when they end', () => {
    const l = layout(
      run([
        { conn: 'http#1', kind: 'request', details: { url: '/a' } },
        { conn: 'http#2', kind: 'request', details: { url: '/b' } },
        { conn: 'http#1', kind: 'response', direction: 's2c', details: { status: 200 } },
        { conn: 'http#3', kind: 'request', details: { url: '/c' } },
      ]),
    );
    expect(l.spans.map((s) => [s.conn, s.slot])).toEqual([
      ['http#1', 0],
      ['http#2', 1],
      ['http#3', 0],
    ]);
  });

  it('finds the rows in a window by position, and forgets rows the buffer dropped', () => {
    const events = run(Array.from({ length: 10_000 }, (_, i) => ({ time: i, conn: `ws#1`, transport: 'ws' as const, kind: 'frame' as const, preview: `m${i}` })));
    const l = layout(events);
    const h = DEFAULT_LAYOUT.rowHeight;
    expect(l.height).toBe(10_000 * h);
    expect(l.rowsIn(100 * h, 120 * h)).toEqual([100, 120]);
    expect(l.rowsIn(100 * h + 1, 120 * h)).toEqual([100, 120]);
    expect(l.rowsIn(100 * h - 1, 120 * h + 1)).toEqual([99, 121]);
    l.trim(5001);
    expect(l.length).toBe(5000);
    expect(l.arrowAt(0)!.label).toBe('m5000');
    expect(l.rowsIn(0, h)).toEqual([0, 1]);
    expect(l.indexOf(5001)).toBe(0);
    expect(l.indexOf(10)).toBe(-1);
  });

  it('labels: paths, errors, closes', () => {
    expect(pathOf('http://localhost:3000/news?since=12')).toBe('/news?since=12');
    expect(pathOf('/x')).toBe('/x');
    const [err, wsClose, abort] = run([
      { kind: 'error', direction: 'none', details: { note: 'TypeError: Failed to fetch' } },
      { kind: 'close', direction: 'c2s', transport: 'ws', details: { code: 1000, reason: 'bye' } },
      { kind: 'close', direction: 'c2s', details: { note: 'aborted' } },
    ]);
    expect(labelOf(err!)).toBe('error: TypeError: Failed to fetch');
    expect(labelOf(wsClose!)).toBe('close 1000 bye');
    expect(labelOf(abort!)).toBe('close: aborted');
    const [long] = run([{ kind: 'frame', preview: 'x'.repeat(300) }]);
    expect(labelOf(long!).length).toBeLessThanOrEqual(72);
  });
});
