/**
 * The SSE lesson as a learner meets it, in browser mode: the course's client receives events and reconnects, its
 * `source.error = …` never runs while the Traffic tab shows the error it missed, the server sees Last-Event-ID and
 * starts over (the duplicate the third exercise removes), and the `: welcome` comment never reaches the page. Then the
 * prose's claims about named events and 204: `event: price` never reaches onmessage, and a 204 ends reconnection.
 */
import { describe, expect, it } from 'vitest';
import lesson from '../../src/lessons/sse/lesson.js';
import { consoleLine, consoleLines, run, screenshot, setCode, trafficRows, usePage } from './browser.js';

const { page } = usePage({ lesson: 'sse' });

const line = (side: 'server' | 'client', pattern: RegExp) => consoleLine(page(), side, pattern);


describe('SSE lesson, as shipped (browser mode)', () => {
  it('receives three events, reconnects with Last-Event-ID, and the course’s error handler never runs', async () => {
    await run(page());
    // The reconnection: the server is asked again, with the last id the browser saw.
    await line('server', /Last-Event-ID: 3$/).waitFor({ timeout: 10_000 });
    await line('client', /第 1 条消息/).nth(1).waitFor({ timeout: 5_000 });

    const client = await consoleLines(page(), 'client');
    expect(client.slice(0, 6)).toEqual([
      '连接建立... 1',
      '数据是:  第 1 条消息',
      '数据是:  第 2 条消息',
      '数据是:  第 3 条消息',
      '连接建立... 1',
      '数据是:  第 1 条消息',
    ]);
    // `source.error = …` is a plain property: the 'err' the course meant to log never appears, nor the comment.
    expect(client.some((l) => /err|welcome/.test(l))).toBe(false);
    const server = await consoleLines(page(), 'server');
    expect(server.filter((l) => l.startsWith('client connected'))).toEqual([
      'client connected, Last-Event-ID: undefined',
      'client connected, Last-Event-ID: 3',
    ]);

    await page().getByRole('tab', { name: 'Traffic' }).click();
    const rows = await trafficRows(page());
    const kinds = rows.map((r) => r.split(' ')[0]);
    expect(kinds.slice(0, 6)).toEqual(['open', 'message', 'message', 'message', 'error', 'open']);
    expect(rows[4]).toMatch(/readyState 0 CONNECTING/);
    await screenshot(page(), 'lesson-sse-traffic');

    const status = page().locator('exercise-list li[data-exercise="fix-onerror"] .badge[role="status"]');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toBe('Not yet');
  });

  it('with onerror the handler logs readyState 0 while reconnecting', async () => {
    await setCode(page(), 'client.js', lesson.exercises!.find((e) => e.id === 'fix-onerror')!.solution['client.js']!);
    await run(page());
    expect(await line('client', /^err/).first().textContent({ timeout: 10_000 })).toBe('err, readyState 0');
  });

  it("a named event never reaches onmessage, and a 204 ends reconnection with readyState 2", async () => {
    await setCode(
      page(),
      'server.js',
      `const http = require('http');
http.createServer((req, res) => {
  if (req.headers['last-event-id']) {
    res.statusCode = 204;
    res.end();
    return;
  }
  res.setHeader('Content-Type', 'text/event-stream');
  res.write('retry: 200\\n\\n');
  res.write('event: price\\nid: 1\\ndata: 101.25\\n\\n');
  res.write('id: 2\\ndata: plain\\n\\n');
  res.end();
}).listen(3000);
`,
    );
    await setCode(
      page(),
      'client.js',
      `const source = new EventSource('/test');
source.onmessage = (e) => console.log('message', e.data, e.lastEventId);
source.onerror = () => console.log('error', source.readyState);
`,
    );
    await run(page());
    await line('client', /^error 2$/).waitFor({ timeout: 10_000 });
    expect(await consoleLines(page(), 'client')).toEqual(['message plain 2', 'error 0', 'error 2']);
  });
});

describe('heartbeats in code', () => {
  it('comment lines keep the stream busy and never reach the page: no event, no traffic row, no console line', async () => {
    await setCode(
      page(),
      'server.js',
      `const http = require('http');
http
  .createServer((req, res) => {
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('X-Accel-Buffering', 'no');
    res.write('retry: 1000\\n\\n');
    // A comment line every 500 ms (15 s in real life): no event, only bytes that keep proxies from cutting in.
    const heartbeat = setInterval(() => {
      res.write(': ping\\n\\n');
      console.log('heartbeat');
    }, 500);
    const event = setTimeout(() => res.write('data: after the quiet\\n\\n'), 1800);
    res.on('close', () => {
      clearInterval(heartbeat);
      clearTimeout(event);
    });
  })
  .listen(3000);
`,
    );
    await setCode(page(), 'client.js', "const source = new EventSource('/test');\nsource.onmessage = (e) => console.log('event:', e.data);\n");
    await run(page());
    await line('client', /^event: after the quiet$/).waitFor({ timeout: 10_000 });
    await page().getByRole('tab', { name: 'Traffic' }).click();
    // Heartbeats were written before the event (at 0.5, 1 and 1.5 s); the page saw the event alone.
    expect((await consoleLines(page(), 'server')).filter((l) => l === 'heartbeat').length).toBeGreaterThanOrEqual(3);
    expect(await trafficRows(page())).toEqual([expect.stringMatching(/^open .*\/test$/), 'message after the quiet']);
    expect(await consoleLines(page(), 'client')).toEqual(['event: after the quiet']);
  });
});
