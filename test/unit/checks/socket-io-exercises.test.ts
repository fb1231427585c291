/**
 * The socket.io lesson's checks, fed what the client tap records for one or two WebSocket-only socket.io connections
 * (handshake, CONNECT both ways, then EVENT and ACK packets). Each scenario is what one learner's solution puts on the
 * wire: wrong ones must fail and say what was seen, right ones written differently must pass.
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/socket-io/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const byId = (id: string) => exercises.find((e) => e.id === id)!;

class Wire {
  traffic: TrafficEvent[] = [];
  errors: Array<Observation['errors'][number]> = [];
  seq = 0;
  time = 0;
  private push(conn: string, kind: TrafficEvent['kind'], direction: TrafficEvent['direction'], body?: string, details: TrafficEvent['details'] = {}) {
    this.time += 50;
    this.traffic.push({
      seq: ++this.seq, time: this.time, party: 'client', observer: 'client', conn, transport: 'ws', direction, kind,
      bytes: body?.length ?? 0, preview: body ?? '', ...(body === undefined ? {} : { body }), details,
    });
    return this;
  }
  /** A connection up to the Socket.IO CONNECT answer; `n` names it (ws#n, sid e<n>). */
  connect(n: number) {
    const conn = `ws#${n}`;
    this.push(conn, 'open', 'none', undefined, { url: 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket' });
    this.push(conn, 'frame', 's2c', `0{"sid":"e${n}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`);
    this.push(conn, 'frame', 'c2s', '40');
    return this.push(conn, 'frame', 's2c', `40{"sid":"s${n}"}`);
  }
  up(n: number, packet: string) {
    return this.push(`ws#${n}`, 'frame', 'c2s', `4${packet}`);
  }
  down(n: number, packet: string) {
    return this.push(`ws#${n}`, 'frame', 's2c', `4${packet}`);
  }
  wait(ms: number) {
    this.time += ms;
    return this;
  }
  error(message: string) {
    this.errors.push({ side: 'client', kind: 'uncaught', message });
    return this;
  }
  observe(): Observation {
    return { mode: 'browser', traffic: this.traffic, console: { server: [], client: [] }, errors: this.errors, elapsed: this.time + 2000 };
  }
}

describe('socket-io fix-this-emit', () => {
  const check = (w: Wire) => byId('fix-this-emit').check(w.observe());
  it('fails the course’s this.emit (stopped on the TypeError) and an emit the server does not answer', () => {
    expect(check(new Wire().connect(1).error('TypeError: this.emit is not a function')).saw?.en).toBe(
      'no “clientfn” event left the client; it stopped on “TypeError: this.emit is not a function”',
    );
    expect(check(new Wire().connect(1).up(1, '2["clientfn","hello"]')).saw?.en).toMatch(/no “message” came back on that connection/);
  });
  it('passes socket.emit before or after connecting, with any text', () => {
    expect(check(new Wire().connect(1).up(1, '2["clientfn","hi"]').down(1, '2["message","hello i am server"]'))).toEqual({ pass: true });
  });
});

describe('socket-io ack-stored', () => {
  const check = (w: Wire) => byId('ack-stored').check(w.observe());
  it('fails an emit without a callback and a callback the server never calls', () => {
    expect(check(new Wire().connect(1).up(1, '2["save","remember me"]')).saw?.en).toBe('events without an ack id: “42["save","remember me"]”');
    expect(check(new Wire().connect(1).up(1, '20["save","remember me"]')).saw?.en).toMatch(/asked for an acknowledgement, and no 43<id>/);
  });
  it('passes a callback and an emitWithAck, whatever the reply says', () => {
    expect(check(new Wire().connect(1).up(1, '20["save","remember me"]').down(1, '30[{"stored":true}]'))).toEqual({ pass: true });
    expect(check(new Wire().connect(1).up(1, '21["save","x"]').down(1, '31["ok"]'))).toEqual({ pass: true });
  });
});

describe('socket-io broadcast-others', () => {
  const check = (w: Wire) => byId('broadcast-others').check(w.observe());
  const two = () => new Wire().connect(1).connect(2);
  it('fails io.emit (the sender gets it back), socket.emit (only the sender) and a send nobody else receives', () => {
    expect(check(two().up(1, '2["chat","hi"]').down(1, '2["chat","hi"]').down(2, '2["chat","hi"]')).saw?.en).toMatch(/the sender got its own “chat” back/);
    expect(check(two().up(1, '2["chat","hi"]').down(1, '2["chat","hi"]')).saw?.en).toMatch(/the sender got its own “chat” back/);
    expect(check(two().up(1, '2["chat","hi"]').wait(2000)).saw?.en).toBe('“chat” was sent, and no other connection received it');
  });
  it('passes socket.broadcast.emit (or io.except(socket.id)), once the sender has been watched a moment', () => {
    expect(check(two().up(1, '2["chat","hi"]').down(2, '2["chat","hi"]').wait(1000))).toEqual({ pass: true });
  });
});

describe('socket-io room-only', () => {
  const check = (w: Wire) => byId('room-only').check(w.observe());
  const two = () => new Wire().connect(1).connect(2).up(1, '2["join","news"]');
  it('fails io.emit to everyone and a join the server never performs (nobody gets news)', () => {
    expect(check(two().down(1, '2["news",1]').down(2, '2["news",1]')).saw?.en).toBe('every connection received “news” (2 connections)');
    expect(check(two().wait(3000)).saw?.en).toBe('no 42["news",…] reached any connection');
  });
  it('passes io.to("news") or io.in("news") reaching only the reader, twice', () => {
    expect(check(two().down(1, '2["news",1]').wait(1000).down(1, '2["news",2]'))).toEqual({ pass: true });
  });
});
