/**
 * src/page/backend-client.ts in the system Chromium against a real backend process: the page finds the backend by its
 * meta tag, runs a server.js, sees its output and port, reaches it with a relative URL through the proxy, stops it;
 * a stale token and a missing backend give the learner a clear message.
 *
 * The module is bundled with esbuild (what vite and tsx build with) into a throwaway site the backend serves.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { CHROME_ARGS, chromePath } from '../test/support/chrome.mjs';
import { spawnBackend, type BackendProcess } from './testing/backend-process.js';
import type * as Client from '../src/page/backend-client.js';

declare global {
  interface Window {
    pushlab: typeof Client;
  }
}

let site: string;
let backend: BackendProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  site = await mkdtemp(join(tmpdir(), 'pushlab-client-site-'));
  await build({
    stdin: {
      contents: `import * as client from './backend-client.ts'; window.pushlab = client;`,
      resolveDir: resolve(import.meta.dirname, '..', 'src', 'page'),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    outfile: join(site, 'client.js'),
    define: { 'import.meta.env.VITE_PUSHLAB_BACKEND': 'undefined' },
    logLevel: 'silent',
  });
  await writeFile(
    join(site, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="./client.js"></script></head><body></body></html>',
  );
  backend = await spawnBackend([], { PUSHLAB_DIST_DIR: site });
  browser = await chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS });
  page = await browser.newPage();
  await page.goto(backend.url);
  await page.waitForFunction(() => window.pushlab !== undefined);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  if (site) await rm(site, { recursive: true, force: true });
});

test('find the backend, run server.js, follow its output, reach it through the proxy, stop it', async () => {
  const result = await page.evaluate(async () => {
    const { findBackend, startRealRun, makePageId } = window.pushlab;
    const backend = await findBackend();
    if (!backend) throw new Error('no backend found');
    const seen: string[] = [];
    let onPort: (port: number) => void = () => {};
    const listening = new Promise<number>((r) => (onPort = r));
    let onExit: () => void = () => {};
    const exited = new Promise<void>((r) => (onExit = r));
    const run = await startRealRun(
      backend,
      {
        pageId: makePageId(),
        lessonId: 'sse',
        files: {
          'server.js': `console.log('starting');
require('http').createServer((req, res) => { console.log('got ' + req.url); res.end('real node says hi'); })
  .listen(0, () => console.error('ready'));`,
        },
      },
      {
        onOutput: (stream, text, time) => seen.push(`${stream}:${text}:${typeof time}`),
        onListening: (port) => {
          seen.push('listening');
          onPort(port);
        },
        onExit: (code, signal) => {
          seen.push(`exit:${code}:${signal}`);
          onExit();
        },
      },
    );
    const port = await listening;
    // The run frame's client.js would do exactly this: a relative URL, answered by the child through the proxy.
    const answer = await (await fetch('/hello-child')).text();
    await run.stop();
    await exited;
    return { backend, port, answer, seen };
  });
  expect(result.backend).toMatchObject({ url: backend.url, exec: true, version: '0.1.0' });
  expect(result.port).toBeGreaterThan(0);
  expect(result.answer).toBe('real node says hi');
  expect(result.seen).toContain('stdout:starting:number');
  expect(result.seen).toContain('stderr:ready:number');
  expect(result.seen).toContain('stdout:got /hello-child:number');
  expect(result.seen.at(-1)).toBe('exit:null:SIGTERM');
  expect(result.seen.indexOf('stdout:starting:number')).toBeLessThan(result.seen.indexOf('stdout:got /hello-child:number'));
});

test('a stale token (the backend restarted) is a 403 with a message in both languages', async () => {
  const error = await page.evaluate(async () => {
    const { findBackend, startRealRun, BackendError } = window.pushlab;
    const backend = await findBackend();
    if (!backend) throw new Error('no backend found');
    try {
      await startRealRun(
        { ...backend, token: 'stale-token-from-a-previous-start' },
        { pageId: 'p', lessonId: 'sse', files: { 'server.js': 'console.log(1)' } },
        { onOutput() {}, onListening() {}, onExit() {} },
      );
      return null;
    } catch (err) {
      return err instanceof BackendError ? { code: err.code, status: err.status, text: err.text } : String(err);
    }
  });
  expect(error).toMatchObject({ code: 'forbidden', status: 403 });
  expect((error as { text: { en: string; zh: string } }).text.en).toContain('reload this page');
  expect((error as { text: { en: string; zh: string } }).text.zh).toContain('刷新本页');
});

test('no backend: findBackend gives null for a configured URL nobody answers, and says how to start one', async () => {
  const found = await page.evaluate(async () => {
    const { findBackend, noBackendText } = window.pushlab;
    const doc = document.implementation.createHTMLDocument('static host');
    return {
      none: await findBackend({ doc }),
      dead: await findBackend({ doc, configuredUrl: 'http://127.0.0.1:9/' }),
      text: noBackendText(),
    };
  });
  expect(found.none).toBeNull();
  expect(found.dead).toBeNull();
  expect(found.text.en).toContain('npm start');
  expect(found.text.zh).toContain('npm start');
});
