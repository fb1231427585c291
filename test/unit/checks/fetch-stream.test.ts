/**
 * The fetch-stream lesson's checks, fed what the fetch tap records of a streamed answer (the request, the response
 * head, one 'message' per chunk the page read, a 'close' when the page aborted) and the consoles, as a run of each
 * learner's code would leave them. The chunks are cut as the lesson's server cuts them.
 */
import { describe, expect, it } from 'vitest';
import { exercises } from '../../../src/lessons/fetch-stream/exercises.js';
import { parseChunks } from '../../../src/lessons/checks/fetch-stream.js';
import type { Observation } from '../../../src/shared/lesson.js';
import type { TrafficEvent } from '../../../src/shared/traffic.js';

const byId = (id: string) => exercises.find((e) => e.id === id)!;
const parser = byId('parse-any-chunking');
const stop = byId('stop-generating');
const streamError = byId('show-stream-error');

const TOKENS = ['服务器', '推送', '就是：', '有了', '新数据', '时，'];

/** The server's send(): two or three pieces per event, cut somewhere else each time. */
function pieces(event: string, n: number, cut = true): string[] {
  if (!cut) return [event];
  const bytes = Buffer.from(event);
  const cuts = [...new Set([1 + ((n * 7 + 5) % (bytes.length - 2)), bytes.length - 1])];
  let from = 0;
  // The tap decodes with { stream: true }: a character cut in two shows in the chunk that completes it.
  const decoder = new TextDecoder();
  return [...cuts, bytes.length].map((to) => {
    const text = decoder.decode(bytes.subarray(from, to), { stream: true });
    from = to;
    return text;
  });
}

interface Answer {
  tokens: string[];
  start: number;
  error?: string;
  done?: boolean;
  cut?: boolean;
  stoppedAt?: number;
}

/** One streamed answer as the tap reports it: 120 ms a token, the pieces 30 ms apart. */
function answer(seq: { n: number }, conn: string, a: Answer): TrafficEvent[] {
  const base = { party: 'client', observer: 'client', transport: 'http', bytes: 0, conn } as const;
  const out: TrafficEvent[] = [
    { ...base, seq: seq.n++, time: a.start, direction: 'c2s', kind: 'request', preview: 'POST /v1/chat', body: '{"question":"q"}', details: { method: 'POST', url: '/v1/chat' } },
    { ...base, seq: seq.n++, time: a.start + 5, direction: 's2c', kind: 'response', preview: '200 OK', details: { status: 200, headers: { 'content-type': 'text/event-stream' } } },
  ];
  const events = a.tokens.map((tok) => `data: ${JSON.stringify({ delta: tok })}\n\n`);
  if (a.error) events.push(`event: error\ndata: ${JSON.stringify({ error: { message: a.error } })}\n\n`);
  else if (a.done !== false) events.push('data: [DONE]\n\n');
  events.forEach((event, i) => {
    pieces(event, i, a.cut !== false).forEach((text, k) => {
      const time = a.start + 10 + i * 120 + k * 30;
      if (a.stoppedAt !== undefined && time > a.stoppedAt) return;
      out.push({ ...base, seq: seq.n++, time, direction: 's2c', kind: 'message', preview: text, body: text, details: {} });
    });
  });
  if (a.stoppedAt !== undefined) {
    out.push({ ...base, seq: seq.n++, time: a.stoppedAt, direction: 'c2s', kind: 'close', preview: '', details: { note: 'aborted' } });
  }
  return out;
}

type Line = readonly [number, string];
function observe(answers: Answer[], client: Line[], server: Line[] = [], elapsed = 9000): Observation {
  const seq = { n: 1 };
  const traffic = answers.flatMap((a, i) => answer(seq, `http#${i + 1}`, a));
  const lines = (list: Line[]) => list.map(([time, text]) => ({ level: 'log' as const, time, text }));
  return { mode: 'browser', traffic, console: { client: lines(client), server: lines(server) }, errors: [], elapsed };
}

