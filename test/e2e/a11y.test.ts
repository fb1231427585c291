/**
 * Accessibility as a person with a keyboard or a screen reader meets the site: axe-core over every page in both
 * languages (the course list, each lesson before and after a run, a lesson on a phone, and the real chat at /chat)
 * with no serious or critical violation; a visible focus on everything the Tab key reaches; and a whole lesson walked
 * with the keyboard alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { spawnBackend } from '../../server/testing/backend-process.js';
import { COURSE } from '../../src/lessons/index.js';
import { axeViolations, describeViolations, serious } from './axe.js';
import { consoleLine, usePage } from './browser.js';
import { siteDist } from '../support/site-dist.js';

const { browser } = usePage();
const site = inject('siteUrl');
const root = resolve(import.meta.dirname, '../..');
let context: BrowserContext | undefined;

afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function open(url: string, locale: string, viewport = { width: 1440, height: 900 }, bypassCSP = false): Promise<Page> {
  context = await browser().newContext({ locale, viewport, bypassCSP });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
  const found = serious(await axeViolations(page));
  expect(found, `${where}:\n${describeViolations(found)}`).toEqual([]);
}

const LANGS = [
  { lang: 'en', locale: 'en-US', run: /^Run/, traffic: 'Traffic', compare: 'Compare', code: 'Code' },
  { lang: 'zh', locale: 'zh-CN', run: /^运行/, traffic: '网络流量', compare: '对比', code: '代码' },
] as const;

describe('axe finds no serious or critical violation', () => {
  for (const l of LANGS) {
    it(`${l.lang}: the course list and every lesson`, async () => {
      const page = await open(site, l.locale);
      await page.locator('course-list li').first().waitFor();
      await expectNoSeriousViolations(page, 'course list');
      for (const lesson of COURSE) {
        await page.goto(`${site}#/lesson/${lesson.id}`);
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(lesson.title[l.lang]);
        // The editor, or the text alone of a lesson with nothing to run (the closing page).
        if (lesson.load) await page.locator('code-panel .cm-content, lesson-view .read.alone').first().waitFor();
        await expectNoSeriousViolations(page, `lesson ${lesson.id}`);
      }
    });

    it(`${l.lang}: a lesson after a run, with its Traffic and Compare tabs open`, async () => {
      const page = await open(`${site}#/lesson/socket-io`, l.locale);
      await page.getByRole('button', { name: l.run }).click();
      await consoleLine(page, 'client', /connected/).waitFor();
      await page.getByRole('tab', { name: l.traffic }).click();
      await page.locator('sequence-diagram .scroll').first().waitFor();
      await page.locator('traffic-inspector .row').first().waitFor();
      await expectNoSeriousViolations(page, 'Traffic tab');
      await page.getByRole('tab', { name: l.compare }).click();
      await page.locator('transport-comparison').waitFor();
      await expectNoSeriousViolations(page, 'Compare tab');
    });

    it(`${l.lang}: a lesson on a 390×844 phone, on each of its tabs`, async () => {
      const page = await open(`${site}#/lesson/sse`, l.locale, { width: 390, height: 844 });
      await page.locator('code-panel .cm-content').first().waitFor({ state: 'attached' });
      await expectNoSeriousViolations(page, 'phone, Read');
      await page.getByRole('tab', { name: l.code }).click();
      await expectNoSeriousViolations(page, 'phone, Code');
      await page.getByRole('button', { name: l.run }).click();
      await consoleLine(page, 'server', /./).waitFor();
      await expectNoSeriousViolations(page, 'phone, Run');
    });
  }

  it('the real chat at /chat, before and after joining, in both languages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pushlab-a11y-'));
    const backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_CHAT_DB: join(dir, 'chat.db') });
    try {
      for (const l of [{ locale: 'en-US', nick: 'Nickname', join: 'Join', name: 'ada' }, { locale: 'zh-CN', nick: '昵称', join: '加入', name: '小红' }]) {
        // The backend's pages carry a Content-Security-Policy; axe's script is added inline.
        const page = await open(`${backend.url}chat`, l.locale, undefined, true);
        await page.getByRole('textbox', { name: l.nick, exact: true }).waitFor();
        await expectNoSeriousViolations(page, `chat ${l.locale}, before joining`);
        await page.getByRole('textbox', { name: l.nick, exact: true }).fill(l.name);
        await page.getByRole('button', { name: l.join, exact: true }).click();
        await page.locator('chat-app form.compose').waitFor();
        await expectNoSeriousViolations(page, `chat ${l.locale}, joined`);
        await context?.close();
        context = undefined;
      }
    } finally {
      await backend.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The element that has focus, looking into shadow roots, and how its focus shows. */
