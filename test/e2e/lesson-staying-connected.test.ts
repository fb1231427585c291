/**
 * The staying-connected lesson as a learner meets it, in browser mode: twenty clients, a server restart they meet with
 * a fixed retry (tries in lockstep), and the network panel's "Go silent", which leaves the connections half-open so
 * that nobody notices, not even the restart. Then the same with the lesson's solutions: the server's watchdog finds
 * the silent clients, and the tries spread out. And the export to a slow reader: held whole in the server's memory as
 * shipped, one high-water mark with the backpressure solution.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { exercises } from '../../src/lessons/staying-connected/exercises.js';
import { consoleLine, consoleLines, run, setCode, trafficRows, usePage } from './browser.js';

const { page } = usePage({ lesson: 'staying-connected' });

const solution = (id: string, file: 'server.js' | 'client.js') => exercises.find((e) => e.id === id)!.solution[file]!;

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: `/tmp/pushlab-shots-lesson-connected/${name}.png` });
}

describe('Staying connected, as shipped (browser mode)', () => {
  it('twenty clients meet the restart with a fixed retry: failed tries twenty at a time, then all back', async () => {
    await run(page());
    await consoleLine(page(), 'server', /^restarting/).waitFor({ timeout: 20_000 });
    // All twenty are back once the server listens again, 4 s after the restart.
    await expect.poll(async () => (await consoleLines(page(), 'client')).filter((l) => / is back, after \d+ tries$/.test(l)).length, { timeout: 15_000 }).toBe(20);
    const server = await consoleLines(page(), 'server');
    expect(server.filter((l) => l === 'listening on 8181')).toHaveLength(2);
    // The sleeper was not found: it was cut by the restart, with everyone else.
    expect(server.some((l) => /no pong/.test(l))).toBe(false);
    // Between the restart and the new listen (4 s) every client tried about every 500 ms: several failed tries each.
    const tries = (await consoleLines(page(), 'client')).map((l) => Number(/after (\d+) tries/.exec(l)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
    expect(Math.min(...tries)).toBeGreaterThanOrEqual(5);

    await page().getByRole('tab', { name: 'Traffic' }).click();
    await shot(page(), 'staying-connected-stampede-desktop-en');
  });

  it('“Go silent”: the pings stop, nobody notices, and not even the restart reaches the clients', async () => {
    await run(page());
    await page().getByRole('tab', { name: 'Traffic' }).click();
    const kind = page().locator('traffic-inspector select.kind-filter');
    // The heartbeat runs: a ping has reached the clients (one a second each).
    await page().locator('traffic-inspector input[type="search"], traffic-inspector input').first().fill('ping');
    await page().locator('traffic-inspector .row').first().waitFor({ timeout: 10_000 });
    await page().locator('traffic-inspector input').first().fill('');
    await page().getByText('Network conditions').first().click();
    await page().getByRole('button', { name: 'Go silent' }).click();
    await expect.poll(async () => (await consoleLines(page(), 'server')).some((l) => /went silent/.test(l))).toBe(true);
    // The restart comes and goes, and the server listens again: the clients never hear of it.
    await expect.poll(async () => (await consoleLines(page(), 'server')).filter((l) => l === 'listening on 8181').length, { timeout: 15_000 }).toBe(2);
    for (const k of ['close', 'error']) {
      await kind.selectOption(k);
      expect(await trafficRows(page()), `no ${k} reached the clients`).toEqual([]);
    }
    await kind.selectOption('');
    expect((await consoleLines(page(), 'client')).filter((l) => /is back/.test(l))).toEqual([]);
    await shot(page(), 'staying-connected-silent-desktop-en');
  });

  it('with the watchdog, the server ends the silent connections within two intervals', async () => {
    // The restart moved out of the way: this test is about what the watchdog finds by itself.
    await setCode(page(), 'server.js', solution('find-the-sleeper', 'server.js').replace(/\}, 8000\);\s*$/, '}, 60000);\n'));
    await run(page());
    // The sleeper first: it never answered, and is gone well before the restart at 8 s.
    await consoleLine(page(), 'server', /^client 1: no pong, terminating$/).waitFor({ timeout: 10_000 });
    const before = await consoleLines(page(), 'server');
    expect(before.some((l) => /^restarting/.test(l))).toBe(false);
    await page().getByText('Network conditions').first().click();
    await page().getByRole('button', { name: 'Go silent' }).click();
    const silentAt = Date.now();
    // Every client open at the silence is found: the nineteen others at least (the sleeper's new connection may have
    // been made after it, and then works).
    const others = async () => (await consoleLines(page(), 'server')).filter((l) => /^client ([2-9]|1\d|20): no pong, terminating$/.test(l)).length;
    await expect.poll(others, { timeout: 10_000 }).toBe(19);
    const found = Date.now() - silentAt;
    // Within two heartbeat intervals of the silence, plus what reading the console through the page adds.
    expect(found).toBeLessThan(2 * 1000 + 1500);
    expect((await consoleLines(page(), 'server')).some((l) => /^restarting/.test(l))).toBe(false);
  });

  it('the export: written at once, all of it waits in memory; waiting for drain holds one high-water mark', async () => {
    await run(page());
    await consoleLine(page(), 'client', /^export: 305892 bytes read$/).waitFor({ timeout: 15_000 });
    expect((await consoleLines(page(), 'server')).filter((l) => l.startsWith('export:'))).toEqual(['export: at most 305892 bytes waited in memory']);

    await setCode(page(), 'server.js', solution('wait-for-drain', 'server.js'));
    await run(page());
    await consoleLine(page(), 'client', /^export: 305892 bytes read$/).waitFor({ timeout: 15_000 });
    const held = (await consoleLines(page(), 'server')).map((l) => Number(/^export: at most (\d+) bytes/.exec(l)?.[1])).filter((n) => n > 0);
    expect(held).toHaveLength(1);
    // 64 KiB, the high-water mark, and the line that went past it.
    expect(held[0]).toBeGreaterThanOrEqual(64 * 1024);
    expect(held[0]).toBeLessThan(64 * 1024 + 2 * 1024);
  });
});
