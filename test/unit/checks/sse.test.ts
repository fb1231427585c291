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
function run(steps: Array<number | [number, string | undefined, string]>, elapsed = 7000): Observation {
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
const first = [0, [1000, '1', '第 1 条消息'], [2000, '2', '第 2 条消息'], [3000, '3', '第 3 条消息'], 4000] as const;

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
