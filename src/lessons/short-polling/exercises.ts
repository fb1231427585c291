import type { Exercise } from '../../shared/lesson.js';
import { replaceOnce } from '../checks/edit.js';
import { t } from '../checks/observe.js';
import { exchanges, idRanges, itemIds, pollerOf, type Exchange } from '../checks/polling.js';
import client from './client.js?raw';

function byPoller(all: Exchange[]): Map<string, Exchange[]> {
  const groups = new Map<string, Exchange[]>();
  for (const x of all) {
    const key = pollerOf(x.url);
    groups.set(key, [...(groups.get(key) ?? []), x]);
  }
  return groups;
}

/**
 * The client with each poller's next request scheduled once the previous answer is in, in a `finally`: a network
 * error or a body that is not JSON must not stop the poller for good.
 */
const oneAtATime = replaceOnce(
  client,
  '  tick();\n  setInterval(tick, every);\n',
  `  // The next request only once this one is over, however it ended: a slow server is not asked again while it is
  // busy, and a failed request (network error, a body that is not JSON) does not stop the poller.
  async function next() {
    try {
      await tick();
    } catch (err) {
      console.warn(\`[\${name}] failed: \${err.message}\`);
    } finally {
      setTimeout(next, every);
    }
  }
  next();
`,
);

/**
 * setInterval fires whether or not the last answer came: when the server slows down (its database is busy at 2–4 s
 * of every 10 s) requests pile up, each one more load on a server that is already slow. The check rebuilds, per
 * poller, which requests were in flight at the same time.
 */
const noOverlap: Exercise = {
  id: 'no-overlap',
  title: { en: 'Wait for the answer before asking again', zh: '等上一个响应回来再发下一个请求' },
  task: {
    en: 'Between 2 s and 4 s the server is slow (2.5 s an answer), and `setInterval` keeps sending: the Traffic tab shows the 1 s poller with several requests open at once. Schedule the next request only after the previous one is over (a `setTimeout` in a `finally`, so an error does not stop the poller). Passes when, through a slow spell, no poller has two requests open at once.',
    zh: '在 2 到 4 秒之间服务器很慢（每个响应要 2.5 秒），而 `setInterval` 照样不停地发：在“网络流量”面板里可以看到 1 秒的轮询器同时挂着好几个请求。请在上一个请求结束之后再安排下一个请求（在 `finally` 里用 `setTimeout`，出错也不会让轮询停下）。经过一次慢速期，任何轮询器都没有同时挂着两个请求，即为通过。',
  },
  hints: {
    en: ['`setInterval(tick, every)` does not wait for `tick`’s `await`s.', 'Wrap it: `async function next() { try { await tick(); } finally { setTimeout(next, every); } }`, and start with a single `next()`. In `finally`, not after `await tick()`: a failed request would skip that line and stop the poller.'],
    zh: ['`setInterval(tick, every)` 不会等待 `tick` 里的 `await`。', '包一层：`async function next() { try { await tick(); } finally { setTimeout(next, every); } }`，开始时只调用一次 `next()`。要写在 `finally` 里，而不是 `await tick()` 后面：请求一出错，那一行就执行不到，轮询就停了。'],
  },
  solution: { 'client.js': oneAtATime },
  watchMs: 7_000,
  // Must reject: the starting setInterval (overlapping requests in the slow spell); a run too short to cross the slow
  // spell. Must accept: a setTimeout chain in finally, an async while loop with await sleep, any one-at-a-time poller.
  check(o) {
    const all = exchanges(o, '/news');
    for (const [poller, list] of byPoller(all)) {
      for (const x of list) {
        // Requests of this poller still waiting for their answer when x went out (x included).
        const open = list.filter((y) => y.requestTime <= x.requestTime && (y.responseTime ?? y.failedTime ?? Infinity) > x.requestTime);
        if (open.length > 1) {
          return {
            pass: false,
            saw: t('{poller} had {n} requests open at once at {at} s', '{poller} 在 {at} 秒时同时挂着 {n} 个请求', {
              poller,
              n: open.length,
              at: (x.requestTime / 1000).toFixed(1),
            }),
            expected: t('one request at a time per poller', '每个轮询器同一时间只有一个请求'),
          };
        }
      }
    }
    const slow = all.some((x) => x.responseTime !== undefined && x.responseTime - x.requestTime > 1_500);
    if (!slow || o.elapsed < 5_000) {
      return {
        pass: false,
        saw: t('no overlap so far; waiting for the slow spell to pass', '目前没有重叠；正在等慢速期过去'),
        expected: t('one request at a time per poller, through a slow spell', '经过慢速期，每个轮询器同一时间只有一个请求'),
      };
    }
    return { pass: true };
  },
};

/**
 * Without a cursor the server sends its latest five items every time, so the fast poller gets the same items again
 * and again (and the slow one misses what scrolled out of those five). The check counts, per poller, the ids that
 * came in more than one response body: dropping repeats in the client after they arrived does not pass, since their
 * bytes were already paid for.
 */
