/**
 * The SSE lesson's resume check, fed the client tap's SSE events: 'open' per (re)connection and one 'message' per
 * event with its id. Each scenario is a run of one learner's server.
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/sse/exercises.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const resume = exercises.find((e) => e.id === 'resume-from-last-event-id')!;

/** A stream: `open` at a time, or an event `[time, id, text]`. */
type Step = number | readonly [number, string | undefined, string];
function run(steps: readonly Step[], elapsed = 7000): Observation {
  let seq = 0;
  let conn = 0;
  const traffic: TrafficEvent[] = steps.map((step) => {
    const base = { seq: ++seq, party: 'client', observer: 'client', transport: 'sse', bytes: 0 } as const;
    if (typeof step === 'number') return { ...base, time: step, conn: `sse#${++conn}`, direction: 'none', kind: 'open', preview: '', details: { url: '/test' } };
    const [time, id, text] = step;
    return { ...base, time, conn: `sse#${conn}`, direction: 's2c', kind: 'message', body: text, preview: text, details: id ? { eventId: id } : {} };
  });
  return { mode: 'browser', traffic, console: { server: [], client: [] }, errors: [], elapsed };
}
const first: Step[] = [0, [1000, '1', '第 1 条消息'], [2000, '2', '第 2 条消息'], [3000, '3', '第 3 条消息'], 4000];

describe('sse resume-from-last-event-id', () => {
  it('fails the starting server: it starts over after the reconnect', () => {
    const o = run([...first, [5000, '1', '第 1 条消息']]);
    expect(resume.check(o)).toMatchObject({ pass: false, saw: { en: 'events received twice: “id 1”' } });
  });

  it('fails a server that renumbers but starts over: new ids, the same events again', () => {
    const o = run([...first, [5000, '101', '第 1 条消息']]);
    expect(resume.check(o).pass).toBe(false);
    expect(resume.check(o).saw?.en).toMatch(/received twice/);
  });

  it('fails a server that skips ahead: nothing twice, but events lost', () => {
    const o = run([...first, [5000, '5', '第 5 条消息'], [6000, '6', '第 6 条消息']]);
    expect(resume.check(o)).toMatchObject({
      pass: false,
      saw: { en: 'the last id before the reconnect was 3, the first after it 5: events 4 were lost' },
    });
  });

  it('fails a server that stops for good after the reconnect (a 204, say)', () => {
    expect(resume.check(run([...first])).saw?.en).toBe('a reconnect, and no event after it yet');
  });

  it('passes the shipped solution (a counter from Last-Event-ID) and a server that replays from a stored list', () => {
    expect(resume.check(run([...first, [5000, '4', '第 4 条消息'], [6000, '5', '第 5 条消息']]))).toEqual({ pass: true });
    // Another right server: events kept in an array, replayed from the index after Last-Event-ID, texts its own.
    expect(resume.check(run([...first, [4100, '4', 'price 4'], [5100, '5', 'price 5']]))).toEqual({ pass: true });
  });
});

const fixOnerror = exercises.find((e) => e.id === 'fix-onerror')!;
const namedPrice = exercises.find((e) => e.id === 'named-price')!;

function withErrorAndLines(lines: Array<[number, string]>, extra: TrafficEvent[] = []): Observation {
  const o = run([...first]);
  const error: TrafficEvent = { seq: 99, time: 3010, party: 'client', observer: 'client', conn: 'sse#1', transport: 'sse', direction: 'none', kind: 'error', bytes: 0, preview: '', details: {} };
  return { ...o, traffic: [...o.traffic, error, ...extra], console: { server: [], client: lines.map(([time, text]) => ({ level: 'log' as const, time, text })) } };
}

