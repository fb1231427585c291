/**
 * The built site under the backend's Content-Security-Policy (server/static-site.ts): a lesson run in the browser (the
 * run frame's eval, MSW's service worker, CodeMirror loaded later) and the chat (socket.io over WebSocket) work with
 * no violation reported. The other e2e files load the site from a plain static server, without the policy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnBackend, type BackendProcess } from '../../server/testing/backend-process.js';
import { consoleLine, run, usePage } from './browser.js';
import { siteDist } from '../support/site-dist.js';

const root = resolve(import.meta.dirname, '../..');
let backend: BackendProcess;
let dir: string;
const { page } = usePage();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pushlab-csp-e2e-'));
  backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_CHAT_DB: join(dir, 'chat.db') });
});
afterAll(async () => {
  await backend?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Every policy violation the page or any of its frames reports (the init script runs in each frame). */
async function violations(p: Page): Promise<string[]> {
  const seen: string[] = [];
  await p.exposeFunction('reportViolation', (what: string) => seen.push(what));
  await p.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation(w: string): void }).reportViolation(`${e.effectiveDirective} ${e.blockedURI}`),
    );
  });
  return seen;
}

it('runs a lesson in the browser with the policy on: eval in the run frame, the service worker, the editor', async () => {
  const p = page();
  const seen = await violations(p);
  const response = await p.goto(`${backend.url}#/lesson/sse`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await p.locator('code-panel .cm-content').first().waitFor();
  await run(p);
  await consoleLine(p, 'client', /./).first().waitFor();
  await consoleLine(p, 'server', /./).first().waitFor();
  expect(seen).toEqual([]);
});

it('chats over WebSocket with the policy on', async () => {
  const p = page();
  const seen = await violations(p);
  await p.goto(`${backend.url}chat`);
  await p.getByRole('textbox', { name: 'Nickname', exact: true }).fill('csp');
  await p.getByRole('button', { name: 'Join', exact: true }).click();
  await p.locator('chat-app form.compose').waitFor();
  // socket.io falls back to long polling without a word if WebSocket is refused: the transport in use says which.
  await expect
    .poll(() => p.evaluate(() => (document.querySelector('chat-app') as unknown as { client: { socket: { io: { engine: { transport: { name: string } } } } } }).client.socket.io.engine.transport.name))
    .toBe('websocket');
  expect(seen).toEqual([]);
});
