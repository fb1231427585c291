/**
 * The switch between the two runtimes, against the backend as a real process serving the built site: the same
 * lesson code runs in real Node, Node's output reaches the server console live, a crash is reported with its code
 * and line, and on a static host with no backend the switch says how to start one.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { learnerPids, type BackendProcess } from '../../server/testing/backend-process.js';
import { consoleLines, newPage, run, screenshot, setCode } from './browser.js';
import { useRealBackend } from './real-backend.js';

const root = resolve(import.meta.dirname, '../..');
let browser: Browser;
let backend: BackendProcess;
let context: BrowserContext;
let page: Page;

useRealBackend((b, k) => ((browser = b), (backend = k)));
beforeEach(async () => {
  ({ context, page } = await newPage(browser));
});
afterEach(async () => {
  await context?.close();
});

async function openReal(lesson: string): Promise<void> {
  await page.goto(`${backend.url}#/lesson/${lesson}`);
  await page.locator('code-panel .cm-content').first().waitFor();
  await page.getByRole('radio', { name: 'Real Node' }).check();
}

const line = (side: 'server' | 'client', pattern: RegExp) =>
  page.locator(`console-panel[side="${side}"] .line .text`).filter({ hasText: pattern }).first();

describe('real mode', () => {
  it('runs the course’s WebSocket server in Node; the unchanged client talks to it on ws://localhost:8181', async () => {
    await openReal('websocket');
    await run(page);
    // The handshake as real Node's ws saw it: an HTTP request with Upgrade: websocket.
    await line('server', /^client connected, Upgrade: websocket version: 13$/).waitFor({ timeout: 15_000 });
    await line('server', /received: 客户端数据/).waitFor();
    await line('client', /\{ name: '张三', age: 20 \}/).waitFor();
    expect(await consoleLines(page, 'client')).toContain('open, readyState 1');
    // The traffic inspector sees the native WebSocket through the same taps as in browser mode.
    await page.getByRole('tab', { name: 'Traffic' }).click();
    await expect.poll(() => page.locator('traffic-inspector').getByText('ws://localhost:8181/').count()).toBeGreaterThan(0);
    await screenshot(page, 'real-mode-websocket');
  });

  it('runs the course’s code as written when its port is taken on this machine (a dev server on 8181)', async () => {
    const squatter = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsquatter'));
    // The squatter must hold 8181 itself: a run of an earlier test may still hold it for a moment (its page has gone),
    // and a port held by nobody would be the learner's own, reached without the route under test.
    for (let tries = 0; !squatter.listening; tries++) {
      await new Promise<void>((res) => squatter.once('error', () => res()).listen(8181, '127.0.0.1', () => res()));
      if (!squatter.listening && tries > 50) throw new Error('port 8181 stays taken by something else on this machine');
      if (!squatter.listening) await new Promise((r) => setTimeout(r, 100));
    }
    try {
      await openReal('websocket');
      await run(page);
      await line('server', /^client connected, Upgrade: websocket version: 13$/).waitFor({ timeout: 15_000 });
      await line('client', /\{ name: '张三', age: 20 \}/).waitFor();
      await page.getByRole('tab', { name: 'Traffic' }).click();
      // The Traffic tab shows the URL as the client wrote it.
      await expect.poll(() => page.locator('traffic-inspector').getByText('ws://localhost:8181/').count()).toBeGreaterThan(0);
      expect(await (await fetch('http://127.0.0.1:8181/')).text()).toBe('squatter');
    } finally {
      squatter.close();
    }
  });

  it('in the order a learner goes, browser mode then real mode in one page, the reconnection carries Last-Event-ID to Node', async () => {
    await page.goto(`${backend.url}#/lesson/sse`);
    await page.locator('code-panel .cm-content').first().waitFor();
    // A stream that ends after three events: the EventSource reconnects and says where it was.
    await setCode(page, 'server.js', [
      "require('http').createServer((req, res) => {",
      "  console.log('request, Last-Event-ID: ' + (req.headers['last-event-id'] || 'none'));",
      "  res.writeHead(200, { 'Content-Type': 'text/event-stream' });",
      "  const from = Number(req.headers['last-event-id'] || 0);",
      "  res.write('retry: 200\\n\\n');",
      "  for (let i = from + 1; i <= from + 3; i++) res.write('id: ' + i + '\\ndata: ' + i + '\\n\\n');",
      "  res.end();",
      "}).listen(3000);",
    ].join('\n'));
    await setCode(page, 'client.js', "const es = new EventSource('/events');\nes.onmessage = (e) => console.log('event ' + e.data);");
    for (const mode of ['In the browser', 'Real Node', 'In the browser', 'Real Node'] as const) {
      await page.getByRole('radio', { name: mode }).check();
      await run(page);
      await line('server', /request, Last-Event-ID: 3$/).waitFor({ timeout: 15_000 });
      await line('client', /^event 6$/).waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Stop' }).click();
    }
  });

  it('the SSE prose’s compression pitfall, as written: gzip holds the events until the stream ends, and flush() lets each go', async () => {
    // The code block of the prose (en) that shows it; the zh one differs only in its comments.
    const prose = readFileSync(resolve(root, 'src/lessons/sse/prose.en.md'), 'utf8');
    const code = /```js\n([^`]*createGzip[^`]*)```/.exec(prose)?.[1];
    expect(code, 'the prose still shows the compression example').toBeTruthy();
    type Event = { observer: string; transport: string; kind: string; time: number };
    const messages = async () =>
      (JSON.parse(await page.locator('traffic-inspector').evaluate((el) => JSON.stringify((el as unknown as { buffer: { slice(): unknown[] } }).buffer.slice()))) as Event[]).filter(
        (e) => e.observer === 'client' && e.transport === 'sse' && e.kind === 'message',
      );
    const arrivals = async (serverCode: string): Promise<number[]> => {
      await setCode(page, 'server.js', serverCode);
      // The last run's lines stay until this run starts (after the backend is asked and the code compiled): its
      // "event 3" would answer at once, and the buffer read next would be this run's, empty (CI, 2026-12).
      const stale = await line('client', /event 3/).count();
      await run(page);
      if (stale > 0) await expect.poll(() => line('client', /event 3/).count(), { timeout: 15_000 }).toBe(0);
      await line('client', /event 3/).waitFor({ timeout: 15_000 });
      await expect.poll(async () => (await messages()).length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
      const events = await messages();
      await page.getByRole('button', { name: 'Stop' }).click();
      return events.slice(0, 3).map((e) => e.time);
    };
    await openReal('sse');
    const held = await arrivals(code!);
    const flushed = await arrivals(code!.replace('// gzip.flush();', 'gzip.flush();'));
    console.log(`gzip: events at ${held.map((t) => t.toFixed(0)).join(', ')} ms; with flush(): ${flushed.map((t) => t.toFixed(0)).join(', ')} ms`);
    // Held: the three arrive together when the stream ends. Flushed: about a second apart.
    expect(held[2]! - held[0]!).toBeLessThan(300);
    expect(flushed[1]! - flushed[0]!).toBeGreaterThan(500);
    expect(flushed[2]! - flushed[1]!).toBeGreaterThan(500);
  });

  it('proxies the page’s relative URLs to the child: the SSE lesson streams through the backend', async () => {
    await openReal('sse');
    await run(page);
    await line('client', /数据是:\s+第 2 条消息/).waitFor({ timeout: 15_000 });
  });

  it('reports a crash with its exit code and marks the learner’s line', async () => {
    await openReal('websocket');
    await setCode(page, 'server.js', "console.log('starting');\nsetTimeout(() => {\n  undefinedFunction();\n}, 50);");
    await setCode(page, 'client.js', "console.log('client up');");
    await run(page);
    await line('server', /exited with code 1/).waitFor({ timeout: 15_000 });
    expect((await consoleLines(page, 'server')).join('\n')).toMatch(/ReferenceError: undefinedFunction is not defined/);
    // The file with the error says so on its tab; opening it shows the marked line.
    const tab = page.getByRole('tab', { name: /server\.js/ });
    await expect.poll(() => tab.textContent()).toMatch(/Has an error/);
    await tab.click();
    await expect.poll(() => page.locator('code-panel .cm-lintRange-error').count()).toBeGreaterThan(0);
    await expect(page.locator('code-panel .cm-lintRange-error').first().textContent()).resolves.toMatch(/undefinedFunction/);
  });

  it('a run that listens on every interface is stopped, and the page says why in the learner’s language', async () => {
    await openReal('websocket');
    // A second program has no preload to narrow its listen(): the backend sees the socket in /proc and ends the run.
    await setCode(page, 'server.js', "require('child_process').spawn(process.execPath, ['-e', \"require('net').createServer().listen(0, '0.0.0.0')\"], { stdio: 'inherit' });\nsetInterval(() => {}, 1000);");
    await setCode(page, 'client.js', '');
    await run(page);
    await line('server', /The server was stopped: it listened on 0\.0\.0\.0:\d+ \(TCP\), which other machines can reach/).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: '中文' }).click();
    await run(page);
    await line('server', /服务器进程被停止了：它在 0\.0\.0\.0:\d+（TCP）上监听/).waitFor({ timeout: 15_000 });
    expect(await learnerPids(backend.proc.pid!)).toEqual([]);
  });

  it('Stop ends the Node process: the server console stops growing', async () => {
    await openReal('websocket');
    await setCode(page, 'server.js', "setInterval(() => console.log('tick'), 50);\nrequire('http').createServer().listen(0);");
    await setCode(page, 'client.js', '');
    await run(page);
    await line('server', /tick/).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.locator('iframe.run-frame').count()).toBe(0);
    const after = (await consoleLines(page, 'server')).length;
    await page.waitForTimeout(600);
    expect((await consoleLines(page, 'server')).length).toBe(after);
  });
});

/**
 * What a link's client.js tries once it runs in the run frame: the page's document, the token in the page's HTML (on
 * the frame's own origin and on the page's), and the run API on both. Each line it logs says what it got.
 */
