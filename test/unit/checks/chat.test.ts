/**
 * The chat lesson's history check, fed three windows' socket.io traffic as the client taps record it: each window a
 * WebSocket session (handshake, CONNECT, its `join` with an ack id, and the server's ACK with the join answer).
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/chat/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const history = exercises.find((e) => e.id === 'history')!;

/** Three windows that joined; `answer(i)` is what the server acknowledged to window i's join. */
function threeWindows(answer: (i: number) => Record<string, unknown>): Observation {
  let seq = 0;
  const traffic: TrafficEvent[] = [];
  for (let i = 1; i <= 3; i++) {
    const party = `client ${i}`;
    const frame = (direction: 'c2s' | 's2c', body: string): TrafficEvent => ({
      seq: ++seq, time: seq * 10, party, observer: 'client', conn: 'ws#1', transport: 'ws', direction, kind: 'frame',
      bytes: body.length, preview: body, body, details: {},
    });
    traffic.push(
      { seq: ++seq, time: seq * 10, party, observer: 'client', conn: 'ws#1', transport: 'ws', direction: 'none', kind: 'open', bytes: 0, preview: '', details: { url: 'ws://localhost/socket.io/?EIO=4&transport=websocket' } },
      frame('s2c', `0{"sid":"e${i}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`),
      frame('c2s', '40'),
      frame('s2c', `40{"sid":"s${i}"}`),
      frame('c2s', `420["join",{"room":"lobby","nick":"guest-${i}"}]`),
      frame('s2c', `430${JSON.stringify([{ ok: true, room: 'lobby', nick: `guest-${i}`, online: [], ...answer(i) }])}`),
    );
  }
  return { mode: 'browser', traffic, console: { server: [], client: [] }, errors: [], elapsed: 8000 };
}
const msg = (offset: unknown, text = `m${String(offset)}`) => ({ offset, room: 'lobby', from: 'server', text, time: 0 });

describe('chat history: offsets on the join answer', () => {
  it('fails the step before (no messages in the join answer)', () => {
    const r = history.check(threeWindows(() => ({})));
    expect(r.pass).toBe(false);
    expect(r.saw?.en).toMatch(/client 1 has no messages array/);
  });

  it('fails history without offsets', () => {
    const r = history.check(threeWindows(() => ({ messages: [{ text: 'Welcome!' }] })));
    expect(r.saw?.en).toBe('client 1 joined with 1 messages, 0 of them with a numeric offset and a text');
  });

  it('fails offsets that do not go up (the same number for every message)', () => {
    const r = history.check(threeWindows(() => ({ messages: [msg(1), msg(1, 'again')] })));
    expect(r.saw?.en).toBe('client 1 joined with offsets 1, 1: they do not go up');
  });

  it('passes the welcome message at offset 1, and history kept differently (offsets from 10, with gaps)', () => {
    expect(history.check(threeWindows(() => ({ messages: [msg(1)] })))).toEqual({ pass: true });
    expect(history.check(threeWindows((i) => ({ messages: [msg(10), msg(12), msg(12 + i)] })))).toEqual({ pass: true });
  });
});

const nicknames = exercises.find((e) => e.id === 'nicknames')!;
const online = exercises.find((e) => e.id === 'online')!;

/** Adds server → window frames after the joins: `events(i)` is what window i received. */
function withReceived(o: Observation, events: (i: number) => string[]): Observation {
  let seq = 1000;
  const extra: TrafficEvent[] = [];
  for (let i = 1; i <= 3; i++) {
    for (const body of events(i)) {
      extra.push({ seq: ++seq, time: 5000 + seq, party: `client ${i}`, observer: 'client', conn: 'ws#1', transport: 'ws', direction: 's2c', kind: 'frame', bytes: body.length, preview: body, body: `4${body}`, details: {} });
    }
  }
  return { ...o, traffic: [...o.traffic, ...extra] };
}
const notice = (nick: string) => `2["notice",{"kind":"joined","room":"lobby","nick":"${nick}"}]`;
const list = (...nicks: string[]) => `2["online",{"room":"lobby","nicks":${JSON.stringify(nicks)}}]`;

describe('chat nicknames: join with a nickname, the others hear of it', () => {
  it('fails joins nobody hears of, and a newcomer told about itself', () => {
    expect(nicknames.check(threeWindows(() => ({}))).saw?.en).toMatch(/“joined” notices heard about: —/);
    const toSelf = withReceived(threeWindows(() => ({})), (i) => [notice(`guest-${i}`)]);
    expect(nicknames.check(toSelf).saw?.en).toBe('client 1 was told that “guest-1” joined: that is itself');
  });
  it('passes the others told, in any order', () => {
    const o = withReceived(threeWindows(() => ({})), (i) => (i === 1 ? [notice('guest-2'), notice('guest-3')] : i === 2 ? [notice('guest-3')] : []));
    expect(nicknames.check(o)).toEqual({ pass: true });
  });
});

describe('chat online: every window’s latest list names everyone', () => {
  it('fails a list sent only to the newcomer, and socket ids instead of nicknames', () => {
    const newcomerOnly = withReceived(threeWindows(() => ({})), (i) => [list(...['guest-1', 'guest-2', 'guest-3'].slice(0, i))]);
    expect(online.check(newcomerOnly).pass).toBe(false);
    expect(online.check(newcomerOnly).saw?.en).toMatch(/^the latest “online” list in client 1: “guest-1”$/);
    const ids = withReceived(threeWindows(() => ({})), () => [list('s1', 's2', 's3')]);
    expect(online.check(ids).pass).toBe(false);
  });
  it('passes the whole list to the room, sorted or not', () => {
    expect(online.check(withReceived(threeWindows(() => ({})), () => [list('guest-3', 'guest-1', 'guest-2')]))).toEqual({ pass: true });
  });
});
