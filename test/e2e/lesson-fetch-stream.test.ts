/**
 * The fetch-stream lesson as a learner meets it, in browser mode: the three questions go out as POSTs, each answer
 * arrives as an event stream cut into pieces (the Traffic tab shows them), and the course-style client, splitting
 * each chunk on "\n\n", fails on the first piece; the server goes on generating for nobody. Then the prose's claims:
 * with a buffering parser every token shows; without the Authorization header the answer is a 401 and the stream
 * reader shows nothing; a server that stops on req's 'close' never answers, as in Node; asked for NDJSON, the server
 * answers in lines that the prose's line reader puts together (real Node's side: test/unit/fetch-stream-server.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parserClient } from '../../src/lessons/fetch-stream/exercises.js';
import client from '../../src/lessons/fetch-stream/client.js?raw';
import server from '../../src/lessons/fetch-stream/server.js?raw';
import { replaceOnce } from '../../src/lessons/checks/edit.js';
import { consoleLine, consoleLines, run, setCode, trafficRows, usePage } from './browser.js';

const { page } = usePage({ lesson: 'fetch-stream' });
const line = (side: 'server' | 'client', pattern: RegExp) => consoleLine(page(), side, pattern);

describe('fetch-stream lesson, as shipped (browser mode)', () => {
  it('three POSTs answered with cut-up event streams; the naive split fails on the first piece, the server works on', async () => {
    await run(page());
    await line('client', /^问： 写一篇长文章$/).waitFor({ timeout: 15_000 });
    // The server does not know the client gave up on the first answer: it generates all 12 of its tokens.
    await line('server', /^generating 12\/12$/).waitFor({ timeout: 10_000 });
    const clientLines = await consoleLines(page(), 'client');
    // Later answers share the page's thread with the first two, still streaming to nobody: a reader that falls behind
    // gets pieces already joined (a byte stream keeps no write boundaries), so only the first answer's fate is fixed.
    expect(clientLines.slice(0, 3)).toEqual(['问： 什么是服务器推送？', '出错了： Unexpected end of JSON input', '问： 再讲讲 SSE']);
    expect(clientLines.filter((l) => l.startsWith('问：'))).toEqual(['问： 什么是服务器推送？', '问： 再讲讲 SSE', '问： 写一篇长文章']);

    await page().getByRole('tab', { name: 'Traffic' }).click();
    await expect.poll(async () => (await trafficRows(page())).filter((r) => /^response 200/.test(r)).length, { timeout: 10_000 }).toBe(3);
    const rows = await trafficRows(page());
    expect(rows.filter((r) => /^request POST .*\/v1\/chat/.test(r))).toHaveLength(3);
    // The first answer as the page read it: "data: " alone, on which the client threw, then the rest of the event
    // (the tap reports what the page reads: the TextDecoderStream pipe pulled one chunk ahead of the client's loop).
    const firstAnswer = rows.slice(rows.findIndex((r) => /^response 200/.test(r)) + 1).filter((r) => r.startsWith('message'));
    expect(firstAnswer[0]!.trim()).toBe('message data:');

    const status = (id: string) => page().locator(`exercise-list li[data-exercise="${id}"] .badge[role="status"]`);
    await expect.poll(() => status('parse-any-chunking').textContent(), { timeout: 10_000 }).toBe('Not yet');
  });

  it('with a buffering parser every token of the first answer shows, in order, and the whole answer after [DONE]', async () => {
    await setCode(page(), 'client.js', parserClient);
    await run(page());
    await line('client', /^答： 服务器推送就是：有了新数据时，由服务器主动发给客户端，不等它来问。$/).waitFor({ timeout: 30_000 });
    const tokens = (await consoleLines(page(), 'client')).filter((l) => l.startsWith('token:')).slice(0, 12);
    expect(tokens.map((l) => l.replace('token: ', '')).join('')).toBe('服务器推送就是：有了新数据时，由服务器主动发给客户端，不等它来问。');
  });

  it('without the Authorization header: a 401 JSON body, which the stream reader turns into an empty answer', async () => {
    await setCode(page(), 'client.js', replaceOnce(parserClient, ", Authorization: 'Bearer demo-key'", ''));
    await run(page());
    await line('client', /^答：\s*$/).first().waitFor({ timeout: 10_000 });
    await page().getByRole('tab', { name: 'Traffic' }).click();
    await expect.poll(async () => (await trafficRows(page())).filter((r) => /^response 401/.test(r)).length, { timeout: 10_000 }).toBeGreaterThan(0);
  });

  it("a server that stops on req's 'close' stops once the body is read: the client waits for an answer that never comes", async () => {
    await setCode(
      page(),
      'server.js',
      replaceOnce(server, '      }, 120);\n', "      }, 120);\n      req.on('close', () => {\n        console.log('req close');\n        clearTimeout(timer);\n      });\n"),
    );
    await setCode(page(), 'client.js', client.replace(/\n\nasync function main\(\)[\s\S]*$/, "\n\nask('什么是服务器推送？').catch((e) => console.error(e.message));\n"));
    await run(page());
    await line('server', /^req close$/).waitFor({ timeout: 10_000 });
    // Given the time the shipped server takes for several tokens, nothing was generated and no head was sent.
    await page().waitForTimeout(1_000);
    expect((await consoleLines(page(), 'server')).filter((l) => l.startsWith('generating'))).toEqual([]);
    expect(await consoleLines(page(), 'client')).toEqual(['问： 什么是服务器推送？']);
  });

  it('asked for NDJSON, the answer comes as JSON lines cut anywhere, which the prose\'s line reader reads whole, error included', async () => {
    await setCode(page(), 'client.js', NDJSON_CLIENT);
    await run(page());
    await line('client', /^答： SSE 是一个不结束的HTTP 响应$/).waitFor({ timeout: 30_000 });
    expect(await consoleLines(page(), 'client')).toEqual([
      '问： 什么是服务器推送？',
      'type: application/x-ndjson',
      'done',
      '答： 服务器推送就是：有了新数据时，由服务器主动发给客户端，不等它来问。',
      '问： 再讲讲 SSE',
      'type: application/x-ndjson',
      'error: Overloaded: the model is busy, try again in a moment',
      '答： SSE 是一个不结束的HTTP 响应',
    ]);
    await page().getByRole('tab', { name: 'Traffic' }).click();
    // The pieces as the page read them: a line's last piece stops before its line feed, so no piece is a whole line.
    await expect.poll(async () => (await trafficRows(page())).some((r) => /^message .*"delta"/.test(r)), { timeout: 10_000 }).toBe(true);
  });
});

/** The shipped client's ask(), asking for NDJSON and reading it with the prose's line reader. */
const NDJSON_CLIENT = `async function ask(question) {
  console.log('问：', question);
  const res = await fetch('/v1/chat', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-key', Accept: 'application/x-ndjson' },
    body: JSON.stringify({ question }),
  });
  console.log('type:', res.headers.get('content-type'));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let answer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    const lines = buffer.split('\\n');
    buffer = lines.pop(); // the last piece has no line feed yet
    for (const text of lines) {
      if (!text.trim()) continue;
      const object = JSON.parse(text);
      if (object.delta) answer += object.delta;
      if (object.error) console.log('error:', object.error.message);
      if (object.done) console.log('done');
    }
  }
  console.log('答：', answer);
}
ask('什么是服务器推送？').then(() => ask('再讲讲 SSE'));
`;
