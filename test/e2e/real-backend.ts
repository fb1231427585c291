/**
 * One browser and one real backend for a test file, registered as vitest hooks: the backend serves the built site and
 * runs the course's lessons from src/lessons, as `npm start` does. Call once at the top of a file; `use` receives
 * both before the first test.
 *
 * @example let browser: Browser; let backend: BackendProcess;
 *   useRealBackend((b, k) => ((browser = b), (backend = k)));
 */
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { spawnBackend, type BackendProcess } from '../../server/testing/backend-process.js';
import { launch } from './browser.js';
import { siteDist } from '../support/site-dist.js';

export function useRealBackend(use: (browser: Browser, backend: BackendProcess) => void): void {
  let browser: Browser | undefined;
  let backend: BackendProcess | undefined;
  beforeAll(async () => {
    browser = await launch();
    backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_LESSONS_DIR: resolve(import.meta.dirname, '../../src/lessons') });
    use(browser, backend);
  });
  afterAll(async () => {
    await backend?.stop();
    await browser?.close();
  });
}
