/**
 * The Content-Security-Policy as Chromium enforces it: a backend process serves a chat page into which a script has
 * been injected (what an escaping bug would do with a nickname), and the browser refuses to run it while the page's
 * own module still runs. The header's directives are checked in static-site.test.ts; this proves they bite.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CHROME_ARGS, chromePath } from '../test/support/chrome.mjs';
import { fixtures, spawnBackend, type BackendProcess } from './testing/backend-process.js';

let dir: string;
let backend: BackendProcess;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pushlab-csp-'));
  cpSync(join(fixtures, 'site'), dir, { recursive: true });
  writeFileSync(join(dir, 'assets', 'own.js'), 'window.ownScriptRan = true;\n');
  writeFileSync(
    join(dir, 'chat.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>chat</title>
<script type="module" src="./assets/own.js"></script></head>
<body><ul><li>Nick: <script>window.injected = 'inline script';</script></li>
<li><img src="x" onerror="window.injected = 'event handler attribute'"></li>
<li><a id="link" href="javascript:window.injected = 'javascript: URL'">x</a></li></ul></body></html>`,
  );
  backend = await spawnBackend([], { PUSHLAB_DIST_DIR: dir, PUSHLAB_CHAT_DB: join(dir, 'chat.db') });
  browser = await chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS, headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('refuses a script injected into the chat page, and still runs the page’s own', async () => {
  const page = await browser.newPage();
  const violations: string[] = [];
  await page.exposeFunction('reportViolation', (directive: string) => violations.push(directive));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation(d: string): void }).reportViolation(e.effectiveDirective),
    );
  });
  const response = await page.goto(`${backend.url}chat`);
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
  await page.waitForFunction(() => (window as unknown as { ownScriptRan?: boolean }).ownScriptRan === true);
  await page.click('#link');
  // Each refusal is reported as it happens; waiting for all three is what makes "nothing ran" safe to assert next.
  await expect.poll(() => violations.length).toBeGreaterThanOrEqual(3);
  expect(await page.evaluate(() => (window as unknown as { injected?: string }).injected)).toBeUndefined();
  expect(violations.every((d) => d.startsWith('script-src'))).toBe(true);
}, 30_000);
