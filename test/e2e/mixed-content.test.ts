/**
 * A page loaded over https may not open `ws:` to another machine: Chromium throws SecurityError from the WebSocket
 * constructor (loopback hosts are exempt). The course on a static host is such a page, and its in-browser WebSocket
 * must do what Chromium does there. The built site is served here over https under a name that is not loopback
 * (`pushlab.test`, mapped to 127.0.0.1 with a certificate made for the test), and the WebSocket lesson's client is run
 * as a learner would: `ws://` + the page's host fails with Chromium's own exception and console text (compared with the
 * native WebSocket of the same page), `wss://` works, and the lesson as shipped (`ws://localhost:8181`) still connects.
 * `http://` fetch and EventSource need nothing of the runtime: Chromium blocks them before the service worker.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { CHROME_ARGS, chromePath } from '../support/chrome.mjs';
import { replaceOnce } from '../../src/lessons/checks/edit.js';
import shipped from '../../src/lessons/websocket/client.js?raw';
import { siteDist } from '../support/site-dist.js';
import { consoleLine, consoleLines, run, setCode } from './browser.js';

const HOST = 'pushlab.test';
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

let dir = '';
let server: Server | undefined;
let siteUrl = '';
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pushlab-https-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  } catch {
    throw new Error('This test needs openssl to make a certificate for its https site (Debian/Ubuntu: `sudo apt-get install -y openssl`).');
  }
  const base = resolve(siteDist);
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'https://x').pathname);
    let file = normalize(join(base, path.replace(/^\/pushlab\//, '')));
    try {
      if (!path.startsWith('/pushlab/') || !file.startsWith(base)) throw new Error('outside');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      await stat(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', ok));
  const address = server.address();
  siteUrl = `https://${HOST}:${typeof address === 'object' && address ? address.port : 0}/pushlab/`;
  // The certificate is the test's own: Chromium is told to accept it, and to find pushlab.test on this machine.
  browser = await chromium.launch({ executablePath: chromePath(), args: [...CHROME_ARGS, '--ignore-certificate-errors', `--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
});

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  const context = await browser!.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 }, ignoreHTTPSErrors: true });
  page = await context.newPage();
  await page.goto(`${siteUrl}#/lesson/websocket`);
  await page.locator('code-panel .cm-content').first().waitFor();
});

afterEach(async () => {
  await page.context().close();
});

/** URLs whose fate on an https page depends on the host: the page's own and others are blocked, loopback is not. */
const URLS = [
  "'ws://' + location.host + '/'",
  "'http://' + location.host + '/'",
  "'ws://example.invalid/'",
  "'ws://a.localhost:1/'",
  "'ws://localhost.:1/'",
  "'ws://127.5.5.5:1/'",
  "'ws://[::1]:1/'",
  "'ws://0.0.0.0:1/'",
  "'wss://' + location.host + '/'",
  "'/relative'",
];

/** Code that tries each URL and logs, per URL, what the constructor did (its socket is closed at once). */
const tryEach = `for (const url of [${URLS.join(', ')}]) {
  try {
    new WebSocket(url).close();
    console.log('constructed');
  } catch (err) {
    console.log('threw', err.name, err.message);
  }
}
`;