const sinceCursor: Exercise = {
  id: 'since-cursor',
  title: { en: 'Add a since cursor so no item arrives twice', zh: '加上 since 游标，让每条新闻只来一次' },
  task: {
    en: 'Each answer repeats items the poller already has. Send the id of the newest item each poller has seen as `?since=<id>` (the server already understands it). Do exercise 1 first: two requests open at once carry the same cursor, and both get the same item. Passes when, over at least 5 answers and a slow spell of the server, no poller receives an item twice.',
    zh: '每次响应都重复了轮询器已经拿到的新闻。请把每个轮询器见过的最新 id 作为 `?since=<id>` 发送（服务器已经支持这个参数）。先完成练习 1：同时挂着的两个请求带着同一个游标，会拿到同一条新闻。经过至少 5 次响应和一次服务器慢速期，没有任何轮询器重复收到同一条新闻，即为通过。',
  },
  hints: {
    en: ['`newest` in `poll` already holds the newest id this poller has seen.', 'Ask for `/news?poller=${name}&since=${newest}`.'],
    zh: ['`poll` 里的 `newest` 已经保存了这个轮询器见过的最新 id。', '请求 `/news?poller=${name}&since=${newest}`。'],
  },
  // Built on exercise 1: while two requests of one poller are open, both carry the same cursor and both get the item.
  solution: { 'client.js': oneAtATime.replace('fetch(`/news?poller=${name}`)', 'fetch(`/news?poller=${name}&since=${newest}`)') },
  watchMs: 7_000,
  // Must reject: the starting client (repeats); since=Date.now() (nothing arrives); a cursor that skips (newest + 1);
  // repeats from overlapping requests. Must accept: since=newest or any cursor that brings each item once per poller.
  check(o) {
    const answered = exchanges(o, '/news').filter((x) => itemIds(x.body) !== undefined);
    for (const [poller, list] of byPoller(answered)) {
      const count = new Map<number, number>();
      for (const x of list) for (const id of itemIds(x.body)!) count.set(id, (count.get(id) ?? 0) + 1);
      const repeated = [...count].filter(([, n]) => n > 1).map(([id]) => id);
      if (repeated.length > 0) {
        const most = Math.max(...count.values());
        const saw = t('{poller} received {ids} more than once (up to {most} times)', '{poller} 重复收到了 {ids}（最多 {most} 次）', {
          poller,
          ids: idRanges(repeated),
          most,
        });
        // Were the answers that repeated an item to requests open at the same time? Then the cursor could not help.
        const carrying = list.filter((x) => itemIds(x.body)!.includes(repeated[0]!));
        const overlapped = carrying.some((a, i) => carrying.slice(i + 1).some((b) => b.requestTime < (a.responseTime ?? Infinity)));
        if (overlapped) {
          saw.en += ', in answers to requests that were open at the same time (see exercise 1)';
          saw.zh += '，而且是同时挂着的两个请求各自拿到的（见练习 1）';
        }
        return { pass: false, saw, expected: t('each item in one answer only', '每条新闻只出现在一次响应里') };
      }
    }
    // A cursor must still bring every new item: one ahead of every id (`since=${Date.now()}`) repeats nothing because
    // nothing arrives, and one that skips (`since=newest + 1`) repeats nothing because items go missing.
    const missed: number[] = [];
    for (const [, list] of byPoller(answered)) {
      const ids = [...new Set(list.flatMap((x) => itemIds(x.body)!))].sort((a, b) => a - b);
      for (let id = ids[0] ?? 0; ids.length && id <= ids[ids.length - 1]!; id++) if (!ids.includes(id)) missed.push(id);
    }
    if (missed.length > 0) {
      return {
        pass: false,
        saw: t('no repeats, but {ids} never arrived: the cursor skips items', '没有重复，但 {ids} 一直没有收到：游标跳过了新闻', { ids: idRanges(missed) }),
        expected: t('every item once: since = the newest id the poller has', '每条新闻都收到且只收到一次：since 取轮询器已有的最新 id'),
      };
    }
    const laterItems = [...byPoller(answered).values()].some((list) => list.slice(1).some((x) => itemIds(x.body)!.length > 0));
    if (answered.length >= 5 && o.elapsed >= 5_000 && !laterItems) {
      return {
        pass: false,
        saw: t('{n} answers and no repeats, but no poller received a new item after its first answer', '{n} 次响应，没有重复，但没有任何轮询器在第一次响应之后收到过新新闻', { n: answered.length }),
        expected: t('new items to keep arriving: a cursor ahead of every id (such as Date.now()) gets nothing', '新的新闻继续到达：超前于所有 id 的游标（比如 Date.now()）什么也拿不到'),
      };
    }
    // Watched through the first slow spell (2–4.5 s): that is when overlapping requests would repeat an item.
    if (answered.length < 5 || o.elapsed < 5_000 || !laterItems) {
      return {
        pass: false,
        saw: t('{n} answers so far, no repeats', '目前 {n} 次响应，没有重复', { n: answered.length }),
        expected: t('at least 5 answers, through a slow spell of the server, without a repeat', '至少 5 次响应，并经过一次服务器慢速期，都没有重复'),
      };
    }
    return { pass: true };
  },
};

export const exercises: Exercise[] = [noOverlap, sinceCursor];
