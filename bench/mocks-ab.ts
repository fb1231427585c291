/**
 * npm run bench:mocks-ab -- <git revision> [rounds] — the in-browser runtime's floods (bench:mocks' WebSocket, SSE and
 * socket.io floods, browser mode, wire record on) of the working tree against a revision, in alternating rounds in one
 * Chromium, printed as the working tree's rate over the revision's, round by round and at the median; and the CPU time
 * Chromium spent on each (the page's renderer and the processes pages share, from a fresh page to the flood's end) as
 * the working tree's over the revision's.
 *
 * Why: on these shared machines one run of bench:mocks moves by ±20% and more (the same build gave a socket.io flood
 * of 3.3k and 2.6k events/s in two runs), so a change of 10% cannot be told from one run before and one after. Rounds of
 * both builds back to back, the order alternating, put a burst of someone else's load on both alike. Rates still swing
 * by ±30% between neighbouring rounds here; CPU time, which waiting for a core does not add to, much less. It counts
 * what the same page load, run start and connection cost too, in both builds alike, so its ratio understates a change
 * of the flood's own cost a little.
 * The revision is checked out in a temporary git worktree (removed at the end, or on Ctrl-C), using this tree's
 * node_modules but for the packages whose patches differ (bench/mocks/patched-modules.ts); it needs
 * bench/mocks/index.html (bench:mocks' page) to be built.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, chromePath } from '../test/support/chrome.mjs';
import { serveStatic } from '../test/support/static-server.js';
import { buildSite } from './mocks/build.js';
import { RUN_COUNTS, RUNTIME_URLS, type Flood } from './mocks/counts.js';
import { cpuBetween, cpuSnapshot } from './mocks/cpu.js';
import { median } from './median.js';
import { revisionModules } from './mocks/patched-modules.js';

const [revision, roundsArg] = process.argv.slice(2);
const rounds = roundsArg === undefined ? 5 : Number(roundsArg);
if (!revision || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: npm run bench:mocks-ab -- <git revision> [rounds: a whole number, at least 1; default 5]');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '..');
const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
let commit: string;
try {
  commit = git('rev-parse', '--verify', '--quiet', `${revision}^{commit}`);
} catch {
  console.error(`bench:mocks-ab: ${revision} is not a commit of this repository`);
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'pushlab-bench-ab-'));
const tree = join(work, 'tree');

/** The worktree and the builds go, whether the run ends, fails or is interrupted. */
function cleanUp(): void {
  try {
    if (existsSync(tree)) git('worktree', 'remove', '--force', tree);
  } catch (error) {
    console.error(`bench:mocks-ab: could not remove the worktree ${tree}: ${error instanceof Error ? error.message : String(error)}`);
  }
  rmSync(work, { recursive: true, force: true });
  try {
    git('worktree', 'prune'); // a worktree whose removal failed is gone from disk now: git forgets it too
  } catch {
    // nothing to prune, or git is busy: `git worktree prune` later does the same
  }
}
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  process.once(signal, () => {
    cleanUp();
    process.exit(code);
  });
}

/** Counts as bench:mocks uses them, with few round trips: only the floods are compared. */
const CONFIG = { ...RUN_COUNTS, roundTrips: 100, ...RUNTIME_URLS };
const FLOODS = [
  ['ws', 'WebSocket echo flood', 'msg/s'],
  ['sse', 'SSE events, 100 B each', 'events/s'],
  ['io', 'socket.io echo flood', 'events/s'],
] as const;
type Key = (typeof FLOODS)[number][0];

const rates: Record<'base' | 'tree', Record<Key, number[]>> = { base: { ws: [], sse: [], io: [] }, tree: { ws: [], sse: [], io: [] } };
/** CPU ms Chromium spent on one flood's page (cpuBetween), per build and flood. */
const cpu: Record<'base' | 'tree', Record<Key, number[]>> = { base: { ws: [], sse: [], io: [] }, tree: { ws: [], sse: [], io: [] } };