/** The time the i-th token's event is complete (its last piece). */
const arrives = (start: number, i: number) => start + 10 + i * 120 + 60;

describe('parseChunks', () => {
  it('reads events cut anywhere, several in one chunk, CRLF and CR line ends, comments and multi-line data', () => {
    const text = ': hi\r\nevent: error\rdata: a\ndata: b\n\ndata: [DONE]\n\n';
    for (const at of [1, 5, 12, 20, 27, 28, 29, 30, text.length - 1]) {
      const chunks = [text.slice(0, at), text.slice(at)].map((t, i) => ({ time: i, text: t }));
      expect(parseChunks(chunks).map((e) => [e.type, e.data])).toEqual([
        ['error', 'a\nb'],
        ['message', '[DONE]'],
      ]);
    }
  });
});

describe('fetch-stream parse-any-chunking', () => {
  const perToken = (start: number) => TOKENS.map((tok, i) => [arrives(start, i) + 1, `token: ${tok}`] as const);

  it('fails the starting client as the tap sees it: reading stopped at the first piece, with the error it threw', () => {
    const o = observe([{ tokens: TOKENS, start: 100, stoppedAt: 150 }], [[50, '问： 什么是服务器推送？'], [120, '出错了： Unexpected end of JSON input']]);
    expect(parser.check(o).saw?.en).toBe('1 answer(s) begun, none read to [DONE]; the client console said “出错了： Unexpected end of JSON input”');
  });

  it('fails a client that read the whole answer but threw on the first piece, and says which token never showed', () => {
    const o = observe([{ tokens: TOKENS, start: 100 }], [[50, '问： 什么是服务器推送？'], [120, '出错了： Unexpected end of JSON input']]);
    expect(parser.check(o)).toMatchObject({ pass: false, saw: { en: expect.stringMatching(/^token 1 of 6, “服务器” \(it came in \d chunks\), never shown/) } });
  });

  it('fails a client that skips the pieces it cannot parse: tokens are lost', () => {
    const lines = perToken(100).filter((_, i) => i % 2 === 0);
    expect(parser.check(observe([{ tokens: TOKENS, start: 100 }], lines)).saw?.en).toMatch(/^token 2 of 6, “推送”/);
  });

  it('fails a decoder without { stream: true }: a character cut in two shows as U+FFFD', () => {
    const lines = perToken(100).map(([time, text], i) => [time, i === 2 ? text.replace('就', '\ufffd') : text] as const);
    expect(parser.check(observe([{ tokens: TOKENS, start: 100 }], lines)).saw?.en).toMatch(/“就是：”/);
  });

  it('fails a client that waits for the whole body before showing anything', () => {
    const end = arrives(100, TOKENS.length) + 5;
    const lines = TOKENS.map((tok) => [end, `token: ${tok}`] as const);
    expect(parser.check(observe([{ tokens: TOKENS, start: 100 }], lines)).saw?.en).toMatch(/not as it streamed/);
  });

  it('fails when the server writes whole events: nothing was cut to survive', () => {
    expect(parser.check(observe([{ tokens: TOKENS, start: 100, cut: false }], perToken(100))).saw?.en).toMatch(/came in one chunk/);
  });

  it('fails before any answer has ended with [DONE]', () => {
    expect(parser.check(observe([{ tokens: TOKENS, start: 100, done: false }], perToken(100))).saw?.en).toMatch(/no streamed answer/);
  });

  it('passes a token per line, and a client that logs the answer so far', () => {
    expect(parser.check(observe([{ tokens: TOKENS, start: 100 }], [[50, '问： 什么是服务器推送？'], ...perToken(100), [900, `答： ${TOKENS.join('')}`]]))).toEqual({ pass: true });
    let so = '';
    const growing = TOKENS.map((tok, i) => [arrives(100, i) + 1, (so += tok)] as const);
    expect(parser.check(observe([{ tokens: TOKENS, start: 100 }], growing))).toEqual({ pass: true });
  });
});

