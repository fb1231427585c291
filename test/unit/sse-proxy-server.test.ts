/**
 * The SSE lesson's server.js in real Node, read over real TCP: what its stand-in for nginx at /via-proxy/ does. As
 * shipped, the head comes at once and the three events only as the response ends, in one piece; with the exercise's
 * `X-Accel-Buffering: no`, each event as it is written. /test itself is untouched. The browser runtime's side is the
 * exercise suite's through-the-proxy cases (test/e2e/exercise-variants.ts).
 */
import { afterEach, expect, it } from 'vitest';
import { runLessonServer, type LessonServer } from '../support/lesson-server.js';
import { exercises } from '../../src/lessons/sse/exercises.js';
import server from '../../src/lessons/sse/server.js?raw';

let running: LessonServer | undefined;
afterEach(() => {
  running?.stop();
  running = undefined;
});

/** Runs a server.js on a free port instead of 3000. */
async function start(source: string): Promise<string> {
  running = await runLessonServer(source, 'server.listen(3000)');
  return running.url;
}

/** The response's body as it arrived: each piece and when, in ms after the head. */
async function read(url: string): Promise<{ headers: Headers; pieces: Array<{ at: number; text: string }> }> {
  const res = await fetch(url, { headers: { Accept: 'text/event-stream' } });
  const head = performance.now();
  const pieces: Array<{ at: number; text: string }> = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  for (let r = await reader.read(); !r.done; r = await reader.read()) pieces.push({ at: performance.now() - head, text: decoder.decode(r.value, { stream: true }) });
  return { headers: res.headers, pieces };
}

const events = (pieces: Array<{ text: string }>) => pieces.map((p) => (p.text.match(/^data: /gm) ?? []).length);

it('as shipped, the stand-in holds the three events until the response ends, then passes them on in one piece', async () => {
  const url = await start(server);
  const { pieces } = await read(`${url}/via-proxy/test`);
  // Everything the server wrote, welcome comment included, in the last piece, about three seconds after the head.
  expect(events(pieces).at(-1)).toBe(3);
  expect(pieces.at(-1)!.at).toBeGreaterThan(2500);
  expect(pieces.at(-1)!.text.startsWith('retry: 1000')).toBe(true);
}, 15_000);

it('with X-Accel-Buffering: no, each event passes as it is written; /test was never held', async () => {
  const solution = exercises.find((e) => e.id === 'through-the-proxy')!.solution['server.js']!;
  const url = await start(solution);
  const proxied = await read(`${url}/via-proxy/test`);
  expect(proxied.headers.get('x-accel-buffering')).toBe('no');
  const withEvents = proxied.pieces.filter((p) => /^data: /m.test(p.text));
  expect(withEvents.map((p) => events([p])[0])).toEqual([1, 1, 1]);
  expect(withEvents[1]!.at - withEvents[0]!.at).toBeGreaterThan(500);

  running?.stop();
  const direct = await read(`${await start(server)}/test`);
  expect(direct.pieces.filter((p) => /^data: /m.test(p.text))).toHaveLength(3);
}, 20_000);
