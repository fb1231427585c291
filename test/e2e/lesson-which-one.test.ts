/**
 * The closing page, "Which one, when": a lesson with no code, shown as text alone on a desktop and on a phone (no
 * editor, no Run, and still its text when the playground was last left in Full window). Its first table's figures
 * must be what the Compare tab shows for lesson 1 run in real Node for as long as the page says (40 s): the test
 * runs it and compares, within what varies from run to run.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { spawnBackend, type BackendProcess } from '../../server/testing/backend-process.js';
import { siteDist } from '../support/site-dist.js';
import { newPage, run, usePage } from './browser.js';

const { browser, page } = usePage();
const WAYS = ['short', 'long', 'sse', 'ws'] as const;

interface Figures {
  requests: number;
  perItem: number;
  median: number;
}

/** "837 B", "1.2 KB" → bytes; "962 ms" → ms. */
function amount(text: string): number {
  const m = /([\d.,]+)\s*(KB|B|ms|s)?/.exec(text.trim());
  if (!m) return NaN;
  const n = Number(m[1]!.replace(/,/g, ''));
  return m[2] === 'KB' ? n * 1024 : m[2] === 's' ? n * 1000 : n;
}

/** The page's table "What the runs showed": one row per way, in the order of WAYS. */
async function pageFigures(p: Page): Promise<Figures[]> {
  await p.locator('lesson-view markdown-view table tbody tr').first().waitFor();
  const rows = await p.locator('lesson-view markdown-view table').first().locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );
  return rows.map((cells) => ({ requests: amount(cells[1]!), perItem: amount(cells[2]!), median: amount(cells[3]!) }));
}

describe('Which one, when: a page with nothing to run', () => {
  it('shows its text alone, across the width, with no editor and no Run, and it is the last page', async () => {
    await page().goto(`${inject('siteUrl')}#/lesson/which-one`);
    await page().getByRole('heading', { level: 1, name: /Which one, when/ }).waitFor();
    expect(await page().locator('code-panel').count()).toBe(0);
    expect(await page().getByRole('button', { name: /^Run/ }).count()).toBe(0);
    expect(await page().locator('lesson-view a.next').count()).toBe(0);
    const width = await page().locator('lesson-view .read').evaluate((el) => el.getBoundingClientRect().width);
    expect(width).toBeGreaterThan(1200);
    expect(await pageFigures(page())).toHaveLength(4);
  });

  it('on a phone, and after the playground was left in Full window, the text is still shown', async () => {
    const { context, page: p } = await newPage(browser());
    try {
      await p.goto(`${inject('siteUrl')}#/lesson/sse`);
      await p.locator('code-panel .cm-content').first().waitFor();
      await p.getByRole('button', { name: 'Full window' }).click();
      await p.goto(`${inject('siteUrl')}#/lesson/which-one`);
      await p.getByRole('heading', { level: 1, name: /Which one, when/ }).waitFor();
      await expect.poll(() => p.locator('lesson-view .read').isVisible()).toBe(true);
      await p.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => p.locator('lesson-view .read').isVisible()).toBe(true);
      expect(await p.locator('lesson-view [role="tablist"]').count()).toBe(0);
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, 'the page does not scroll sideways').toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  });
});

describe('its figures are what lesson 1 shows in real Node', () => {
  let backend: BackendProcess;
  beforeAll(async () => {
    backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_LESSONS_DIR: resolve(import.meta.dirname, '../../src/lessons') });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it('requests, bytes per item and median delay of the four ways, from a 40 s run of the Compare tab', { timeout: 120_000 }, async () => {
    await page().goto(`${inject('siteUrl')}#/lesson/which-one`);
    const stated = await pageFigures(page());

    await page().goto(`${backend.url}#/lesson/push`);
    await page().locator('code-panel .cm-content').first().waitFor();
    await page().getByRole('radio', { name: 'Real Node' }).check();
    await run(page());
    // As long as the page says the run lasted: requests are counted over it.
    await page().waitForTimeout(40_000);
    await page().getByRole('tab', { name: 'Compare' }).click();
    const measured: Figures[] = [];
    for (const way of WAYS) {
      const row = page().locator(`transport-comparison table.summary tr[data-way="${way}"]`);
      measured.push({
        requests: amount(await row.locator('.requests').textContent() ?? ''),
        perItem: amount(await row.locator('.per-item').textContent() ?? ''),
        median: amount(await row.locator('.median').textContent() ?? ''),
      });
    }
    const report = `stated ${JSON.stringify(stated)}\nmeasured ${JSON.stringify(measured)}`;
    WAYS.forEach((way, i) => {
      const s = stated[i]!;
      const m = measured[i]!;
      // The polls' count moves by a request or two with the run's start; the pushes open once.
      expect(Math.abs(m.requests - s.requests), `${way} requests\n${report}`).toBeLessThanOrEqual(way === 'short' || way === 'long' ? 3 : 0);
      expect(m.perItem / s.perItem, `${way} bytes per item\n${report}`).toBeGreaterThan(0.7);
      expect(m.perItem / s.perItem, `${way} bytes per item\n${report}`).toBeLessThan(1.4);
      // Short polling waits for the next question: an item's delay falls anywhere in the 2 s between two questions,
      // so a run's median is about 1 s, give or take 1000/√n ms over n items (the standard error of the median of n
      // even draws over 2 s: about 230 ms for a 40 s run). The page's figure and this run's are one draw each, so each
      // is held to 3.5 of those from 1 s, plus 150 ms for answers and a busy machine. Held to each other, within 60%,
      // about one run in forty fails by chance (one did: 1568 ms against the page's 962). A wrong way is far outside:
      // pushed at once (under 50 ms), or asked every 5 s (about 2.5 s).
      if (way === 'short') {
        const spread = 3.5 * (1000 / Math.sqrt(Math.max(1, m.requests - 1))) + 150;
        expect(Math.abs(m.median - 1000), `${way} median delay\n${report}`).toBeLessThan(spread);
        expect(Math.abs(s.median - 1000), `${way}: the page's median delay\n${report}`).toBeLessThan(spread);
      } else {
        expect(s.median, `${way}: the page says pushed at once`).toBeLessThan(50);
        expect(m.median, `${way} median delay\n${report}`).toBeLessThan(150);
      }
    });
  });
});
