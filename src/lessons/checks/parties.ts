/**
 * Readers for runs with several client windows (the chat lesson's three). Each window's taps number their connections
 * on their own ("http#1", "ws#1" in every window), so packets must be read one window ('party') at a time, or the
 * decoding in socket-io.ts would join one window's request to another window's response.
 */
import type { Observation } from '../../shared/lesson.js';
import { socketIoPackets, sioEvents, type WirePacket } from './socket-io.js';

/** The client windows that produced traffic, in order: 'client 1', 'client 2', … (or just 'client'). */
export function parties(o: Observation): string[] {
  const names = new Set(o.traffic.filter((e) => e.observer === 'client').map((e) => e.party));
  return [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The observation as one window saw it: its own traffic, its own console lines. */
export function forParty(o: Observation, party: string): Observation {
  const mine = (l: { party?: string }) => l.party === undefined || l.party === party;
  return {
    ...o,
    traffic: o.traffic.filter((e) => e.party === party),
    console: { server: o.console.server, client: o.console.client.filter(mine) },
  };
}

/** Every window's socket.io packets (see socketIoPackets), decoded window by window. */
export function socketIoByParty(o: Observation): Map<string, WirePacket[]> {
  return new Map(parties(o).map((p) => [p, socketIoPackets(forParty(o, p))]));
}

export interface AckedEvent {
  request: WirePacket;
  /** The ACK packet answering it on the same session, if it came. */
  reply?: WirePacket;
}

/** The client's `event` emits that asked for an acknowledgement, each with the server's answer if there was one. */
export function ackedEmits(packets: WirePacket[], event: string): AckedEvent[] {
  return sioEvents(packets, 'c2s', event)
    .filter((p) => p.sio!.id !== undefined)
    .map((request) => {
      const reply = packets.find(
        (p) => p.direction === 's2c' && p.sio?.type === 'ACK' && p.sio.id === request.sio!.id && p.sid === request.sid && p.sio.nsp === request.sio!.nsp,
      );
      return reply ? { request, reply } : { request };
    });
}

/** The first argument of each `event` the server sent this window (an object, or undefined when it was not one). */
export function received(packets: WirePacket[], event: string): Record<string, unknown>[] {
  return sioEvents(packets, 's2c', event).map((p) => {
    const arg = p.sio!.args[0];
    return typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>) : {};
  });
}
