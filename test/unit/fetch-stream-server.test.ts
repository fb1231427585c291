/**
 * The fetch-stream lesson's server.js in real Node, read over real TCP with Node's fetch: what the prose says it sends,
 * byte for byte, as an event stream and, asked with `Accept: application/x-ndjson`, as JSON lines. The browser
 * runtime's side is test/e2e/lesson-fetch-stream.test.ts.
 */
import { afterEach, expect, it } from 'vitest';
import { runLessonServer, type LessonServer } from '../support/lesson-server.js';
import server from '../../src/lessons/fetch-stream/server.js?raw';

let running: LessonServer | undefined;
afterEach(() => {
  running?.stop();
  running = undefined;
});

/** Runs server.js on a free port instead of 3000. */
async function start(): Promise<string> {
  running = await runLessonServer(server, '.listen(3000)');
  return running.url;
}

async function ask(url: string, question: string, accept?: string) {
  const res = await fetch(`${url}/v1/chat`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-key', ...(accept ? { Accept: accept } : {}) },
    body: JSON.stringify({ question }),
  });
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  const reader = res.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(decoder.decode(r.value, { stream: true }));
  return { type: res.headers.get('content-type'), chunks, text: chunks.join('') };
}

it('answers with an event stream by default, and with JSON lines cut before their line feeds when asked for NDJSON', async () => {
  const url = await start();
  const sse = await ask(url, '再讲讲 SSE');
  expect(sse.type).toBe('text/event-stream');
  expect(sse.text).toBe(
    ['SSE ', '是一个', '不结束的', 'HTTP ', '响应'].map((delta) => `data: ${JSON.stringify({ delta })}\n\n`).join('') +
      'event: error\ndata: {"error":{"message":"Overloaded: the model is busy, try again in a moment"}}\n\n',
  );

  const ndjson = await ask(url, '什么是服务器推送？', 'application/x-ndjson');
  expect(ndjson.type).toBe('application/x-ndjson');
  const lines = ndjson.text.split('\n');
  expect(lines.pop()).toBe('');
  const objects = lines.map((l) => JSON.parse(l) as { delta?: string; done?: boolean });
  expect(objects.at(-1)).toEqual({ done: true });
  expect(objects.map((o) => o.delta ?? '').join('')).toBe('服务器推送就是：有了新数据时，由服务器主动发给客户端，不等它来问。');
  // The reader meets lines in pieces: some piece ends without its line feed, and the next begins with it.
  expect(ndjson.chunks.some((c) => c === '\n')).toBe(true);

  const failing = await ask(url, '再讲讲 SSE', 'application/x-ndjson');
  expect(failing.text.trimEnd().split('\n').at(-1)).toBe('{"error":{"message":"Overloaded: the model is busy, try again in a moment"}}');
}, 20_000);
