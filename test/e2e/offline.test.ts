/**
 * Once opened, the site works with no network (public/site-worker.js, public/msw-worker.js): the site's server is
 * closed after one visit that ran nothing, and the page reloads, opens a lesson it never loaded, and runs lessons in
 * the browser, SSE through MSW's worker included.
 */
import { expect, it } from 'vitest';
import { serveStatic } from '../support/static-server.js';
import { siteDist } from '../support/site-dist.js';
import { consoleLine, run, usePage } from './browser.js';

const { page } = usePage();

it('after one visit, the site reloads, opens another lesson and runs lessons in the browser with its server gone', async () => {
  const site = await serveStatic(siteDist);
  const p = page();
  let closed = false;
  try {
    await p.goto(`${site.url}#/lesson/sse`);
    await p.locator('code-panel .cm-content').first().waitFor();
    const list = (await (await fetch(`${site.url}offline-files.json`)).json()) as { files: string[] };
    const kept = () =>
      p.evaluate(async () => {
        let n = 0;
        for (const key of await caches.keys()) n += (await (await caches.open(key)).keys()).length;
        const frames = await navigator.serviceWorker.getRegistrations();
        return { n, workers: frames.filter((r) => r.active).length };
      });
    await expect.poll(kept, { timeout: 30_000 }).toEqual({ n: list.files.length, workers: 2 });
    await site.close();
    closed = true;
    await expect(fetch(site.url)).rejects.toThrow();

    await p.reload();
    await p.locator('code-panel .cm-content').first().waitFor();
    await run(p);
    await consoleLine(p, 'server', /sent event 2/).first().waitFor({ timeout: 20_000 });
    await consoleLine(p, 'client', /第 2 条消息/).first().waitFor();

    // A lesson whose code was never loaded while online.
    await p.goto(`${site.url}#/lesson/websocket`);
    await p.locator('code-panel .cm-content').first().waitFor();
    await run(p);
    await consoleLine(p, 'client', /\{ name: '张三', age: 20 \}/).first().waitFor({ timeout: 20_000 });
  } finally {
    if (!closed) await site.close();
  }
});
