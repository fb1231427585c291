/**
 * The short-polling lesson as shipped, in browser mode, as a learner meets it: three pollers (1 s, 5 s, 30 s) whose
 * costs the client adds up from what it observed, the same requests visible in the Traffic tab, and the repeats
 * that the missing cursor causes.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { consoleLines, launch, newPage, run, screenshot } from './browser.js';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  ({ context, page } = await newPage(browser));
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

interface Cost {
  requests: number;
  empty: number;
  kb: number;
  headerShare: number;
  repeats: number;
  missed: number;
}

function parseSummary(text: string): Cost {
  const m = /(\d+) requests, (\d+) with nothing new, ([\d.]+) KB received \((\d+)% headers\), (\d+) repeats, (\d+) missed/.exec(text);
  if (!m) throw new Error(`not a summary line: ${text}`);
  const [requests, empty, kb, headerShare, repeats, missed] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return { requests, empty, kb, headerShare, repeats, missed };
}

it('shows what each interval costs, in the client’s numbers and in the Traffic tab', async () => {
  await page.goto(`${inject('siteUrl')}#/lesson/short-polling`);
  await page.locator('code-panel .cm-content').first().waitFor();
  await run(page);

  // Every poller asks at once, then on its timer; the 1 s poller keeps getting the same latest five items.
  const client = page.locator('console-panel[side="client"] .line .text');
  await client.filter({ hasText: /^\[1s\] .*seen before/ }).first().waitFor({ timeout: 10_000 });

  // After 10 s the client prints what each poller has paid, from what it saw.
  await client.filter({ hasText: /^every 30s: / }).first().waitFor({ timeout: 20_000 });
  const lines = await consoleLines(page, 'client');
  const cost = (name: string) => parseSummary(lines.find((l) => l.startsWith(`every ${name}: `))!);
  const [fast, medium, slow] = [cost('1s'), cost('5s'), cost('30s')];
  expect(fast.requests).toBeGreaterThanOrEqual(8);
  expect(medium.requests).toBeGreaterThanOrEqual(2);
  expect(medium.requests).toBeLessThanOrEqual(3);
  expect(slow.requests).toBe(1);
  // News every 3 s: most of the fast poller's answers carry nothing new, and still cost a full response head.
  expect(fast.empty).toBeGreaterThan(fast.requests / 2);
  expect(fast.headerShare).toBeGreaterThan(20);
  expect(fast.kb).toBeGreaterThan(medium.kb);
  // Without a cursor the latest five come back every time.
  expect(fast.repeats).toBeGreaterThan(fast.requests);

  // The Traffic tab shows the same requests: filtered by poller, at least as many as it counted.
  await page.getByRole('tab', { name: 'Traffic', exact: true }).click();
  const filter = page.getByRole('searchbox', { name: 'Filter by text' });
  const requests = page.locator('traffic-inspector .counters .n-requests');
  await filter.fill('poller=1s');
  await expect.poll(async () => Number(await requests.textContent())).toBeGreaterThanOrEqual(fast.requests);
  await filter.fill('poller=30s');
  await expect.poll(async () => Number(await requests.textContent())).toBe(1);
  await filter.fill('');
  await screenshot(page, 'lesson-short-polling-traffic');
});
