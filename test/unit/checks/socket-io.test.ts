/**
 * The socket.io reader over client traffic, fed events shaped exactly as the client taps record them (a WebSocket's
 * open and text frames, XHR requests and their responses), with bodies made by socket.io's own encoders.
 */
import { encodePayload, type Packet } from 'engine.io-parser';
import { Encoder, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { connectedSessions, decodeSocketIo, sioEvents, socketIoPackets } from '../../../src/lessons/checks/socket-io.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

let seq = 0;
function ev(conn: string, transport: 'ws' | 'http', kind: TrafficEvent['kind'], direction: TrafficEvent['direction'], body?: string, url?: string): TrafficEvent {
  seq++;
  return {
    seq, time: seq * 10, party: 'client', observer: 'client', conn, transport, direction, kind, bytes: body?.length ?? 0,
    preview: body ?? '', ...(body === undefined ? {} : { body }), details: url ? { url } : {},
  };
}
const observe = (traffic: TrafficEvent[]): Observation => ({ mode: 'browser', traffic, console: { server: [], client: [] }, errors: [], elapsed: 5000 });
const sio = (packet: { type: PacketType; nsp?: string; data?: unknown; id?: number }) =>
  new Encoder().encode({ nsp: '/', ...packet })[0] as string;
const payload = (packets: Packet[]) => new Promise<string>((r) => encodePayload(packets, r));

const HANDSHAKE = (sid: string, upgrades: string[] = []) => `0${JSON.stringify({ sid, upgrades, pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 })}`;

describe('decodeSocketIo', () => {
  it('reads events with ack ids and namespaces, acks and connects as socket.io-parser does', () => {
    expect(decodeSocketIo(sio({ type: PacketType.EVENT, data: ['save', 'hi', { n: 1 }], id: 7 }))).toEqual({
      type: 'EVENT', nsp: '/', id: 7, event: 'save', args: ['hi', { n: 1 }],
    });
    expect(decodeSocketIo('3["ok"]')).toEqual({ type: 'ACK', nsp: '/', args: ['ok'] });
    expect(decodeSocketIo('3/admin,12[true]')).toEqual({ type: 'ACK', nsp: '/admin', id: 12, args: [true] });
    expect(decodeSocketIo('0{"sid":"s1"}')).toEqual({ type: 'CONNECT', nsp: '/', args: [{ sid: 's1' }] });
    expect(decodeSocketIo('51-["file",{"_placeholder":true,"num":0}]')).toEqual({ type: 'BINARY_EVENT', nsp: '/', args: [] });
    expect(decodeSocketIo('hello')).toBeUndefined();
  });
});

describe('socketIoPackets', () => {
  it('a WebSocket-only session: every frame decoded and named by the sid of its handshake', () => {
    const url = 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket';
    const packets = socketIoPackets(observe([
      ev('ws#1', 'ws', 'open', 'none', undefined, url),
      ev('ws#1', 'ws', 'frame', 's2c', HANDSHAKE('abc')),
      ev('ws#1', 'ws', 'frame', 'c2s', '40'),
      ev('ws#1', 'ws', 'frame', 's2c', '40{"sid":"x1"}'),
      ev('ws#1', 'ws', 'frame', 'c2s', '420["save","hi"]'),
      ev('ws#1', 'ws', 'frame', 's2c', '430[{"stored":true}]'),
      ev('ws#1', 'ws', 'frame', 's2c', '2'),
      ev('ws#1', 'ws', 'frame', 'c2s', '3'),
    ]));
    expect(packets.map((p) => `${p.direction} ${p.raw} ${p.sid}`)).toEqual([
      `s2c ${HANDSHAKE('abc')} abc`, 'c2s 40 abc', 's2c 40{"sid":"x1"} abc', 'c2s 420["save","hi"] abc', 's2c 430[{"stored":true}] abc', 's2c 2 abc', 'c2s 3 abc',
    ]);
    expect(packets.map((p) => p.eio)).toEqual(['open', 'message', 'message', 'message', 'message', 'ping', 'pong']);
    expect(packets[3]!.sio).toEqual({ type: 'EVENT', nsp: '/', id: 0, event: 'save', args: ['hi'] });
    expect(packets[4]!.sio).toEqual({ type: 'ACK', nsp: '/', id: 0, args: [{ stored: true }] });
    expect(connectedSessions(packets)).toEqual(['abc']);
  });

  it('polling then the upgrade: payloads split at \\x1e, sessions told apart by sid', async () => {
    const base = 'http://localhost:5173/socket.io/?EIO=4&transport=polling';
    const message = sio({ type: PacketType.EVENT, data: ['message', 'a\u001eb'] });
    const traffic = [
      ev('http#1', 'http', 'request', 'c2s', undefined, `${base}&t=1`),
      ev('http#1', 'http', 'response', 's2c'),
      ev('http#1', 'http', 'message', 's2c', HANDSHAKE('p1', ['websocket'])),
      ev('http#2', 'http', 'request', 'c2s', '40', `${base}&t=2&sid=p1`),
      ev('http#3', 'http', 'request', 'c2s', undefined, `${base}&t=3&sid=p1`),
      ev('http#3', 'http', 'message', 's2c', await payload([{ type: 'message', data: '0{"sid":"n1"}' }, { type: 'message', data: message }])),
      ev('ws#4', 'ws', 'open', 'none', undefined, 'ws://localhost:5173/socket.io/?EIO=4&transport=websocket&sid=p1'),
      ev('ws#4', 'ws', 'frame', 'c2s', '2probe'),
      ev('ws#4', 'ws', 'frame', 's2c', '3probe'),
      ev('ws#4', 'ws', 'frame', 'c2s', '5'),
      ev('ws#4', 'ws', 'frame', 'c2s', '42["clientfn","hello"]'),
      // A second io() connection in the same page: its own session.
      ev('ws#5', 'ws', 'open', 'none', undefined, 'ws://localhost:5173/socket.io/?EIO=4&transport=websocket'),
      ev('ws#5', 'ws', 'frame', 's2c', HANDSHAKE('q2')),
      ev('ws#5', 'ws', 'frame', 's2c', '40{"sid":"n2"}'),
      // Neither Engine.IO nor socket.io: a plain WebSocket server.
      ev('ws#6', 'ws', 'open', 'none', undefined, 'ws://localhost:8181/'),
      ev('ws#6', 'ws', 'frame', 's2c', '42["looks","alike"]'),
    ];
    const packets = socketIoPackets(observe(traffic));
    expect(packets.map((p) => `${p.via} ${p.sid} ${p.raw}`)).toEqual([
      `polling p1 ${HANDSHAKE('p1', ['websocket'])}`,
      'polling p1 40',
      'polling p1 40{"sid":"n1"}',
      `polling p1 4${message}`,
      'websocket p1 2probe',
      'websocket p1 3probe',
      'websocket p1 5',
      'websocket p1 42["clientfn","hello"]',
      `websocket q2 ${HANDSHAKE('q2')}`,
      'websocket q2 40{"sid":"n2"}',
    ]);
    expect(packets[3]!.sio).toMatchObject({ event: 'message', args: ['a\u001eb'] });
    expect(connectedSessions(packets)).toEqual(['p1', 'q2']);
    expect(sioEvents(packets, 'c2s').map((p) => p.sio!.event)).toEqual(['clientfn']);
    expect(sioEvents(packets, 's2c', 'message')).toHaveLength(1);
  });

  it('skips frames a closed socket never sent and binary frames', () => {
    const url = 'ws://localhost:3000/socket.io/?EIO=4&transport=websocket&sid=z';
    const closed = { ...ev('ws#1', 'ws', 'frame', 'c2s', '42["late"]'), bytes: 0, details: { note: '未发送：连接正在关闭或已关闭', notSent: true as const } };
    const binary = { ...ev('ws#1', 'ws', 'frame', 's2c', '01 02'), details: { binary: true } };
    expect(socketIoPackets(observe([ev('ws#1', 'ws', 'open', 'none', undefined, url), closed, binary]))).toEqual([]);
  });
});