try {
  git('worktree', 'add', '--detach', tree, commit);
  if (!existsSync(join(tree, 'bench/mocks/index.html'))) throw new Error(`${revision} has no bench page (bench/mocks/index.html)`);
  const ownPatches = revisionModules(root, tree);
  if (ownPatches.length > 0) process.stderr.write(`bench:mocks-ab: ${revision}'s own patches for ${ownPatches.join(', ')}\n`);
  process.stderr.write(`bench:mocks-ab: building ${commit.slice(0, 10)} and the working tree…\n`);
  await buildSite(tree, join(work, 'base'), false);
  await buildSite(root, join(work, 'tree-site'), false);
  const sites = { base: await serveStatic(join(work, 'base')), tree: await serveStatic(join(work, 'tree-site')) };
  const browser = await chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS, headless: true });
  const session = await browser.newBrowserCDPSession();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const which of round % 2 === 0 ? (['base', 'tree'] as const) : (['tree', 'base'] as const)) {
        // One flood per page (client.js's `phases`), so the CPU time between two snapshots is that flood's.
        for (const [key] of FLOODS) {
          const before = await cpuSnapshot(session);
          const context = await browser.newContext();
          try {
            const page = await context.newPage();
            const config = { ...CONFIG, phases: [key] };
            await page.goto(`${sites[which].url}bench.html?${new URLSearchParams({ mode: 'runtime', config: JSON.stringify(config) })}`);
            const out = (await page.evaluate(() => window.bench)) as { client?: Partial<Record<Key, { error: string } | Flood | { flood: Flood }>> };
            const phase = out.client?.[key];
            // A revision from before client.js's `phases` runs every flood in each page: its CPU time would be all three.
            const others = Object.keys(out.client ?? {}).filter((k) => k !== key);
            if (others.length > 0) throw new Error(`its bench page ran ${others.join(', ')} too (no \`phases\` in its client.js): no CPU time per flood`);
            const flood = !phase || 'error' in phase ? undefined : 'flood' in phase ? phase.flood : phase;
            rates[which][key].push(flood?.complete ? flood.count / (flood.ms / 1000) : NaN);
            cpu[which][key].push(flood?.complete ? cpuBetween(before, await cpuSnapshot(session)) : NaN);
          } catch (error) {
            // A failed run (the page's run ended, a timeout) costs this round's figure, not the rounds already run.
            process.stderr.write(`bench:mocks-ab: the ${which === 'base' ? 'revision' : 'working tree'}'s ${key} run failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
            rates[which][key].push(NaN);
            cpu[which][key].push(NaN);
          } finally {
            await context.close();
          }
        }
      }
      process.stderr.write(`bench:mocks-ab: round ${round + 1} of ${rounds}\n`);
    }
  } finally {
    await browser.close();
    await Promise.all(Object.values(sites).map((site) => site.close()));
  }
} finally {
  cleanUp();
}

console.log(`bench:mocks-ab — the working tree over ${commit.slice(0, 10)} (${revision}), ${rounds} rounds, order alternating`);
for (const [key, figure, unit] of FLOODS) {
  const ratios = rates.tree[key].map((v, i) => v / rates.base[key][i]!);
  const fmt = (values: number[]) => values.map((v) => (Number.isNaN(v) ? '—' : v.toFixed(0))).join(' ');
  console.log(`${figure.padEnd(24)} ${unit.padEnd(9)} median ratio ${median(ratios).toFixed(2)}  (rounds ${ratios.map((r) => (Number.isNaN(r) ? '—' : r.toFixed(2))).join(', ')})`);
  console.log(`${''.padEnd(34)} revision ${fmt(rates.base[key])}; working tree ${fmt(rates.tree[key])}`);
  const cpuRatios = cpu.tree[key].map((v, i) => v / cpu.base[key][i]!);
  console.log(`${''.padEnd(24)} CPU ms    median ratio ${median(cpuRatios).toFixed(2)}  (rounds ${cpuRatios.map((r) => (Number.isNaN(r) ? '—' : r.toFixed(2))).join(', ')}; lower is cheaper)`);
  console.log(`${''.padEnd(34)} revision ${fmt(cpu.base[key])}; working tree ${fmt(cpu.tree[key])}`);
}
