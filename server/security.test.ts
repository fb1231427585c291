/**
 * Who may run code: only a page this backend served (it alone knows the token) from an allowed Origin, and with
 * --no-exec nobody's code but the course's. Each refusal is checked to have started nothing.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  learnerPids,
  openLog,
  spawnBackend,
  startRun,
  type BackendProcess,
} from './testing/backend-process.js';

const FOREIGN = 'https://static.example.org';

describe('with code execution (the default)', () => {
  let backend: BackendProcess;
  let token: string;
  const marker = join(tmpdir(), `pushlab-marker-${process.pid}-${Date.now()}`);
  const code = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`;

  beforeAll(async () => {
    backend = await spawnBackend(['--allow-origin', FOREIGN]);
    token = (await backend.meta()).token;
  }, 30_000);
  afterAll(async () => {
    await backend?.stop();
  });

  /** A refused request must leave no learner process behind and no trace of the code having run. */
  async function expectRefused(res: Response): Promise<void> {
    expect(res.status).toBe(403);
    expect(await learnerPids(backend.proc.pid!)).toEqual([]);
    expect(existsSync(marker)).toBe(false);
  }

  test('the page carries the token, exec mode, version and the run frames\' origin in a meta tag; the run frame no token', async () => {
    const meta = await backend.meta();
    expect(meta).toMatchObject({ exec: true, version: '0.1.0', frames: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(meta.frames).not.toBe(`http://127.0.0.1:${backend.port}`);
    expect(meta.token).toMatch(/^[\w-]{32}$/);
    const page = await fetch(backend.url);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(await page.text()).toContain(`<meta name="pushlab-backend" content="{&quot;token&quot;:&quot;${meta.token}&quot;`);
    const run = await fetch(`${backend.url}run.html`);
    expect(run.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await run.text();
    expect(html).toContain('<html>');
    expect(html).not.toContain(meta.token);
    expect(html).not.toContain('pushlab-backend');
  });

  /** A request to the run frames' origin (the backend's second port), which is where a learner's client.js runs. */
  const asFrames = (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(async (resolve, reject) => {
      const req = request(
        `${(await backend.meta()).frames}/${path}`,
        { method: init.method ?? 'GET', headers: init.headers },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });

  test('the run frames\' origin gets no token, no API, and the page only as a redirect to the page\'s origin', async () => {
    for (const path of ['', 'index.html', '?x=1']) {
      const res = await asFrames(path);
      expect(res.status, path).toBe(307);
      expect(res.headers.location).toBe(`http://127.0.0.1:${backend.port}/${path}`);
      expect(res.body).not.toContain(token);
    }
    const frame = await asFrames('run.html');
    expect(frame.status).toBe(200);
    expect(frame.body).not.toContain(token);
    // Framed by the page (another origin now) and by nothing else.
    expect(frame.headers['content-security-policy']).toContain(`frame-ancestors 'self' http://127.0.0.1:${backend.port}`);
    expect(frame.headers['x-frame-options']).toBeUndefined();
    // With the right token and its own Origin, the frames' origin still starts nothing.
    const body = JSON.stringify({ pageId: 'p', lessonId: 'l', files: { 'server.js': code } });
    const own = (await backend.meta()).frames!;
    const started = await asFrames('__pushlab/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-pushlab-token': token, origin: own },
      body,
    });
    expect(started.status).toBe(403);
    expect((await asFrames('__pushlab/health')).status).toBe(403);
    // Nor from the frames' origin to the page's: a foreign Origin there, even with the token.
    await expectRefused(await startRun(backend.url, { pageId: 'p', lessonId: 'l', files: { 'server.js': code } }, { 'x-pushlab-token': token, origin: own }));
    // The page frames the frames' origin: its CSP says so.
    const page = await fetch(backend.url);
    expect(page.headers.get('content-security-policy')).toContain(`frame-src 'self' ${own}`);
  });

  test('a new start makes a new token', async () => {
    const other = await spawnBackend();
    try {
      expect((await other.meta()).token).not.toBe(token);
    } finally {
      await other.stop();
    }
  });

  test('no token: 403, nothing runs', async () => {
    await expectRefused(await startRun(backend.url, { pageId: 'p', lessonId: 'l', files: { 'server.js': code } }, {}));
  });

  test('a wrong token: 403, nothing runs', async () => {
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    await expectRefused(
      await startRun(backend.url, { pageId: 'p', lessonId: 'l', files: { 'server.js': code } }, { 'x-pushlab-token': wrong }),
    );
  });

  test('a cross-site Origin: 403 even with the right token, nothing runs', async () => {
    await expectRefused(
      await startRun(
        backend.url,
        { pageId: 'p', lessonId: 'l', files: { 'server.js': code } },
        { 'x-pushlab-token': token, origin: 'https://evil.example' },
      ),
    );
  });

  test('a DNS-rebinding Host: 403 for the page (no token handed out) and for runs', async () => {
    const ask = (path: string, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${backend.url}${path}`, { method, headers: { host: `evil.example:${backend.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        req.end(method === 'POST' ? JSON.stringify({ pageId: 'p', lessonId: 'l', files: { 'server.js': code } }) : undefined);
      });
    expect(await ask('')).toBe(403);
    expect(await ask('__pushlab/runs', 'POST')).toBe(403);
    expect(await learnerPids(backend.proc.pid!)).toEqual([]);
  });

  test('the log stream needs the token too', async () => {
    const res = await fetch(`${backend.url}__pushlab/runs/whatever/log`);
    expect(res.status).toBe(403);
  });

  test('the page’s own origin with the token runs (and the refused code never did)', async () => {
    const res = await startRun(
      backend.url,
      { pageId: 'p', lessonId: 'l', files: { 'server.js': `console.log('allowed')` } },
      { 'x-pushlab-token': token, origin: backend.url.slice(0, -1) },
    );
    expect(res.status).toBe(201);
    const { runId } = (await res.json()) as { runId: string };
    const log = openLog(backend.url, runId, token);
    await log.next('stdout', 'allowed');
    await log.next('exit');
    expect(existsSync(marker)).toBe(false);
  });

  test('health: no token needed; CORS only for an allowed origin; preflight likewise', async () => {
    const own = await fetch(`${backend.url}__pushlab/health`);
    expect(await own.json()).toEqual({ version: '0.1.0', exec: true, sandbox: expect.stringMatching(/^(pid-namespace|process-group)$/) });
    const foreign = await fetch(`${backend.url}__pushlab/health`, { headers: { origin: FOREIGN } });
    expect(foreign.headers.get('access-control-allow-origin')).toBe(FOREIGN);
    const stranger = await fetch(`${backend.url}__pushlab/health`, { headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${backend.url}__pushlab/runs`, {
      method: 'OPTIONS',
      headers: { origin: FOREIGN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('x-pushlab-token');
    const refused = await fetch(`${backend.url}__pushlab/runs`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(refused.status).toBe(403);
  });
});

describe('--no-exec', () => {
  let backend: BackendProcess;
  beforeAll(async () => {
    backend = await spawnBackend(['--no-exec'], { PUSHLAB_ALLOW_ORIGINS: FOREIGN });
  }, 30_000);
  afterAll(async () => {
    await backend?.stop();
  });

  test('runs the lesson’s shipped server.js and ignores the code sent; no token needed', async () => {
    expect((await backend.meta()).exec).toBe(false);
    const res = await startRun(
      backend.url,
      { pageId: 'p', lessonId: 'hello', files: { 'server.js': `console.log('sent code ran')` } },
      { origin: FOREIGN },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe(FOREIGN);
    const { runId } = (await res.json()) as { runId: string };
    const log = openLog(backend.url, runId, '');
    await log.next('stdout', 'shipped server.js is running');
    await log.next('listening');
    expect(log.events.some((e) => e.data.text === 'sent code ran')).toBe(false);
    expect(await (await fetch(`${backend.url}anything`)).text()).toBe('shipped lesson');
    await fetch(`${backend.url}__pushlab/runs/${runId}/stop`, { method: 'POST' });
    await log.next('exit');
  });

  test('a lesson that ships no server.js: 404, nothing runs', async () => {
    const res = await startRun(backend.url, { pageId: 'p', lessonId: 'no-such-lesson', files: {} }, {});
    expect(res.status).toBe(404);
    expect(await learnerPids(backend.proc.pid!)).toEqual([]);
  });

  test('the Origin allowlist still holds', async () => {
    const res = await startRun(backend.url, { pageId: 'p', lessonId: 'hello', files: {} }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await learnerPids(backend.proc.pid!)).toEqual([]);
  });
});