async function focused(page: Page): Promise<{ what: string; visible: boolean; inEditor: boolean }> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return { what: 'body', visible: true, inEditor: false };
    // CodeMirror draws the ring on the editor around its editable content.
    const style = getComputedStyle(el.classList.contains('cm-content') ? el.closest('.cm-editor') ?? el : el);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow !== 'none';
    const label = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
    return { what: `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ')[0] : ''} "${label}"`, visible: outline || shadow, inEditor: el.classList.contains('cm-content') };
  });
}

describe('the keyboard alone', () => {
  it('shows where the focus is on everything Tab reaches in a lesson', async () => {
    const page = await open(`${site}#/lesson/socket-io`, 'en-US');
    await page.getByRole('button', { name: /^Run/ }).click();
    await consoleLine(page, 'client', /connected/).waitFor();
    await page.getByRole('tab', { name: 'Traffic' }).click();
    await page.locator('traffic-inspector .row').first().waitFor();
    await page.locator('body').focus();
    const invisible: string[] = [];
    for (let i = 0; i < 70; i++) {
      await page.keyboard.press('Tab');
      let f = await focused(page);
      // CodeMirror marks itself focused a moment after the focus moves: give the ring that moment.
      for (let wait = 0; !f.visible && wait < 20; wait++) f = await page.waitForTimeout(50).then(() => focused(page));
      if (f.inEditor) await page.keyboard.press('Escape'); // CodeMirror: Escape, then Tab leaves the editor
      if (!f.visible) invisible.push(f.what);
    }
    expect(invisible).toEqual([]);
  });

  it('walks a whole lesson: read, reach the editor, type, run, open Traffic, read a row, solve an exercise', async () => {
    const page = await open(`${site}#/lesson/websocket`, 'en-US');
    await page.locator('code-panel .cm-content').first().waitFor();
    const tabUntil = async (done: (f: Awaited<ReturnType<typeof focused>>) => boolean, most = 80): Promise<void> => {
      for (let i = 0; i < most; i++) {
        await page.keyboard.press('Tab');
        if (done(await focused(page))) return;
      }
      throw new Error(`Tab never reached it; focus is on ${(await focused(page)).what}`);
    };

    // Read: the exercise's solution, opened with the keyboard.
    await tabUntil((f) => f.what.includes('Show the solution'));
    await page.keyboard.press('Enter');
    await tabUntil((f) => f.what.includes('Put the solution in the editor'));
    await page.keyboard.press('Enter');

    // Edit: the file tabs, then the editor, where typing goes into the code.
    await tabUntil((f) => f.what.startsWith('button') && /server\.js|client\.js/.test(f.what));
    const clientTab = page.getByRole('tab', { name: /^client\.js/ });
    for (let i = 0; i < 3 && (await clientTab.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowRight');
    expect(await clientTab.getAttribute('aria-selected')).toBe('true');
    await tabUntil((f) => f.inEditor);
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type("console.log('typed with the keyboard');");

    // Run from the editor.
    await page.keyboard.press('Control+Enter');
    await consoleLine(page, 'client', /typed with the keyboard/).waitFor();

    // Leave the editor (Escape, then Tab), reach the output tabs, open Traffic, read a row.
    await page.keyboard.press('Escape');
    await tabUntil((f) => f.what.includes('Console'));
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('tab', { name: 'Traffic' }).getAttribute('aria-selected')).toBe('true');
    await tabUntil((f) => f.what.includes('Traffic events'));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const row = page.locator('traffic-inspector .row[aria-selected="true"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/open|frame|request/);

    // The exercise whose solution ran is checked from what the run observed.
    const badge = page.locator('exercise-list li[data-exercise="stop-the-timer"] .badge[role="status"]');
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toContain('Passed');
  });
});
