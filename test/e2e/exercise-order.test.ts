/**
 * An exercise checked in the order a learner goes: solved in browser mode, then run again in real Node in the same
 * page, then in the browser again. Each run's check must judge that run (not the one before) and pass in each. The
 * exercises chosen are those whose runtime machinery differs most between the two: the SSE proxy stand-in with its
 * reconnection, backpressure (the in-browser window against real sockets), and Last-Event-ID on resume.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { BackendProcess } from '../../server/testing/backend-process.js';
import { COURSE } from '../../src/lessons/index.js';
import { newPage, run } from './browser.js';
import { useRealBackend } from './real-backend.js';

let browser: Browser;
let backend: BackendProcess;

useRealBackend((b, k) => ((browser = b), (backend = k)));

const CASES = [
  ['sse', 'through-the-proxy'],
  ['sse', 'resume-from-last-event-id'],
  ['staying-connected', 'wait-for-drain'],
] as const;

async function watchMs(lessonId: string, exerciseId: string): Promise<number> {
  const lesson = COURSE.find((l) => l.id === lessonId)!;
  const content = (await lesson.load!()).default;
  return content.exercises!.find((e) => e.id === exerciseId)!.watchMs;
}

const badge = (page: Page, id: string) => page.locator(`exercise-list li[data-exercise="${id}"] .badge[role="status"]`);

describe.each(CASES)('%s / %s', (lessonId, exerciseId) => {
  it('passes in browser mode, then in real Node, then in the browser again, in one page', { timeout: 180_000 }, async () => {
    const wait = await watchMs(lessonId, exerciseId);
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${backend.url}#/lesson/${lessonId}`);
      await page.locator('code-panel .cm-content').first().waitFor();
      const item = page.locator(`exercise-list li[data-exercise="${exerciseId}"]`);
      await item.getByRole('button', { name: 'Show the solution' }).click();
      await item.getByRole('button', { name: 'Put the solution in the editor' }).click();
      for (const mode of ['In the browser', 'Real Node', 'In the browser'] as const) {
        await page.getByRole('radio', { name: mode }).check();
        await run(page);
        // The new run is judged afresh: the badge leaves the last run's verdict before it gives this one's.
        await expect.poll(() => badge(page, exerciseId).textContent(), { timeout: 5_000, interval: 50 }).not.toBe('Passed');
        await expect
          .poll(() => badge(page, exerciseId).textContent(), { timeout: wait + 25_000, interval: 250 })
          .toBe('Passed');
        // No complaint of an earlier run left beside the verdict.
        expect((await item.locator('.why').allTextContents()).join(' '), mode).not.toMatch(/Saw:/);
        await page.getByRole('button', { name: 'Stop' }).click();
      }
    } finally {
      await context.close();
    }
  });
});
