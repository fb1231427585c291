/**
 * The websocket lesson's heartbeat check, fed WebSocket traffic shaped as the client tap records it: 'open', text
 * 'frame's both ways, and 'close' (direction 'c2s' when the page called close()). Each scenario is what a run of one
 * learner's solution looks like on the wire.
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/websocket/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const pingPong = exercises.find((e) => e.id === 'ping-pong')!;

class Wire {
  events: TrafficEvent[] = [];
  seq = 0;
  add(time: number, conn: string, kind: TrafficEvent['kind'], direction: TrafficEvent['direction'], body?: string, details: TrafficEvent['details'] = {}) {
    this.events.push({
      seq: ++this.seq, time, party: 'client', observer: 'client', conn, transport: 'ws', direction, kind,
      bytes: body?.length ?? 0, preview: body ?? '', ...(body === undefined ? {} : { body }), details,
    });
    return this;
  }
  open(time: number, conn: string) {
    return this.add(time, conn, 'open', 'none', undefined, { url: 'ws://localhost:8181/' });
  }
  /** A ping at each time, answered by a pong 5 ms later unless `answered` is false. */
  pings(conn: string, times: number[], answered = true) {
    for (const at of times) {
      this.add(at, conn, 'frame', 's2c', 'ping');
      if (answered) this.add(at + 5, conn, 'frame', 'c2s', 'pong');
    }
    return this;
  }
  clientClose(time: number, conn: string, code = 4000) {
    return this.add(time, conn, 'close', 'c2s', undefined, { code, reason: 'no ping' });
  }
  serverClose(time: number, conn: string, code = 1006) {
    return this.add(time, conn, 'close', 's2c', undefined, { code, wasClean: false });
  }
  observe(elapsed: number): Observation {
    const traffic = [...this.events].sort((a, b) => a.time - b.time || a.seq - b.seq);
    return { mode: 'browser', traffic, console: { server: [], client: [] }, errors: [], elapsed };
  }
}

const saw = (o: Observation) => pingPong.check(o).saw?.en ?? '';

describe('websocket ping-pong: a heartbeat that notices a dead server', () => {
  it('fails the starting code: frames, but no ping', () => {
    const o = new Wire().open(100, 'ws#1').add(1100, 'ws#1', 'frame', 's2c', '{"name":"张三","age":20}').clientClose(3500, 'ws#1', 1005).observe(13_000);
    expect(pingPong.check(o)).toMatchObject({ pass: false });
    expect(saw(o)).toMatch(/no 'ping'/);
  });

  it('fails pings and pongs that nobody acts on: the pings stop and the connection stays open', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100, 2100, 3100]).observe(13_000);
    expect(pingPong.check(o).pass).toBe(false);
    expect(saw(o)).toMatch(/stopped at 3\.1 s.*still open: nobody noticed/);
  });

  it('fails a client that closes on a timer whatever the pings: it closed a live connection', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100, 2100, 3100]).clientClose(4000, 'ws#1')
      .open(4010, 'ws#2').pings('ws#2', [5010, 6010]).observe(13_000);
    expect(pingPong.check(o).pass).toBe(false);
    expect(saw(o)).toMatch(/only 0\.9 s after a ping: the connection was alive/);
  });

  it('fails a client that closes the silent connection and never connects again', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100, 2100, 3100]).clientClose(6100, 'ws#1').observe(13_000);
    expect(pingPong.check(o).pass).toBe(false);
    expect(saw(o)).toMatch(/closed the silent ws#1 at 6\.1 s, and no new connection/);
  });

  it('fails a client that leaves a ping unanswered', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100]).pings('ws#1', [2100], false).observe(4_000);
    expect(pingPong.check(o).pass).toBe(false);
    expect(saw(o)).toMatch(/1 'ping' frame\(s\) not answered/);
  });

  it('fails when only the server or the network ended the silent connection', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100, 2100, 3100]).serverClose(5000, 'ws#1').observe(13_000);
    expect(pingPong.check(o).pass).toBe(false);
    expect(saw(o)).toMatch(/closed by the server or the network/);
  });

  it('passes the shipped solution’s run: silent for 3 s, closed by the client, reconnected at once, pings answered', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100, 2100, 3100]).clientClose(6100, 'ws#1')
      .open(6110, 'ws#2').pings('ws#2', [7110, 8110]).observe(13_000);
    expect(pingPong.check(o)).toEqual({ pass: true });
  });

  it('passes another right client: an interval that compares times, and a pause of a second before reconnecting', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100, 2100, 3100]).clientClose(6500, 'ws#1')
      .open(7500, 'ws#2').pings('ws#2', [8500]).observe(13_000);
    expect(pingPong.check(o)).toEqual({ pass: true });
  });

  it('a ping still within its second is not yet counted as unanswered', () => {
    const o = new Wire().open(100, 'ws#1').pings('ws#1', [1100]).pings('ws#1', [2100], false).observe(2_500);
    expect(pingPong.check(o).pass).toBe(false);
    expect(saw(o)).toMatch(/waiting for them to stop/);
  });
});

