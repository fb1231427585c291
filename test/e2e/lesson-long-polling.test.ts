/**
 * The long-polling lesson as shipped, in browser mode, as a learner meets it: a request held until the server
 * publishes (its response arrives seconds after it in the Traffic tab), the item lost in the gap between two
 * requests, and the proxy's 504 that stops the starting client.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launch, newPage, run, screenshot } from './browser.js';

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

function line(side: 'server' | 'client', pattern: RegExp) {
  return page.locator(`console-panel[side="${side}"] .line .text`).filter({ hasText: pattern }).first();
}

interface Row {
  time: number;
  kind: string;
  preview: string;
}

async function trafficRows(): Promise<Row[]> {
  return page.locator('traffic-inspector .row').evaluateAll((rows) =>
    rows.map((r) => ({
      time: Number(r.querySelector('.time')?.textContent ?? 'NaN'),
      kind: r.querySelector('.kind')?.textContent ?? '',
      preview: r.querySelector('.preview')?.textContent ?? '',
    })),
  );
}

it('holds a request until there is news, loses the follow-up without a cursor, and stops at the proxy’s 504', async () => {
  await page.goto(`${inject('siteUrl')}#/lesson/long-polling`);
  await page.locator('code-panel .cm-content').first().waitFor();
  await run(page);

  // The server holds the client's request, then answers it when it publishes.
  await line('server', /holding a request \(1 waiting\)/).waitFor({ timeout: 10_000 });
  await line('server', /published #3, answered 1 waiting request/).waitFor({ timeout: 10_000 });
  // The follow-up published right after #1 found no request waiting: the client says so.
  await line('client', /missed #2: published while we were asking again/).waitFor({ timeout: 5_000 });
  const held = await line('client', /→ #3 /).textContent();
  const heldSeconds = Number(/held (\d+\.\d) s/.exec(held ?? '')?.[1]);
  expect(heldSeconds, held ?? '').toBeGreaterThanOrEqual(1);

  // The proxy cuts the next held request; the starting client cannot read "504 Gateway Timeout" as JSON.
  await line('server', /proxy: no answer after 3000 ms, sending 504/).waitFor({ timeout: 12_000 });
  await line('client', /Unhandled promise rejection: SyntaxError/).waitFor({ timeout: 5_000 });

  // In the Traffic tab: each GET /news is followed by its response, the held ones seconds later.
  await page.getByRole('tab', { name: 'Traffic', exact: true }).click();
  await expect.poll(async () => (await trafficRows()).some((r) => r.kind === 'response' && r.preview.startsWith('504')), { timeout: 5_000 }).toBe(true);
  const rows = await trafficRows();
  const waits: { status: string; seconds: number }[] = [];
  let asked: number | undefined;
  for (const r of rows) {
    if (r.kind === 'request' && /\/news$/.test(r.preview)) asked = r.time;
    if (r.kind === 'response' && asked !== undefined) {
      waits.push({ status: r.preview, seconds: r.time - asked });
      asked = undefined;
    }
  }
  // request → 200 at ~1 s (#1), → 200 at ~3 s (#3), → 504 after the proxy's 3 s
  expect(waits.map((w) => w.status)).toEqual(['200 OK', '200 OK', '504 Gateway Timeout']);
  expect(waits[1]!.seconds, 'the second request was held until #3 was published').toBeGreaterThan(1.5);
  expect(waits[2]!.seconds, 'the proxy gave up after about 3 s').toBeGreaterThan(2.5);
  await screenshot(page, 'lesson-long-polling-traffic');
});