describe('fetch-stream stop-generating', () => {
  const generating = (from: number, to: number, every = 120) =>
    Array.from({ length: Math.floor((to - from) / every) }, (_, i) => [from + i * every, `generating ${i + 1}/40`] as const);

  it('fails the starting Stop: nothing closes on the wire, the request stays open', () => {
    const o = observe([{ tokens: TOKENS, start: 100 }], [[1600, '用户点了“停止”']], generating(100, 5000));
    expect(stop.check(o)).toMatchObject({ pass: false, saw: { en: expect.stringMatching(/^no answer was stopped on the wire: 1 request/) } });
  });

  it('fails abort() with the server unchanged: it goes on generating', () => {
    const o = observe([{ tokens: TOKENS, start: 100, done: false, stoppedAt: 600 }], [], generating(100, 5000));
    expect(stop.check(o).saw?.en).toMatch(/^the client stopped at 0.6 s; the server went on: \d+ “generating” lines after it, the last “generating \d+\/40”/);
  });

  it("fails req.on('close') on the server: it stopped before generating anything", () => {
    const o = observe([{ tokens: [], start: 100, done: false, stoppedAt: 1600 }], [], []);
    expect(stop.check(o).saw?.en).toMatch(/generating nothing for it/);
  });

  it('waits a moment after the stop before passing, then passes abort() or cancel() with a server that stops', () => {
    const server = [...generating(100, 650), [610, 'client left: stopped at 5/40'] as const];
    const answers = [{ tokens: TOKENS, start: 100, done: false, stoppedAt: 600 }];
    expect(stop.check(observe(answers, [], server, 1200)).pass).toBe(false);
    expect(stop.check(observe(answers, [], server, 2200))).toEqual({ pass: true });
    // A line that was already on its way when the client left is not work done after it.
    expect(stop.check(observe(answers, [], [...server, [900, 'generating 6/40']], 2200))).toEqual({ pass: true });
  });

  it('does not count an answer that ended normally, or one that broke with an error, as stopped', () => {
    const o = observe([{ tokens: TOKENS, start: 100 }, { tokens: TOKENS, start: 1200, error: 'Overloaded' }], [], generating(100, 2000));
    expect(stop.check(o).saw?.en).toMatch(/^no answer was stopped/);
  });
});

describe('fetch-stream show-stream-error', () => {
  const MESSAGE = 'Overloaded: the model is busy, try again in a moment';
  const errorAt = arrives(100, TOKENS.length);

  it('fails the starting client: the half answer printed as if whole', () => {
    const o = observe([{ tokens: TOKENS, start: 100, error: MESSAGE }], [[errorAt + 130, `答： ${TOKENS.join('')}`]]);
    expect(streamError.check(o)).toMatchObject({ pass: false, saw: { en: expect.stringMatching(/^an error event “Overloaded.*” at .*; the client console then said “答：/) } });
  });

  it('fails a generic message without what the server said', () => {
    expect(streamError.check(observe([{ tokens: TOKENS, start: 100, error: MESSAGE }], [[errorAt + 1, '出错了']])).pass).toBe(false);
  });

  it('fails before any error event has come', () => {
    expect(streamError.check(observe([{ tokens: TOKENS, start: 100 }], [])).saw?.en).toMatch(/^no error event read yet/);
  });

  it('passes the message thrown and caught, or logged with console.error, after the event', () => {
    expect(streamError.check(observe([{ tokens: TOKENS, start: 100, error: MESSAGE }], [[errorAt + 1, `出错了： ${MESSAGE}`]]))).toEqual({ pass: true });
    expect(streamError.check(observe([{ tokens: TOKENS, start: 100, error: MESSAGE }], [[errorAt, `Error: ${MESSAGE}`]]))).toEqual({ pass: true });
  });
});