const byId = (id: string) => exercises.find((e) => e.id === id)!;
const withConsole = (o: Observation, side: 'server' | 'client', lines: Array<[number, string]>): Observation => ({
  ...o,
  console: { ...o.console, [side]: lines.map(([time, text]) => ({ level: 'log' as const, time, text })) },
});

describe('websocket stop-the-timer', () => {
  const stop = byId('stop-the-timer');
  const closedAt3500 = () => new Wire().open(100, 'ws#1').clientClose(3500, 'ws#1', 1005).observe(7000);
  const sends = (until: number) => Array.from({ length: Math.floor(until / 1000) }, (_, i) => [(i + 1) * 1000 + 100, 'sent'] as [number, string]);
  it('fails the starting server (sent goes on) and a timer cleared only much later', () => {
    expect(stop.check(withConsole(closedAt3500(), 'server', sends(7000))).saw?.en).toBe('3 sends logged after the client closed');
    expect(stop.check(withConsole(closedAt3500(), 'server', [...sends(3000), [5100, 'sent']])).pass).toBe(false);
  });
  it('passes clearInterval on close, and a timer that stops itself when readyState is not OPEN', () => {
    expect(stop.check(withConsole(closedAt3500(), 'server', sends(3000)))).toEqual({ pass: true });
    expect(stop.check(withConsole(closedAt3500(), 'server', [...sends(3000), [4100, 'sent']]))).toEqual({ pass: true });
  });
});

describe('websocket close-4000', () => {
  const close = byId('close-4000');
  it('fails close() without a code, and 4000 without a reason', () => {
    expect(close.check(new Wire().open(100, 'ws#1').add(3500, 'ws#1', 'close', 'c2s', undefined, {}).observe(6000)).saw?.en).toBe('closes: “no code”');
    expect(close.check(new Wire().open(100, 'ws#1').add(3500, 'ws#1', 'close', 'c2s', undefined, { code: 4000 }).observe(6000)).pass).toBe(false);
  });
  it('passes 4000 with any reason, Chinese or not', () => {
    expect(close.check(new Wire().open(100, 'ws#1').clientClose(3500, 'ws#1', 4000).observe(6000))).toEqual({ pass: true });
    expect(close.check(new Wire().open(100, 'ws#1').add(2000, 'ws#1', 'close', 'c2s', undefined, { code: 4000, reason: '用户离开了页面' }).observe(6000))).toEqual({ pass: true });
  });
});

describe('websocket binary-echo', () => {
  const echo = byId('binary-echo');
  const wire = () =>
    new Wire()
      .open(100, 'ws#1')
      .add(200, 'ws#1', 'frame', 'c2s', '01 02 03 04', { binary: true })
      .add(210, 'ws#1', 'frame', 's2c', '01 02 03 04', { binary: true })
      .observe(5000);
  it('fails a Blob logged (no bytes) and no echo at all', () => {
    expect(echo.check(withConsole(wire(), 'client', [[220, 'bytes back: Blob {size: 4}']])).pass).toBe(false);
    const noEcho = new Wire().open(100, 'ws#1').add(200, 'ws#1', 'frame', 'c2s', '01 02 03 04', { binary: true }).observe(5000);
    expect(echo.check(noEcho).saw?.en).toBe('a binary frame sent, none received back');
  });
  it('passes a Uint8Array logged, and the bytes joined by hand', () => {
    expect(echo.check(withConsole(wire(), 'client', [[220, 'bytes back: Uint8Array(4) [1, 2, 3, 4]']]))).toEqual({ pass: true });
    expect(echo.check(withConsole(wire(), 'client', [[230, '1-2-3-4']]))).toEqual({ pass: true });
  });
});