const ATTACK = String.raw`
const parentOrigin = new URLSearchParams(location.search).get('pushlab-parent') || location.origin;
const start = { method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ pageId: 'attack', lessonId: 'sse', files: { 'server.js': 'setInterval(() => {}, 1000)' } }) };
const tries = {
  'page document': () => parent.document.title,
  'page storage': () => parent.localStorage.length,
  'token here': () => fetch('/').then((r) => r.text()).then((t) => (t.includes('token') ? 'TOKEN' : 'no token')),
  'token there': () => fetch(parentOrigin + '/').then((r) => r.text()).then((t) => (t.includes('token') ? 'TOKEN' : 'no token')),
  'api here': () => fetch('/__pushlab/runs', start).then((r) => 'status ' + r.status),
  'api there': () => fetch(parentOrigin + '/__pushlab/runs', start).then((r) => 'status ' + r.status),
  // The frame's fetch may be wrapped (real mode routes loopback ports through the backend): a fresh frame's is not.
  'api there, raw': () => {
    const raw = document.body.appendChild(document.createElement('iframe')).contentWindow.fetch;
    return raw(parentOrigin + '/__pushlab/runs', start).then((r) => 'status ' + r.status);
  },
  'token there, raw': () => {
    const raw = document.body.appendChild(document.createElement('iframe')).contentWindow.fetch;
    return raw(parentOrigin + '/').then((r) => r.text()).then((t) => (t.includes('token') ? 'TOKEN' : 'no token'));
  },
};
(async () => {
  for (const [name, attempt] of Object.entries(tries)) {
    try { console.log(name + ': got ' + (await attempt())); } catch (e) { console.log(name + ': refused ' + e.name); }
  }
  console.log('attack over');
})();
`;

