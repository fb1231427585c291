/**
 * The push lesson as a learner meets it, in browser mode and as shipped: one news feed reaches the client four ways
 * (the client console names the way of each item), the Traffic tab shows each way's requests, and the Compare tab's
 * table has a row per way with what the prose tells the learner to look for.
 */
import { describe, expect, it } from 'vitest';
import { consoleLines, run, screenshot, usePage } from './browser.js';

const { page } = usePage({ lesson: 'push' });

const WAYS = ['short', 'long', 'sse', 'ws'] as const;

/** Item ids each way has logged so far: the client logs `<way> <id> <text> <delay> ms` per item shown. */
async function shownByWay(): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = { short: [], long: [], sse: [], ws: [] };
  for (const line of await consoleLines(page(), 'client')) {
    const m = /^(short|long|sse|ws) (\d+) 第 \2 条新闻 (\d+) ms$/.exec(line);
    if (m) out[m[1]!]!.push(Number(m[2]));
  }
  return out;
}

/** The Compare tab's summary table, as a person reads it: way → column → text. */
async function compareTable(): Promise<Record<string, Record<string, string>>> {
  return page().locator('transport-comparison').evaluate((el) => {
    const out: Record<string, Record<string, string>> = {};
    for (const tr of el.shadowRoot!.querySelectorAll<HTMLTableRowElement>('table.summary tbody tr')) {
      const row: Record<string, string> = {};
      for (const td of tr.querySelectorAll('td[class]')) row[td.className] = td.textContent!.trim();
      out[tr.dataset['way']!] = row;
    }
    return out;
  });
}

const number = (text: string | undefined) => Number(/^\d+/.exec(text ?? '')?.[0] ?? NaN);
/** "124 B", "1.9 KB", "2 MB" as bytes. */
const bytesOf = (text: string | undefined) => {
  const m = /^([\d.]+)\s*(B|KB|MB)$/.exec(text ?? '');
  return m ? Number(m[1]) * { B: 1, KB: 1024, MB: 1024 * 1024 }[m[2] as 'B' | 'KB' | 'MB'] : NaN;
};

describe('push lesson, as shipped (browser mode)', () => {
  it('delivers the same news four ways, and Compare counts each way from the traffic', async () => {
    await run(page());
    await expect
      .poll(() => page().locator('console-panel[side="server"] .line .text').allTextContents(), { timeout: 10_000 })
      .toContain('news on http://localhost:3000');
    // Items come every 1 to 3 s; wait (bounded) until every way has shown items 1 and 2. The poll's value on
    // failure names the ways still missing one.
    await expect
      .poll(
        async () => {
          const shown = await shownByWay();
          return WAYS.filter((way) => ![1, 2].every((id) => shown[way]!.includes(id)));
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual([]);

    await page().getByRole('tab', { name: 'Traffic' }).click();
    // The inspector draws only the rows in view: filter it as a learner would, one way at a time.
    const filter = page().locator('traffic-inspector input.text-filter');
    for (const path of ['/news/short?since=', '/news/long?since=', '/news/sse', '/news/ws']) {
      await filter.fill(path);
      await expect.poll(() => page().locator('traffic-inspector .row .preview').allTextContents(), { timeout: 5_000 })
        .toEqual(expect.arrayContaining([expect.stringContaining(path)]));
    }
    await filter.fill('');

    await page().getByRole('tab', { name: 'Compare' }).click();
    await expect.poll(async () => Object.keys(await compareTable()), { timeout: 5_000 }).toEqual([...WAYS]);
    const table = await compareTable();
    await screenshot(page(), 'lesson-push-compare');
    for (const way of WAYS) {
      expect(number(table[way]!['requests']), `${way} requests`).toBeGreaterThan(0);
      expect(number(table[way]!['items']), `${way} items`).toBeGreaterThanOrEqual(2);
      expect(table[way]!['median'], `${way} median delay`).toMatch(/^\d+ ms$/);
    }
    // What the prose asks the learner to notice: the push ways made one request each, the polling ways one per
    // answer, and only the polling ways sent bytes up after connecting: a push way's bytes up are its one opening
    // request (counted on the wire, an EventSource's GET included), fewer than the polls', which grow with every poll.
    expect(table['sse']!['requests']).toBe('1');
    expect(table['ws']!['requests']).toBe('1');
    expect(number(table['long']!['requests'])).toBeGreaterThanOrEqual(number(table['long']!['items']));
    expect(table['sse']!['up']).not.toBe('0 B');
    expect(bytesOf(table['short']!['up'])).toBeGreaterThan(bytesOf(table['sse']!['up']));
  });
});
