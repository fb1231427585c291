/**
 * What a learner copies from the polling lessons must survive the first error. The clients run here as written (the
 * shipped solutions), with fetch, timers and console handed in, so a network error, a body that is not JSON or a 204
 * can be served on purpose and the next request looked for.
 */
import { describe, expect, it } from 'vitest';
import { replaceOnce } from '../../src/lessons/checks/edit.js';
import longPollingClient from '../../src/lessons/long-polling/client.js?raw';
import { exercises as longPolling } from '../../src/lessons/long-polling/exercises.js';
import shortPollingClient from '../../src/lessons/short-polling/client.js?raw';
import { exercises as shortPolling } from '../../src/lessons/short-polling/exercises.js';

/** 'hold': the server keeps the request open (a long poll with nothing to say), so the loop waits there. */
type Reply = 'network-error' | 'hold' | { status: number; body: string };

/** Runs browser code with a scripted fetch; timers run only when `advance()` is called. */
function harness(code: string, replies: (url: string, n: number) => Reply) {
  const requests: string[] = [];
  let timers: Array<{ at: number; fn: () => unknown; every?: number }> = [];
  let now = 0;
  const fetch = async (url: string) => {
    requests.push(url);
    const reply = replies(url, requests.length);
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    if (reply === 'hold') return new Promise<Response>(() => {});
    return new Response(reply.status === 204 ? null : reply.body, { status: reply.status, headers: { 'Content-Type': 'application/json' } });
  };
  const setTimeout = (fn: () => unknown, ms = 0) => timers.push({ at: now + ms, fn });
  const setInterval = (fn: () => unknown, ms: number) => timers.push({ at: now + ms, fn, every: ms });
  const quiet = { log() {}, warn() {}, error() {} };
  new Function('fetch', 'setTimeout', 'setInterval', 'console', 'Date', code)(fetch, setTimeout, setInterval, quiet, { now: () => now });
  const settle = () => new Promise((r) => globalThis.setTimeout(r, 5));
  return {
    requests,
    async advance(ms: number) {
      const end = now + ms;
      await settle();
      for (;;) {
        const next = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        now = next.at;
        timers = timers.filter((t) => t !== next);
        if (next.every) timers.push({ ...next, at: now + next.every });
        // A rejected async callback is an unhandled rejection in the page: reported, and nothing else happens.
        (next.fn() as unknown as Promise<unknown> | undefined)?.catch?.(() => {});
        await settle();
      }
      now = end;
    },
  };
}

const news = (...ids: number[]) => ({ status: 200, body: JSON.stringify(ids.map((id) => ({ id, t: 0, text: `#${id}` }))) });

describe('short polling: the next request is scheduled in finally', () => {
  const solution = shortPolling.find((e) => e.id === 'no-overlap')!.solution['client.js']!;
  const only1s = (code: string) => code.replace("poll('5s', 5000);\npoll('30s', 30000);\n", '');

  it('keeps polling after a network error and after a body that is not JSON', async () => {
    const run = harness(only1s(solution), (_u, n) => (n === 2 ? 'network-error' : n === 3 ? { status: 502, body: '<html>Bad Gateway' } : news(n)));
    await run.advance(5_500);
    expect(run.requests.length).toBeGreaterThanOrEqual(5);
  });

  it('(the old advice, setTimeout as the last line of tick, stops for good at the first error)', async () => {
    const lastLine = replaceOnce(
      replaceOnce(only1s(shortPollingClient), "      (items.length > fresh.length ? ` (+${items.length - fresh.length} seen before)` : ''));\n  }", "      (items.length > fresh.length ? ` (+${items.length - fresh.length} seen before)` : ''));\n    setTimeout(tick, every);\n  }"),
      '  tick();\n  setInterval(tick, every);\n',
      '  tick();\n',
    );
    const run = harness(lastLine, (_u, n) => (n === 2 ? 'network-error' : news(n)));
    await run.advance(5_500);
    expect(run.requests).toHaveLength(2);
  });
});

describe('long polling: a 204 is an empty answer, not a crash', () => {
  it('the lesson’s client asks again after a 204', async () => {
    const run = harness(longPollingClient, (_u, n) => (n === 1 ? { status: 204, body: '' } : n === 2 ? news(1) : 'hold'));
    await run.advance(100);
    expect(run.requests).toHaveLength(3);
  });

  it('the retry solution asks again after a 204 and, a second later, after a 504', async () => {
    const solution = longPolling.find((e) => e.id === 'retry')!.solution['client.js']!;
    const run = harness(solution, (_u, n) => (n === 1 ? { status: 204, body: '' } : n === 2 ? { status: 504, body: '504 Gateway Timeout' } : 'hold'));
    await run.advance(500);
    expect(run.requests).toHaveLength(2);
    await run.advance(1_000);
    expect(run.requests).toHaveLength(3);
  });
});
