/**
 * The lesson's layout as a learner meets it: at 1440×900 a split they can drag or move with the keyboard and a
 * "Full window" switch for the playground, both remembered; on a 390×844 phone, Read / Code / Run as tabs, in both
 * languages. Screenshots land in test-results/ for a person to look at.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { consoleLine, screenshot, usePage } from './browser.js';

const { browser } = usePage();
const site = inject('siteUrl');
let context: BrowserContext | undefined;

afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function open(viewport: { width: number; height: number }, locale = 'en-US', lesson = 'socket-io'): Promise<Page> {
  context = await browser().newContext({ locale, viewport });
  const page = await context.newPage();
  await page.goto(`${site}#/lesson/${lesson}`);
  await page.locator('code-panel .cm-content').first().waitFor({ state: 'attached' });
  return page;
}

const width = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((el) => Math.round(el.getBoundingClientRect().width));

describe('at 1440×900', () => {
  it('the split between text and playground moves with the arrow keys and a drag, and is remembered', async () => {
    const page = await open({ width: 1440, height: 900 });
    const splitter = page.getByRole('separator', { name: 'Resize the lesson text and the playground' });
    await expect(splitter.getAttribute('aria-valuenow')).resolves.toBe('38');
    const before = await width(page, 'lesson-view .read');

    await splitter.focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => splitter.getAttribute('aria-valuenow')).toBe('44');
    expect(await width(page, 'lesson-view .read')).toBeGreaterThan(before + 60);
    await page.keyboard.press('Home');
    await expect.poll(() => splitter.getAttribute('aria-valuenow')).toBe('20');

    const box = (await splitter.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 300);
    await page.mouse.down();
    await page.mouse.move(720, box.y + 320, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => Number(await splitter.getAttribute('aria-valuenow'))).toBe(50);
    expect(Math.abs((await width(page, 'lesson-view .read')) - 720)).toBeLessThan(8);

    await page.reload();
    await expect.poll(() => page.getByRole('separator').getAttribute('aria-valuenow')).toBe('50');
  });

  it('"Full window" gives the playground and the traffic views the whole width, and "Show lesson" brings the text back', async () => {
    const page = await open({ width: 1440, height: 900 });
    await page.getByRole('button', { name: /^Run/ }).click();
    await consoleLine(page, 'client', /connected/).waitFor();
    await page.getByRole('tab', { name: 'Traffic' }).click();
    const diagramBefore = await width(page, 'sequence-diagram');

    await page.getByRole('button', { name: 'Full window' }).click();
    await expect.poll(() => page.locator('lesson-view .read').isVisible()).toBe(false);
    await expect.poll(() => width(page, 'lesson-view .work')).toBeGreaterThan(1400);
    expect(await width(page, 'sequence-diagram')).toBeGreaterThan(diagramBefore * 1.5);
    await screenshot(page, 'layout-1440-full-en');

    // Remembered across a reload, like the mode.
    await page.reload();
    await page.getByRole('button', { name: 'Show lesson' }).click();
    await expect.poll(() => page.locator('lesson-view .read').isVisible()).toBe(true);
    await expect(page.getByRole('button', { name: 'Full window' }).getAttribute('aria-pressed')).resolves.toBe('false');
  });
});

describe('on a 390×844 phone', () => {
  for (const [locale, t] of [
    ['en-US', { read: 'Read', code: 'Code', run: 'Run', runButton: /^Run/, lang: 'en' }],
    ['zh-CN', { read: '阅读', code: '代码', run: '运行', runButton: /^运行/, lang: 'zh' }],
  ] as const) {
    it(`${t.lang}: Read / Code / Run are tabs; the editor and Run fit the screen; Run shows the output`, async () => {
      const page = await open({ width: 390, height: 844 }, locale);
      const tabs = page.getByRole('tablist', { name: t.lang === 'en' ? 'Lesson' : '本课' }).getByRole('tab');
      await expect(tabs.allTextContents()).resolves.toEqual([t.read, t.code, t.run].map((s) => expect.stringContaining(s)));
      // Read first: the text, and nothing of the playground below it.
      await expect.poll(() => page.getByRole('heading', { level: 1 }).isVisible()).toBe(true);
      expect(await page.locator('code-panel').isVisible()).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, `layout-390-read-${t.lang}`);

      await tabs.filter({ hasText: t.code }).click();
      await expect.poll(() => page.locator('code-panel').isVisible()).toBe(true);
      const runButton = page.getByRole('button', { name: t.runButton });
      const box = (await runButton.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(844);
      expect(await page.getByRole('heading', { level: 1 }).isVisible()).toBe(false);
      await screenshot(page, `layout-390-code-${t.lang}`);

      await runButton.click();
      await expect.poll(() => tabs.filter({ hasText: t.run }).getAttribute('aria-selected')).toBe('true');
      await consoleLine(page, 'client', /connected/).waitFor();
      expect(await page.locator('code-panel').isVisible()).toBe(false);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, `layout-390-run-${t.lang}`);
    });
  }
});