describe('sse fix-onerror', () => {
  it('fails the starting source.error (nothing after the error) and onmessage’s own line at the same moment', () => {
    expect(fixOnerror.check(withErrorAndLines([[3000, '数据是:  第 3 条消息']])).pass).toBe(false);
    expect(fixOnerror.check(withErrorAndLines([[3010, '数据是:  第 3 条消息']])).saw?.en).toMatch(/no client console line right after/);
  });
  it('passes onerror and addEventListener("error") logging readyState, however worded', () => {
    expect(fixOnerror.check(withErrorAndLines([[3011, 'err, readyState 0']])).pass).toBe(true);
    expect(fixOnerror.check(withErrorAndLines([[3050, 'reconnecting (0)']])).pass).toBe(true);
  });
});

describe('sse named-price', () => {
  const price = (seq: number, id?: string, type = 'price'): TrafficEvent => ({
    seq, time: seq * 100, party: 'client', observer: 'client', conn: 'sse#1', transport: 'sse', direction: 's2c', kind: 'message', bytes: 6,
    body: '101.25', preview: '101.25', details: { eventType: type, ...(id ? { eventId: id } : {}) },
  });
  const obs = (traffic: TrafficEvent[]): Observation => ({ mode: 'browser', traffic, console: { server: [], client: [] }, errors: [], elapsed: 5000 });
  it('fails plain message events (onmessage only) and price events without an id', () => {
    expect(namedPrice.check(obs([price(1, '1', 'message')])).saw?.en).toBe('1 events received, of types “message”');
    expect(namedPrice.check(obs([price(1), price(2)])).saw?.en).toBe("2 'price' events, none with an id");
  });
  it('passes a price event with an id', () => {
    expect(namedPrice.check(obs([price(1, '4')]))).toEqual({ pass: true });
  });
});

describe('sse through-the-proxy', () => {
  const proxy = exercises.find((e) => e.id === 'through-the-proxy')!;
  /** One stream opened at `url`, its events arriving at `times`. */
  const stream = (url: string, times: number[], elapsed = 6000): Observation => {
    let seq = 0;
    const base = { party: 'client', observer: 'client', transport: 'sse', bytes: 0, conn: 'sse#1' } as const;
    const traffic: TrafficEvent[] = [
      { ...base, seq: ++seq, time: 20, direction: 'none', kind: 'open', preview: url, details: { url } },
      ...times.map((time, i) => ({ ...base, seq: ++seq, time, direction: 's2c' as const, kind: 'message' as const, body: `第 ${i + 1} 条消息`, preview: '', details: { eventId: String(i + 1) } })),
    ];
    return { mode: 'browser', traffic, console: { server: [], client: [] }, errors: [], elapsed };
  };
  const PROXY = 'http://localhost:3000/via-proxy/test';

  it('fails the starting client, which goes around the proxy, even with events a second apart', () => {
    expect(proxy.check(stream('http://localhost:3000/test', [1000, 2000, 3000]))).toMatchObject({
      pass: false,
      saw: { en: 'the client reads “http://localhost:3000/test”: around the proxy' },
    });
  });

  it('fails events held by the proxy: together as the response ends (the server as it is, flushHeaders, or "yes")', () => {
    expect(proxy.check(stream(PROXY, [3004, 3004, 3005]))).toMatchObject({
      pass: false,
      saw: { en: 'the first three events arrived 0 ms, 1 ms apart: held together', zh: expect.stringContaining('被攒在一起了') },
    });
    // Two let through and the third held (a buffer that fills halfway) is still not a stream.
    expect(proxy.check(stream(PROXY, [1000, 2000, 2003])).pass).toBe(false);
  });

  it('waits for three events before it judges', () => {
    expect(proxy.check(stream(PROXY, [1000, 2000]))).toMatchObject({ pass: false, saw: { en: '2 event(s) through the proxy so far' } });
  });

  it('passes events through the proxy about a second apart', () => {
    expect(proxy.check(stream(PROXY, [1010, 2005, 3012]))).toEqual({ pass: true });
    expect(proxy.check(stream(PROXY, [700, 1300, 1900]))).toEqual({ pass: true });
  });
});
