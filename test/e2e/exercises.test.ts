/**
 * Every exercise of every lesson, as a learner meets it: its check does not pass on the lesson's starting code (the
 * run is watched for the exercise's watchMs), and passes once the shipped solution is put in the editor and run.
 * In browser mode for all of them; in real mode for the first exercise of each lesson. Then, for a representative set
 * (exercise-variants.ts), plausible wrong solutions must fail and say what was seen, and right solutions written
 * differently from the shipped one must pass; some of them in real Node too.
 */
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnBackend, type BackendProcess } from '../../server/testing/backend-process.js';
import { COURSE } from '../../src/lessons/index.js';
import type { Exercise } from '../../src/shared/lesson.js';
import { launch, newPage, run, setCode } from './browser.js';
import { VARIANTS, type Variant } from './exercise-variants.js';
import { siteDist } from '../support/site-dist.js';

const root = resolve(import.meta.dirname, '../..');
let browser: Browser;
let backend: BackendProcess | undefined;

const lessons = await Promise.all(
  COURSE.filter((l) => l.load).map(async (l) => ({ meta: l, content: (await l.load!()).default })),
);
const withExercises = lessons.filter((l) => (l.content.exercises ?? []).length > 0);

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await backend?.stop();
  await browser?.close();
});

async function status(page: Page, exercise: Exercise): Promise<string> {
  return (await page.locator(`exercise-list li[data-exercise="${exercise.id}"] .badge[role="status"]`).textContent()) ?? '';
}

async function exerciseRun(base: string, lessonId: string, exercise: Exercise, mode: 'browser' | 'real'): Promise<void> {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${base}#/lesson/${lessonId}`);
    await page.locator('code-panel .cm-content').first().waitFor();
    if (mode === 'real') await page.getByRole('radio', { name: 'Real Node' }).check();
    const item = page.locator(`exercise-list li[data-exercise="${exercise.id}"]`);

    // The starting code: watched as long as the exercise says, the check must not pass.
    await run(page);
    await expect.poll(() => status(page, exercise), { timeout: exercise.watchMs + 10_000, interval: 250 }).toMatch(/Not yet|Passed/);
    expect(await status(page, exercise), 'passes on the starting code').toBe('Not yet');
    await expect(item.locator('.why').textContent(), 'says what it saw and expected').resolves.toMatch(/Saw:|Expected:/);

    // The shipped solution, put in the editor through the page: the check passes.
    await item.getByRole('button', { name: 'Show the solution' }).click();
    await item.getByRole('button', { name: 'Put the solution in the editor' }).click();
    await run(page);
    // A passing check says so as soon as the run shows it; the ceiling only has to outlast a slow, loaded machine
    // (the chat opens three windows one after another, each starting its own service-worker client).
    await expect.poll(() => status(page, exercise), { timeout: exercise.watchMs + 25_000, interval: 250 }).toBe('Passed');
  } finally {
    await context.close();
  }
}

describe.each(withExercises)('lesson $meta.id (browser mode)', ({ meta, content }) => {
  it.each(content.exercises!.map((e) => [e.id, e] as const))('exercise %s fails on the start and passes on the solution', async (_id, exercise) => {
    await exerciseRun(inject('siteUrl'), meta.id, exercise, 'browser');
  });
});

describe('real mode: the first exercise of each lesson', () => {
  beforeAll(async () => {
    backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_LESSONS_DIR: resolve(root, 'src/lessons') });
  });
  it.each(withExercises.map((l) => [l.meta.id, l] as const))('%s', async (_id, { meta, content }) => {
    await exerciseRun(backend!.url, meta.id, content.exercises![0]!, 'real');
  });
});

/** A learner's own files, typed into the editor: the check must reach `expect` ('Not yet' with a saw, or 'Passed'). */
async function variantRun(base: string, lessonId: string, exercise: Exercise, variant: Variant, expectPass: boolean, mode: 'browser' | 'real'): Promise<void> {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${base}#/lesson/${lessonId}`);
    await page.locator('code-panel .cm-content').first().waitFor();
    if (mode === 'real') await page.getByRole('radio', { name: 'Real Node' }).check();
    for (const [file, code] of Object.entries(variant.files)) await setCode(page, file, code!);
    await run(page);
    const item = page.locator(`exercise-list li[data-exercise="${exercise.id}"]`);
    if (expectPass) {
      // On a miss, what the check saw says whether the code or the machine's timing was at fault.
      const why = async () => `the check said: ${await item.locator('.why').textContent().catch(() => '(nothing)')}`;
      await expect
        .poll(() => status(page, exercise), { timeout: exercise.watchMs + 25_000, interval: 250 })
        .toBe('Passed')
        .catch(async (err: Error) => Promise.reject(new Error(`${err.message}\n${await why()}`, { cause: err })));
      return;
    }
    await expect.poll(() => status(page, exercise), { timeout: exercise.watchMs + 10_000, interval: 250 }).toMatch(/Not yet|Passed/);
    expect(await status(page, exercise), `passes on a wrong solution: ${variant.name}`).toBe('Not yet');
    expect(await item.locator('.why').textContent(), 'says what it saw').toMatch(variant.saw ?? /Saw:/);
  } finally {
    await context.close();
  }
}

const variantCases = VARIANTS.flatMap((v) => {
  const lesson = lessons.find((l) => l.meta.id === v.lesson)!;
  const exercise = lesson.content.exercises!.find((e) => e.id === v.exercise)!;
  return [
    ...v.wrong.map((variant) => ({ id: `${v.lesson}/${v.exercise}: wrong, ${variant.name}`, lesson: v.lesson, exercise, variant, pass: false })),
    ...v.right.map((variant) => ({ id: `${v.lesson}/${v.exercise}: right, ${variant.name}`, lesson: v.lesson, exercise, variant, pass: true })),
  ];
});

describe('wrong solutions fail, saying what was seen; right ones written differently pass (browser mode)', () => {
  it.each(variantCases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await variantRun(inject('siteUrl'), c.lesson, c.exercise, c.variant, c.pass, 'browser');
  });
});

describe('wrong and right solutions in real mode', () => {
  beforeAll(async () => {
    backend ??= await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_LESSONS_DIR: resolve(root, 'src/lessons') });
  });
  it.each(variantCases.filter((c) => c.variant.real).map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    await variantRun(backend!.url, c.lesson, c.exercise, c.variant, c.pass, 'real');
  });
});