describe('the run frame is not the page', () => {
  for (const mode of ['In the browser', 'Real Node'] as const) {
    it(`a client.js run ${mode === 'Real Node' ? 'in real mode' : 'in the browser'} reaches neither the page, nor its token, nor the run API`, async () => {
      await page.goto(`${backend.url}#/lesson/sse`);
      await page.locator('code-panel .cm-content').first().waitFor();
      await page.getByRole('radio', { name: mode }).check();
      await setCode(page, 'client.js', ATTACK);
      await run(page);
      await line('client', /^attack over$/).waitFor({ timeout: 20_000 });
      const got = await consoleLines(page, 'client');
      expect(got).toContain('page document: refused SecurityError');
      expect(got).toContain('page storage: refused SecurityError');
      // Unwrapped, straight to the page's origin: the browser refuses to show the answer (no CORS for the frames).
      expect(got).toContain('token there, raw: refused TypeError');
      expect(got).toContain('api there, raw: refused TypeError');
      // The frame's own origin redirects a request for the page to the page's origin, whose answer it may not read;
      // in the browser that path is the in-browser server's. Real mode's wrapped fetch takes the page's origin for one
      // of the learner's ports and asks the backend's route for it, which has no such server (502).
      expect(got.filter((l) => l.includes('TOKEN'))).toEqual([]);
      expect(got.find((l) => l.startsWith('api here:'))).toMatch(/status (403|404)$/);
      expect(got.find((l) => l.startsWith('api there:'))).toMatch(/refused TypeError$|status 502$/);
      expect(got.filter((l) => /status 2\d\d/.test(l))).toEqual([]);
    });
  }
});

