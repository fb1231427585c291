/**
 * playwright-core with the system Chromium (see test/support/chrome.mjs): helpers that act as a learner does,
 * through the page's own controls.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { CHROME_ARGS, chromePath } from '../support/chrome.mjs';

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS, headless: true });
}

export async function newPage(browser: Browser, options: { locale?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  return { context, page };
}

/**
 * One browser for the test file and a fresh context (its own storage and service worker) and page for every test,
 * registered as vitest hooks; with `lesson`, every test starts on that lesson with its editor shown. Call it once, at
 * the top of a test file; the accessors give the current test's objects.
 *
 * @example const { page } = usePage({ lesson: 'sse' });
 *   it('runs', async () => { await run(page()); });
 */
export function usePage(options: { lesson?: string } = {}): { browser: () => Browser; context: () => BrowserContext; page: () => Page } {
  let browser: Browser | undefined;
  let current: { context: BrowserContext; page: Page } | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    current = await newPage(browser!);
    if (options.lesson) await openLesson(current.page, options.lesson);
  });
  afterEach(async () => {
    await current?.context.close();
  });
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`usePage: no ${what} outside a test`);
    return value;
  };
  return { browser: () => need(browser, 'browser'), context: () => need(current, 'page').context, page: () => need(current, 'page').page };
}

/** Opens a lesson of the built site by its URL and waits until its editor is shown. */
export async function openLesson(page: Page, id: string): Promise<void> {
  await page.goto(`${inject('siteUrl')}#/lesson/${id}`);
  await page.locator('code-panel .cm-content').first().waitFor();
}

/** Replaces a file's text in the code panel by typing into CodeMirror, as a learner would. */
export async function setCode(page: Page, file: string, code: string): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${file.replace('.', '\\.')}`) }).click();
  const editor = page.locator('code-panel .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

export async function run(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Run|^运行|^重新运行/ }).click();
}

/** The text of every line in one side's console. */
export async function consoleLines(page: Page, side: 'server' | 'client'): Promise<string[]> {
  return page.locator(`console-panel[side="${side}"] .line .text`).allTextContents();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = resolve(import.meta.dirname, '../../test-results');
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** One side's console lines whose text matches, as a locator. */
export function consoleLine(page: Page, side: 'server' | 'client', pattern: RegExp): Locator {
  return page.locator(`console-panel[side="${side}"] .line .text`).filter({ hasText: pattern });
}

/** The rows of the traffic inspector (kind and preview), as the learner reads them. */
export async function trafficRows(page: Page): Promise<string[]> {
  const rows = page.locator('traffic-inspector .row');
  const kinds = await rows.locator('.kind').allTextContents();
  const previews = await rows.locator('.preview').allTextContents();
  return kinds.map((k, i) => `${k} ${previews[i]}`);
}
