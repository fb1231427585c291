/**
 * The many-servers lesson as a learner meets it, in browser mode: behind the round-robin proxy every connection fails
 * with Session ID unknown; with sticky sessions people land on A and B and a broadcast stays on its server; with the
 * bus it reaches everyone once; with the middleware mallory gets connect_error and the others get in.
 */
import { describe, expect, it } from 'vitest';
import lesson from '../../src/lessons/many-servers/lesson.js';
import { consoleLine, consoleLines, run, screenshot, setCode, usePage } from './browser.js';

const { page } = usePage({ lesson: 'many-servers' });
const solution = (id: string) => lesson.exercises!.find((e) => e.id === id)!.solution['server.js']!;

async function rows(text: string): Promise<string[]> {
  await page().locator('traffic-inspector input.text-filter').fill(text);
  return page().locator('traffic-inspector .row .preview').allTextContents();
}

/** Who was served by which server, from the client console: { alice: 'A', … }. */
async function servedBy(): Promise<Record<string, string>> {
  const served = (await consoleLines(page(), 'client')).map((l) => /^(\w+): served by (\w)$/.exec(l)).filter((m) => m !== null);
  return Object.fromEntries(served.map((m) => [m[1]!, m[2]!]));
}

describe('many-servers lesson, as shipped (browser mode)', () => {
  it('round robin breaks long polling: every person gets connect_error, and the traffic shows 400 Session ID unknown', async () => {
    await run(page());
    for (const name of ['alice', 'bob', 'mallory']) {
      await consoleLine(page(), 'client', new RegExp(`^${name}: connect_error: xhr (post|poll) error`)).first().waitFor({ timeout: 10_000 });
    }
    expect(await consoleLines(page(), 'server')).toEqual(expect.arrayContaining([expect.stringMatching(/^proxy: POST polling sid=.+ → [AB]$/)]));
    expect((await consoleLines(page(), 'client')).filter((l) => /: connected$/.test(l))).toEqual([]);
    await page().getByRole('tab', { name: 'Traffic' }).click();
    await expect.poll(() => rows('Session ID unknown')).toEqual(expect.arrayContaining([expect.stringContaining('{"code":1,"message":"Session ID unknown"}')]));
    await screenshot(page(), 'lesson-many-servers-start');
  });

  it('sticky sessions: everyone connects, on A and B; alice’s io.emit reaches only her own server’s people', async () => {
    await setCode(page(), 'server.js', solution('sticky-sessions'));
    await run(page());
    await consoleLine(page(), 'client', /^mallory: served by [AB]$/).first().waitFor({ timeout: 10_000 });
    const by = await servedBy();
    expect(Object.keys(by).sort()).toEqual(['alice', 'bob', 'mallory']);
    expect(new Set(Object.values(by))).toEqual(new Set(['A', 'B']));
    const neighbours = Object.keys(by).filter((name) => by[name] === by.alice);
    const elsewhere = Object.keys(by).filter((name) => by[name] !== by.alice);
    for (const name of neighbours) await consoleLine(page(), 'client', new RegExp(`^${name} got: hello, everyone$`)).first().waitFor({ timeout: 10_000 });
    // The broadcast exercise's check watches a second for copies and names the server none reached.
    const why = page().locator('exercise-list li[data-exercise="broadcast-every-server"] .why');
    await expect.poll(() => why.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`none on ${by[elsewhere[0]!]}`));
    expect((await consoleLines(page(), 'client')).filter((l) => l.endsWith(' got: hello, everyone')).map((l) => l.split(' ')[0]).sort()).toEqual(neighbours.sort());
    await page().getByRole('tab', { name: 'Traffic' }).click();
    expect(await rows('Session ID unknown')).toEqual([]);
    await expect.poll(() => rows('3probe')).toHaveLength(3);
  });

  it('with the shared bus, every person gets each of alice’s messages once', async () => {
    await setCode(page(), 'server.js', solution('broadcast-every-server'));
    await run(page());
    for (const name of ['alice', 'bob', 'mallory']) await consoleLine(page(), 'client', new RegExp(`^${name} got: hello, everyone$`)).first().waitFor({ timeout: 10_000 });
    await expect.poll(() => page().locator('exercise-list li[data-exercise="broadcast-every-server"] .badge[role="status"]').textContent(), { timeout: 10_000 }).toBe('Passed');
    expect((await consoleLines(page(), 'client')).filter((l) => l.endsWith(' got: hello, everyone')).sort()).toEqual([
      'alice got: hello, everyone',
      'bob got: hello, everyone',
      'mallory got: hello, everyone',
    ]);
  });

  it('with the middleware, mallory gets connect_error: invalid token (44 on the wire); alice and bob get in', async () => {
    await setCode(page(), 'server.js', solution('token-middleware'));
    await run(page());
    await consoleLine(page(), 'client', /^mallory: connect_error: invalid token$/).first().waitFor({ timeout: 10_000 });
    const lines = await consoleLines(page(), 'client');
    expect(lines).toEqual(expect.arrayContaining(['alice: connected', 'bob: connected']));
    expect(lines).not.toContain('mallory: connected');
    expect(await consoleLines(page(), 'server')).toEqual(expect.arrayContaining([expect.stringMatching(/^server [AB]: refused mallory$/)]));
    await page().getByRole('tab', { name: 'Traffic' }).click();
    await expect.poll(() => rows('invalid token')).toEqual([expect.stringContaining('44{"message":"invalid token"}')]);
    expect(await rows('"token":"guess"')).toEqual([expect.stringContaining('40{"name":"mallory","token":"guess"}')]);
    await screenshot(page(), 'lesson-many-servers-middleware');
  });
});
