/**
 * npm run bench:site — what a learner's browser pays before the first lesson can be run:
 * - gzip bytes of the JavaScript and CSS it loaded by the time the Run button is there (goal: at most 150 KB);
 * - the time from navigation to an enabled Run button, in headless Chromium against a local static server serving the
 *   build under a sub-path, as the median of 5 cold loads (goal: under 1 s);
 * - gzip bytes of what every run frame loads up front (run.html's module and its preloads), and whether acorn is among
 *   them: compiling happens in the page, so the frame should never carry the parser.
 * Prints figures; it is not a test (the machines are shared, so timings vary from run to run).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { CHROME_ARGS, chromePath } from '../test/support/chrome.mjs';
import { serveStatic } from '../test/support/static-server.js';
import { COURSE } from '../src/lessons/index.js';

const RUNS = 5;
const root = resolve(import.meta.dirname, '..');
if (!process.argv.includes('--no-build')) await build({ root, logLevel: 'warn' });
const site = await serveStatic(resolve(root, 'dist'));
const lesson = COURSE.find((l) => l.load)!;
const browser = await chromium.launch({ executablePath: chromePath(), args: CHROME_ARGS });

const times: number[] = [];
let assets: { url: string; gzip: number }[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const loaded: Promise<{ url: string; gzip: number }>[] = [];
    let counting = i === 0;
    page.on('response', (res) => {
      const type = res.request().resourceType();
      // Only the first load, up to the Run button, is counted; reading bodies on later ones (or on late responses of
      // the first) would race the context's close.
      if (counting && (type === 'script' || type === 'stylesheet')) {
        loaded.push(res.body().then((body) => ({ url: res.url().replace(site.url, ''), gzip: gzipSync(body).length })));
      }
    });
    await page.goto(`${site.url}#/lesson/${lesson.id}`);
    await page.getByRole('button', { name: /^Run/ }).waitFor({ state: 'visible' });
    // Time since the navigation started, on the page's own clock.
    times.push(await page.evaluate(() => performance.now()));
    counting = false;
    if (i === 0) assets = await Promise.all(loaded);
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const total = assets.reduce((sum, a) => sum + a.gzip, 0);
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)]!;
console.log(`bench:site — lesson '${lesson.id}', ${RUNS} cold loads, Chromium headless`);
console.log('JS and CSS loaded before the Run button (gzip):');
for (const a of assets.sort((x, y) => y.gzip - x.gzip)) console.log(`  ${kb(a.gzip).padStart(9)}  ${a.url}`);
console.log(`  ${kb(total).padStart(9)}  total (goal ≤ 150 KB: ${total <= 150 * 1024 ? 'met' : 'NOT met'})`);
console.log(`Navigation → Run button: median ${median.toFixed(0)} ms (min ${sorted[0]!.toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}) (goal < 1000 ms: ${median < 1000 ? 'met' : 'NOT met'})`);

// The run frame: run.html's entry module and the chunks Vite preloads for it (its static imports). Read from dist/,
// because a frame is made per run and what it loads up front is paid on every Run.
const runHtml = readFileSync(resolve(root, 'dist/run.html'), 'utf8');
const frameFiles = [...runHtml.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
const frameAssets = frameFiles.map((file) => {
  const body = readFileSync(resolve(root, 'dist', file));
  // acorn's parser carries this message; no other module in the build does.
  return { file, gzip: gzipSync(body).length, acorn: body.includes('Unexpected character') };
});
const frameTotal = frameAssets.reduce((sum, a) => sum + a.gzip, 0);
console.log('Run frame (run.html), loaded on every Run before dynamic imports (gzip):');
for (const a of frameAssets.sort((x, y) => y.gzip - x.gzip)) {
  console.log(`  ${kb(a.gzip).padStart(9)}  ${a.file}${a.acorn ? '  (contains acorn)' : ''}`);
}
console.log(`  ${kb(frameTotal).padStart(9)}  total; acorn ${frameAssets.some((a) => a.acorn) ? 'LOADED (it belongs in the page only)' : 'not loaded'}`);
