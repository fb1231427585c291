/**
 * The parity suite's view of the server's wire (test/support/wire-exchanges.ts) must not depend on how two streams
 * that run at once interleave, which is timing, and must still see a change in what one stream carried or its order.
 */
import { describe, expect, it } from 'vitest';
import type { TrafficEvent } from '../../../src/shared/traffic.js';
import { toBase64, utf8Bytes } from '../../../src/shared/wire/bytes.js';
import { wireExchanges } from '../../support/wire-exchanges.js';

function chunk(conn: string, direction: 'c2s' | 's2c', text: string): TrafficEvent {
  const bytes = utf8Bytes(text);
  return { seq: 0, time: 0, party: 'client', observer: 'server', conn, transport: 'tcp', direction, kind: 'bytes', bytes: bytes.length, preview: '', details: { raw: toBase64(bytes) } };
}

/** One question to a streaming endpoint on its own connection: the request, then the answer's parts, one chunk each. */
function question(conn: string, text: string, answer: string[]): TrafficEvent[] {
  const body = JSON.stringify({ question: text });
  const size = utf8Bytes(body).length;
  return [
    chunk(conn, 'c2s', `POST /v1/chat HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n${body}`),
    chunk(conn, 's2c', 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n'),
    ...answer.map((part) => {
      const event = `data: ${part}\n\n`;
      return chunk(conn, 's2c', `${utf8Bytes(event).length.toString(16)}\r\n${event}\r\n`);
    }),
  ];
}

/** Streams played at once: one chunk of each in turn, starting at `from`, as a busy machine might. */
function interleave(streams: TrafficEvent[][], from: number): TrafficEvent[] {
  const out: TrafficEvent[] = [];
  // Each stream's request comes first, in the order asked: a client asks its next question after the last one's request.
  for (const s of streams) out.push(s[0]!);
  const rest = streams.map((s) => s.slice(1));
  for (let i = from; rest.some((r) => r.length > 0); i++) {
    const r = rest[i % rest.length]!;
    if (r.length > 0) out.push(r.shift()!);
  }
  return out.map((e, seq) => ({ ...e, seq }));
}

const lines = (events: TrafficEvent[]) => [...wireExchanges(events).values()].map((x) => [x.key, x.c2s, x.s2c]);

describe("the parity suite's exchanges", () => {
  const one = question('tcp#1', 'a', ['a1', 'a2', 'a3']);
  const two = question('tcp#2', 'b', ['b1', 'b2']);

  it('are the same however two answers to two questions interleave, each answer whole, in the order asked', () => {
    const x = lines(interleave([one, two], 0));
    expect(x).toEqual(lines(interleave([one, two], 1)));
    expect(x).toEqual(lines([...one, ...two]));
    const s2c = x[0]![2] as string[];
    expect(s2c.filter((l) => l.startsWith('sse')).map((l) => JSON.parse(l.slice(4)).event.data)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('differ when one answer carried something else, or in another order', () => {
    const base = lines(interleave([one, two], 0));
    expect(lines(interleave([question('tcp#1', 'a', ['a1', 'a3', 'a2']), two], 0))).not.toEqual(base);
    expect(lines(interleave([one, question('tcp#2', 'b', ['b1', 'bX'])], 0))).not.toEqual(base);
    // The questions asked in the other order are another conversation.
    expect(lines(interleave([two, one], 0))).not.toEqual(base);
  });

  it('merge the same question asked again (a poll) into one, each line once, in order of first appearance', () => {
    const polls = [question('tcp#1', 'p', ['n1']), question('tcp#1', 'p', ['n1', 'n2']), question('tcp#2', 'p', ['n2', 'n3'])].flat();
    const [merged, ...others] = [...wireExchanges(polls.map((e, seq) => ({ ...e, seq }))).values()];
    expect(others).toEqual([]);
    const s2c = merged!.s2c;
    expect(s2c.filter((l) => l.startsWith('sse')).map((l) => JSON.parse(l.slice(4)).event.data)).toEqual(['n1', 'n2', 'n3']);
  });
});
