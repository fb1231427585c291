/**
 * The many-servers lesson's checks, fed what the client taps record: socket.io sessions over long polling (requests
 * with ?sid=, bodies of Engine.IO packets) or WebSocket, the servers' `hello`, alice's `say` and the `said` copies,
 * the CONNECT with its auth, refusals (44) and failed upgrades. Each scenario is what one learner's solution puts on
 * the wire: wrong ones must fail and say what was seen, right ones written differently must pass.
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/many-servers/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const byId = (id: string) => exercises.find((e) => e.id === id)!;
const POLL = 'http://localhost:3000/socket.io/?EIO=4&transport=polling';

class Run {
  traffic: TrafficEvent[] = [];
  seq = 0;
  time = 0;
  conns = 0;
  private push(e: Omit<TrafficEvent, 'seq' | 'time' | 'party' | 'observer' | 'bytes' | 'preview'> & { preview?: string }) {
    this.time += 50;
    this.traffic.push({ seq: ++this.seq, time: this.time, party: 'client', observer: 'client', bytes: e.body?.length ?? 0, preview: e.body ?? '', ...e });
    return this;
  }
  /** One polling exchange: a request (with its body) and the response's status and body. */
  poll(url: string, method: 'GET' | 'POST', body: string | undefined, status: number, answer: string) {
    const conn = `http#${++this.conns}`;
    this.push({ conn, transport: 'http', direction: 'c2s', kind: 'request', ...(body ? { body } : {}), details: { method, url } });
    this.push({ conn, transport: 'http', direction: 's2c', kind: 'response', details: { method, url, status } });
    return this.push({ conn, transport: 'http', direction: 's2c', kind: 'message', body: answer, details: { url } });
  }
  /** A session over polling up to the server's hello: handshake, CONNECT with `auth`, CONNECT answer, hello. */
  pollingSession(sid: string, server: string, auth: object = { name: sid, token: 'let-me-in' }) {
    this.poll(POLL, 'GET', undefined, 200, `0{"sid":"${sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`);
    this.poll(`${POLL}&sid=${sid}`, 'POST', `40${JSON.stringify(auth)}`, 200, 'ok');
    return this.poll(`${POLL}&sid=${sid}`, 'GET', undefined, 200, `40{"sid":"s-${sid}"}\x1e42["hello","${server}"]`);
  }
  /** A session that went straight to WebSocket (transports: ['websocket']). */
  wsSession(sid: string, server: string, auth: object = { name: sid, token: 'let-me-in' }) {
    const conn = `ws#${sid}`;
    this.push({ conn, transport: 'ws', direction: 'none', kind: 'open', details: { url: 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket' } });
    this.push({ conn, transport: 'ws', direction: 's2c', kind: 'frame', body: `0{"sid":"${sid}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`, details: {} });
    this.push({ conn, transport: 'ws', direction: 'c2s', kind: 'frame', body: `40${JSON.stringify(auth)}`, details: {} });
    return this.push({ conn, transport: 'ws', direction: 's2c', kind: 'frame', body: `40{"sid":"s-${sid}"}`, details: {} }).ws(sid, 's2c', `42["hello","${server}"]`);
  }
  /** An upgrade of a polling session: answered (3probe), or refused by the other server (no frame, then a close). */
  upgrade(sid: string, answered: boolean) {
    const conn = `ws#up-${sid}`;
    const url = `ws://localhost:3000/socket.io/?EIO=4&transport=websocket&sid=${sid}`;
    if (!answered) {
      this.push({ conn, transport: 'ws', direction: 'none', kind: 'error', details: { url } });
      return this.push({ conn, transport: 'ws', direction: 'none', kind: 'close', details: { code: 1006 } });
    }
    this.push({ conn, transport: 'ws', direction: 'none', kind: 'open', details: { url } });
    this.push({ conn, transport: 'ws', direction: 'c2s', kind: 'frame', body: '2probe', details: {} });
    return this.push({ conn, transport: 'ws', direction: 's2c', kind: 'frame', body: '3probe', details: {} });
  }
  /** A packet on a WebSocket session (no leading Engine.IO 4 for non-message packets). */
  ws(sid: string, direction: 'c2s' | 's2c', packet: string) {
    return this.push({ conn: `ws#${sid}`, transport: 'ws', direction, kind: 'frame', body: packet.startsWith('4') ? packet : `4${packet}`, details: {} });
  }
  /** A WebSocket session refused by a middleware: CONNECT with auth, then 44. */
  refused(sid: string, auth: object, message = 'invalid token') {
    const conn = `ws#${sid}`;
    this.push({ conn, transport: 'ws', direction: 'none', kind: 'open', details: { url: 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket' } });
    this.push({ conn, transport: 'ws', direction: 's2c', kind: 'frame', body: `0{"sid":"${sid}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`, details: {} });
    this.push({ conn, transport: 'ws', direction: 'c2s', kind: 'frame', body: `40${JSON.stringify(auth)}`, details: {} });
    return this.push({ conn, transport: 'ws', direction: 's2c', kind: 'frame', body: `44{"message":"${message}"}`, details: {} });
  }
  /** A CONNECT sent on a WebSocket session that no answer followed. */
  unanswered(sid: string, auth: object) {
    const conn = `ws#${sid}`;
    this.push({ conn, transport: 'ws', direction: 'none', kind: 'open', details: { url: 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket' } });
    this.push({ conn, transport: 'ws', direction: 's2c', kind: 'frame', body: `0{"sid":"${sid}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`, details: {} });
    return this.push({ conn, transport: 'ws', direction: 'c2s', kind: 'frame', body: `40${JSON.stringify(auth)}`, details: {} });
  }
  wait(ms: number) {
    this.time += ms;
    return this;
  }
  observe(): Observation {
    return { mode: 'browser', traffic: this.traffic, console: { server: [], client: [] }, errors: [], elapsed: this.time };
  }
}

describe('many-servers sticky-sessions', () => {
  const check = (r: Run) => byId('sticky-sessions').check(r.observe());
  it('fails the round robin as shipped: a request of the session answered 400 Session ID unknown', () => {
    const r = new Run().poll(POLL, 'GET', undefined, 200, '0{"sid":"a1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    r.poll(`${POLL}&sid=a1`, 'POST', '40{"name":"alice"}', 400, '{"code":1,"message":"Session ID unknown"}').wait(3000);
    expect(check(r).saw?.en).toBe('1 request(s) of a session answered 400 (Session ID unknown): they reached the server that did not make it');
  });
  it('fails sticky polling with a round-robin upgrade: the upgrade closes unanswered', () => {
    const r = new Run().pollingSession('a1', 'A').upgrade('a1', false).pollingSession('b1', 'B').upgrade('b1', true).wait(3000);
    expect(check(r).saw?.en).toMatch(/^1 WebSocket upgrade\(s\) with \?sid= closed without an answer/);
  });
  it("fails polling turned off in the client (transports: ['websocket']), and everyone on one server", () => {
    expect(check(new Run().wsSession('a1', 'A').wsSession('b1', 'B').wait(3000)).saw?.en).toBe('every connection went straight to WebSocket: long polling is off');
    expect(check(new Run().pollingSession('a1', 'A').pollingSession('a2', 'A').wait(3000)).saw?.en).toBe('2 connection(s), all served by A');
    expect(check(new Run().wait(3000)).saw?.en).toBe('no connection got through the load balancer');
  });
  it('passes sessions on A and B over polling, upgraded or not, once a moment has passed without a refusal', () => {
    const r = new Run().pollingSession('a1', 'A').upgrade('a1', true).pollingSession('b1', 'B').upgrade('b1', true).pollingSession('a2', 'A');
    expect(check(r).pass).toBe(false);
    expect(check(r.wait(1500))).toEqual({ pass: true });
    expect(check(new Run().pollingSession('a1', 'A').pollingSession('b1', 'B').wait(1500))).toEqual({ pass: true });
  });
});

describe('many-servers broadcast-every-server', () => {
  const check = (r: Run) => byId('broadcast-every-server').check(r.observe());
  const three = () => new Run().wsSession('a1', 'A').wsSession('b1', 'B').wsSession('a2', 'A');
  it("fails io.emit on the sender's server only: none on B", () => {
    const r = three().ws('a1', 'c2s', '2["say","alice #1"]').ws('a1', 's2c', '2["said","alice #1"]').ws('a2', 's2c', '2["said","alice #1"]').wait(1000);
    expect(check(r).saw?.en).toBe('alice #1 reached 2 of 3 connections; none on B');
  });
  it("fails a local io.emit plus the bus: twice on the sender's server", () => {
    const r = three().ws('a1', 'c2s', '2["say","alice #1"]');
    for (const sid of ['a1', 'a2', 'a1', 'a2', 'b1']) r.ws(sid, 's2c', '2["said","alice #1"]');
    expect(check(r.wait(1000)).saw?.en).toBe('a connection on A got alice #1 2 times');
  });
  it('waits for a say sent once everyone is up, and a second for its copies', () => {
    expect(check(three().wait(1000)).saw?.en).toBe('no 42["say",…] sent yet');
    const r = three().ws('a1', 'c2s', '2["say","alice #1"]');
    for (const sid of ['a1', 'b1', 'a2']) r.ws(sid, 's2c', '2["said","alice #1"]');
    expect(check(r).pass).toBe(false);
    expect(check(r.wait(1000))).toEqual({ pass: true });
  });
  it('judges a say sent in the last connection’s connect handler, recorded just before that connection’s 40', () => {
    const r = new Run().wsSession('a1', 'A').wsSession('b1', 'B');
    r.ws('a1', 'c2s', '2["say","hello, everyone"]');
    r.time -= 40; // the say is recorded, then (a moment later by the tap's clock) the answer the client acted on
    r.wsSession('a2', 'A');
    for (const sid of ['a1', 'a2']) r.ws(sid, 's2c', '2["said","hello, everyone"]');
    expect(check(r.wait(1000)).saw?.en).toBe('hello, everyone reached 2 of 3 connections; none on B');
  });
  it('needs both servers', () => {
    const r = new Run().wsSession('a1', 'A').wsSession('a2', 'A').ws('a1', 'c2s', '2["say","x"]').ws('a1', 's2c', '2["said","x"]').ws('a2', 's2c', '2["said","x"]').wait(1000);
    expect(check(r).saw?.en).toBe('2 connection(s), all served by A');
  });
});

describe('many-servers token-middleware', () => {
  const check = (r: Run) => byId('token-middleware').check(r.observe());
  const good = (sid: string, server: string) => ({ sid, server, auth: { name: sid, token: 'let-me-in' } });
  it('fails no middleware: mallory with "guess" was let in', () => {
    const r = new Run().wsSession('a1', 'A').wsSession('m1', 'B', { name: 'mallory', token: 'guess' }).wait(1000);
    expect(check(r).saw?.en).toBe('a connection with the token "guess" was let in (40{"sid":…})');
  });
  it('fails a token read from the wrong place: everyone refused', () => {
    const r = new Run().refused('a1', good('a1', 'A').auth).refused('m1', { name: 'mallory', token: 'guess' }).wait(1000);
    expect(check(r).saw?.en).toBe('a connection with the right token was refused (1 of 1)');
  });
  it('fails a middleware that never calls next for mallory: no answer', () => {
    const r = new Run().wsSession('a1', 'A').unanswered('m1', { name: 'mallory', token: 'guess' }).wait(2000);
    expect(check(r).saw?.en).toMatch(/^a connection with a wrong token has had no answer for 2\.\d s$/);
  });
  it('passes the right token in and a wrong or missing one refused, whatever the message', () => {
    expect(check(new Run().wsSession('a1', 'A').refused('m1', { name: 'mallory', token: 'guess' }))).toEqual({ pass: true });
    expect(check(new Run().pollingSession('a1', 'A').refused('m1', { name: 'mallory' }, 'who are you?'))).toEqual({ pass: true });
  });
  it('needs a wrong token to refuse', () => {
    expect(check(new Run().wsSession('a1', 'A').wsSession('b1', 'B')).saw?.en).toBe('every connection had the right token');
  });
});
