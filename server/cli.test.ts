/**
 * The backend as an operator meets it: flags that make it refuse to start, a busy port, a missing build, an idle
 * child, and a clean stop on SIGTERM.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import {
  isListening,
  learnerPort,
  openLog,
  runBackendToExit,
  spawnBackend,
  startRun,
} from './testing/backend-process.js';

test('a non-loopback host without --no-exec is refused with the reason and the way out', async () => {
  const { code, output } = await runBackendToExit(['--host', '0.0.0.0', '--port', '0']);
  expect(code).toBe(1);
  expect(output).toMatch(/Refusing to listen on 0\.0\.0\.0 with code execution on/);
  expect(output).toContain('--no-exec');
});

test('PUSHLAB_HOST is held to the same rule', async () => {
  const { code, output } = await runBackendToExit(['--port', '0'], { PUSHLAB_HOST: '192.0.2.1' });
  expect(code).toBe(1);
  expect(output).toContain('Refusing to listen on 192.0.2.1');
});

test('a busy port: one clear line, exit code 1', async () => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const { port } = blocker.address() as AddressInfo;
  try {
    const { code, output } = await runBackendToExit(['--port', String(port)]);
    expect(code).toBe(1);
    const lines = output.split('\n').filter((l) => l.startsWith('Pushlab:'));
    expect(lines).toEqual([
      `Pushlab: port ${port} on 127.0.0.1 is already in use (is Pushlab already running?). ` +
        'Start on another one with --port <n> or PUSHLAB_PORT=<n>.',
    ]);
  } finally {
    blocker.close();
  }
});

test('without a build, / says to run npm run build, and the API still answers', async () => {
  const backend = await spawnBackend([], { PUSHLAB_DIST_DIR: '/nonexistent/pushlab-dist' });
  try {
    const page = await fetch(backend.url);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('npm run build');
    expect((await fetch(`${backend.url}__pushlab/health`)).status).toBe(200);
  } finally {
    await backend.stop();
  }
});

test('a child idle for the configured time is ended', async () => {
  const backend = await spawnBackend([], { PUSHLAB_IDLE_MS: '300' });
  try {
    const { token } = await backend.meta();
    const res = await startRun(
      backend.url,
      { pageId: 'p', lessonId: 'l', files: { 'server.js': `require('http').createServer(() => {}).listen(0)` } },
      { 'x-pushlab-token': token },
    );
    const { runId } = (await res.json()) as { runId: string };
    const log = openLog(backend.url, runId, token);
    await log.next('listening');
    expect((await log.next('exit')).data).toMatchObject({ reason: 'idle', signal: 'SIGTERM' });
  } finally {
    await backend.stop();
  }
});

test('SIGTERM ends every child and exits 0, leaving nothing listening', async () => {
  const backend = await spawnBackend();
  const { token } = await backend.meta();
  const port = learnerPort();
  const res = await startRun(
    backend.url,
    // A server that ignores SIGTERM: the backend must still get rid of it (SIGKILL after a grace period).
    {
      pageId: 'p',
      lessonId: 'l',
      files: { 'server.js': `process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
require('http').createServer(() => {}).listen(${port});` },
    },
    { 'x-pushlab-token': token },
  );
  const { runId } = (await res.json()) as { runId: string };
  const log = openLog(backend.url, runId, token);
  await log.next('listening');
  expect(await isListening(port)).toBe(true);
  expect(await backend.stop()).toBe(0);
  expect(await isListening(port)).toBe(false);
  expect(await isListening(backend.port)).toBe(false);
}, 20_000);