describe('WebSocket from a page loaded over https (browser mode)', () => {
  it("throws Chromium's SecurityError where the native WebSocket of the same page does, with its console text", async () => {
    // What the native WebSocket of this very page does.
    const native = await page.evaluate((code) => {
      const lines: string[] = [];
      new Function('console', code)({ log: (...args: unknown[]) => lines.push(args.join(' ')) });
      return lines;
    }, tryEach);
    const blocked = "threw SecurityError Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.";
    expect(native).toEqual([blocked, blocked, blocked, ...Array<string>(7).fill('constructed')]);

    await setCode(page, 'client.js', tryEach);
    await run(page);
    await expect.poll(async () => (await consoleLines(page, 'client')).filter((l) => /^(threw|constructed)/.test(l)).length, { timeout: 10_000 }).toBe(URLS.length);
    const lines = await consoleLines(page, 'client');
    expect(lines.filter((l) => /^(threw|constructed)/.test(l))).toEqual(native);
    // Chromium's console says why, before each exception (in DevTools; the run's client console has the same line).
    const page_ = `https://${HOST}:\\d+/pushlab/#/lesson/websocket`;
    const blockedBy = (url: string) =>
      new RegExp(`^Mixed Content: The page at '${page_}' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint '${url}'\\. This request has been blocked; this endpoint must be available over WSS\\.$`);
    expect(lines.filter((l) => /^Mixed Content: .* This request has been blocked/.test(l)).length).toBe(3);
    expect(lines.filter((l) => blockedBy(`ws://${HOST}:\\d+/`).test(l))).toHaveLength(2);
    expect(lines.filter((l) => blockedBy('ws://example\\.invalid/').test(l))).toHaveLength(1);
    // 0.0.0.0 is let through with a warning.
    expect(lines).toContainEqual(expect.stringMatching(/^Mixed Content: .* 'ws:\/\/0\.0\.0\.0:1\/'\. This endpoint should be available via WSS\. Insecure access is deprecated\.$/));
  });

  it("the prose's “Try it”: the lesson's client with ws:// + the page's host fails, with the scheme from the page it connects", async () => {
    await setCode(page, 'client.js', replaceOnce(shipped, "new WebSocket('ws://localhost:8181')", "new WebSocket('ws://' + location.host + '/')"));
    await run(page);
    await consoleLine(page, 'client', /SecurityError/).waitFor({ timeout: 10_000 });
    const client = await consoleLines(page, 'client');
    expect(client).toEqual([
      expect.stringMatching(/^Mixed Content: The page at 'https:.*' was loaded over HTTPS, but attempted to connect to the insecure WebSocket endpoint 'ws:/),
      "SecurityError: Failed to construct 'WebSocket': An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.",
    ]);
    await page.waitForTimeout(1_000);
    expect(await consoleLines(page, 'server')).toEqual([]);

    await setCode(
      page,
      'client.js',
      replaceOnce(
        shipped,
        "var ws = new WebSocket('ws://localhost:8181');",
        "var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';\nvar ws = new WebSocket(scheme + '//' + location.host + '/live');",
      ),
    );
    await run(page);
    await consoleLine(page, 'server', /^client connected/).waitFor({ timeout: 10_000 });
    await consoleLine(page, 'client', /^open, readyState 1$/).waitFor({ timeout: 10_000 });
  });

  it('on the http site, as npm start serves it, the same ws:// line connects (the prose says so)', async () => {
    await page.goto(`${inject('siteUrl')}#/lesson/websocket`);
    await page.locator('code-panel .cm-content').first().waitFor();
    await setCode(page, 'client.js', replaceOnce(shipped, "new WebSocket('ws://localhost:8181')", "new WebSocket('ws://' + location.host + '/')"));
    await run(page);
    await consoleLine(page, 'client', /^open, readyState 1$/).waitFor({ timeout: 10_000 });
    expect((await consoleLines(page, 'client')).filter((l) => /Mixed Content|SecurityError/.test(l))).toEqual([]);
  });

  it('http:// fetch and EventSource are blocked by Chromium itself before the runtime sees them', async () => {
    // The same request over https reaches the run's server through the service worker and gets its answer.
    await setCode(page, 'server.js', "require('http').createServer((req, res) => res.end('served')).listen(3000);\n");
    const client = `for (const scheme of ['https', 'http']) {
  fetch(scheme + '://' + location.host + '/x').then(
    (r) => r.text().then((text) => console.log(scheme, 'fetch', r.status, text)),
    (err) => console.log(scheme, 'fetch', err.name, err.message),
  );
}
const es = new EventSource('http://' + location.host + '/events');
es.onerror = () => console.log('http EventSource error, readyState', es.readyState);
`;
    await setCode(page, 'client.js', client);
    await run(page);
    await expect.poll(async () => (await consoleLines(page, 'client')).length, { timeout: 10_000 }).toBe(3);
    expect((await consoleLines(page, 'client')).sort()).toEqual(['http EventSource error, readyState 2', 'http fetch TypeError Failed to fetch', 'https fetch 200 served']);
  });

  it('loopback is exempt: the lesson as shipped (ws://localhost:8181) connects from the https page', async () => {
    await run(page);
    await consoleLine(page, 'client', /^open, readyState 1$/).waitFor({ timeout: 10_000 });
    expect((await consoleLines(page, 'client')).filter((l) => /Mixed Content|SecurityError/.test(l))).toEqual([]);
  });
});