describe('code from a share link', () => {
  const dialog = () => page.getByRole('dialog', { name: 'Run code from a link on your computer?' });
  const children = () => learnerPids(backend.proc.pid!);

  /** A share link to a server.js that says where it runs, made as a learner makes one: edit, then Share. */
  async function makeLink(): Promise<string> {
    await openReal('websocket');
    await setCode(page, 'server.js', "console.log('from the link, in ' + (typeof process.getuid === 'function' ? 'Node' : 'the browser'));\nsetInterval(() => {}, 1000);");
    await setCode(page, 'client.js', '');
    await page.getByRole('button', { name: 'Share' }).click();
    return page.getByRole('textbox', { name: 'Share link' }).inputValue();
  }

  /** The link opened by someone else, in a fresh browser profile with real mode chosen. */
  async function openAsSomeoneElse(link: string): Promise<void> {
    await context.close();
    // The page that made the link is gone; its run ends after the backend's grace for a reconnecting page.
    await expect.poll(children, { timeout: 15_000 }).toEqual([]);
    ({ context, page } = await newPage(browser));
    await page.goto(link);
    await page.locator('code-panel .cm-content').first().waitFor();
    await page.getByRole('radio', { name: 'Real Node' }).check();
  }

  it('never reaches Node in one click: Run asks, showing the code; browser and Cancel start no process; only an explicit yes does', async () => {
    const link = await makeLink();
    await openAsSomeoneElse(link);
    await run(page);
    await dialog().waitFor();
    await expect(dialog().locator('pre').textContent()).resolves.toContain("console.log('from the link, in '");
    // The safe choice has the focus, so Enter does not run anything on the computer.
    const safe = dialog().getByRole('button', { name: 'Run in the browser' });
    await expect(safe.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).resolves.toBe(true);
    expect(await children()).toEqual([]);
    await screenshot(page, 'share-link-consent');
    await dialog().getByRole('button', { name: 'Run in the browser' }).click();
    await line('server', /from the link, in the browser/).waitFor();
    expect(await children()).toEqual([]);

    await page.getByRole('button', { name: 'Stop' }).click();
    await run(page);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog().isVisible()).resolves.toBe(false);
    expect(await page.locator('iframe.run-frame').count()).toBe(0);
    expect(await children()).toEqual([]);

    await run(page);
    await dialog().getByRole('button', { name: 'Run on my computer' }).click();
    await line('server', /from the link, in Node/).waitFor({ timeout: 15_000 });
    expect(await children()).toHaveLength(1);
    // Agreed once for this code: the next Run does not ask again.
    await run(page);
    await line('server', /from the link, in Node/).waitFor({ timeout: 15_000 });
    expect(await dialog().isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Stop' }).click();
  });

  it('editing the shared code does not make it trusted: the learner’s saved edits of it still ask, after a reload without the link', async () => {
    const link = await makeLink();
    await openAsSomeoneElse(link);
    await setCode(page, 'client.js', "console.log('my own client');");
    await page.goto(`${backend.url}#/lesson/websocket`);
    await page.reload();
    await page.locator('code-panel .cm-content').first().waitFor();
    await run(page);
    await dialog().waitFor();
    expect(await children()).toEqual([]);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    // Reset brings the course's own code back, which runs without asking.
    await page.getByRole('button', { name: 'Reset' }).click();
    await run(page);
    await line('server', /client connected/).waitFor({ timeout: 15_000 });
    expect(await dialog().isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Stop' }).click();
  });
});

describe('on a static host with no backend', () => {
  it('the switch says how to start one and browser mode keeps working', async () => {
    await page.goto(`${inject('siteUrl')}#/lesson/websocket`);
    await page.locator('code-panel .cm-content').first().waitFor();
    await page.getByRole('radio', { name: 'Real Node' }).click();
    await expect(page.locator('mode-switch').getByRole('alert').textContent()).resolves.toMatch(/npm start/);
    await expect(page.getByRole('radio', { name: 'In the browser' }).isChecked()).resolves.toBe(true);
    await setCode(page, 'server.js', "console.log('still in the browser');");
    await run(page);
    await line('server', /still in the browser/).waitFor();
  });
});
