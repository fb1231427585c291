/**
 * playwright-core with the system Chromium (see test/support/chrome.mjs): helpers that act as a learner does,
 * through the page's own controls.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROME_ARGS, chromePath } from '../support/chrome.mjs';

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS, headless: true });
}

export async function newPage(browser: Browser, options: { locale?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  return { context, page };
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
