import type { Exercise } from '../../shared/lesson.js';
import { t } from '../checks/observe.js';
import { exchanges, idRanges, itemIds } from '../checks/polling.js';
import client from './client.js?raw';
import server from './server.js?raw';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/**
 * The server publishes each story and its follow-up back to back. A client without a cursor is between two requests
 * when the follow-up comes, and never gets it: the ids it receives have holes. The check reads the ids in the
 * response bodies, so a cursor passes whatever the learner calls their variable.
 */
const cursor: Exercise = {
  id: 'cursor',
  title: { en: 'Close the gap with a cursor', zh: '用游标补上两次请求之间的空档' },
  task: {
    en: 'Every second item goes missing: it is published while the client is asking again. Send the id of the newest item you have as `?since=<id>` so the server can answer with everything after it. Passes when at least 4 items arrived and none is missing or repeated.',
    zh: '每隔一条新闻就丢一条：它发布时，客户端正在重新发起请求。请把已收到的最新一条的 id 作为 `?since=<id>` 发给服务器，让它返回这之后的全部新闻。收到至少 4 条、没有缺漏也没有重复，即为通过。',
  },
  hints: {
    en: ['The client already keeps `lastId`.', "Ask for `'/news?since=' + lastId`; the server answers at once if it has anything newer."],
    zh: ['客户端已经记录了 `lastId`。', "请求 `'/news?since=' + lastId`；服务器如果有更新的数据会立刻返回。"],
  },
  solution: { 'client.js': client.replace("fetch('/news')", "fetch('/news?since=' + lastId)") },
  watchMs: 6_000,
  // Must reject: the starting client (holes in the ids); a cursor sent once and then forgotten (holes); repeats from a
  // cursor behind. Must accept: since=lastId, or any cursor that brings every id once, whatever the variable is called.
  check(o) {
    const ids = exchanges(o, '/news').flatMap((x) => itemIds(x.body) ?? []);
    if (ids.length === 0) {
      return { pass: false, saw: t('no items received yet', '还没有收到任何新闻'), expected: t('at least 4 items, none missing', '至少 4 条，没有缺漏') };
    }
    const distinct = [...new Set(ids)].sort((a, b) => a - b);
    const first = distinct[0]!;
    const last = distinct[distinct.length - 1]!;
    const missing: number[] = [];
    for (let id = first; id <= last; id++) if (!distinct.includes(id)) missing.push(id);
    if (missing.length > 0) {
      return {
        pass: false,
        saw: t('received {got}; {missing} never arrived', '收到了 {got}；{missing} 一直没有收到', { got: idRanges(ids), missing: idRanges(missing) }),
        expected: t('every id from the first to the last', '从第一条到最后一条，每个 id 都收到'),
      };
    }
    if (ids.length > distinct.length) {
      return {
        pass: false,
        saw: t('{n} items arrived more than once', '有 {n} 条收到了不止一次', { n: ids.length - distinct.length }),
        expected: t('each item once', '每条只收到一次'),
      };
    }
    if (distinct.length < 4) {
      return { pass: false, saw: t('{got} so far', '目前收到 {got}', { got: idRanges(ids) }), expected: t('at least 4 items, none missing', '至少 4 条，没有缺漏') };
    }
    return { pass: true };
  },
};

/**
 * The proxy in front of the demo cuts the held request with a 504. The starting client calls res.json() on the text
 * "504 Gateway Timeout", throws, and never asks again. The check wants the polling to go on after a failure, but
 * not at once: a client that retries in a tight loop hammers a server that is already in trouble.
 */
const retry: Exercise = {
  id: 'retry',
  title: { en: 'Keep polling after an error, after a pause', zh: '出错后稍等片刻，继续轮询' },
  task: {
    en: 'At about 6 s the proxy answers **504 Gateway Timeout**, `res.json()` throws and the loop stops for good. Make the client treat a status that is not `ok` (and a network error) as a failure, wait about a second, and poll again.',
    zh: '大约 6 秒时，代理返回 **504 Gateway Timeout**，`res.json()` 抛出异常，轮询从此停止。请让客户端把非 `ok` 的状态（以及网络错误）当作失败处理，等待约 1 秒后重新轮询。',
  },
  hints: {
    en: ['`res.ok` is false for 4xx and 5xx statuses.', 'Wrap the body of `poll` in `try … catch`, and in the catch `await new Promise((r) => setTimeout(r, 1000))` before calling `poll()` again.'],
    zh: ['状态码为 4xx、5xx 时 `res.ok` 为 false。', '用 `try … catch` 包住 `poll` 的内容，在 catch 里先 `await new Promise((r) => setTimeout(r, 1000))`，再调用 `poll()`。'],
  },
  solution: {
    'client.js': `// Long polling: ask, wait as long as the server holds the request, show what came, ask again at once.
let lastId = 0; // the newest item shown so far

async function poll() {
  const asked = Date.now();
  try {
    const res = await fetch('/news');
    // A proxy's 502/504 is not JSON: treat any status that is not ok as a failure.
    if (!res.ok) throw new Error('HTTP ' + res.status);
    // 204 No Content has no body: res.json() would throw on it.
    const items = res.status === 204 ? [] : await res.json();
    const held = ((Date.now() - asked) / 1000).toFixed(1);
    if (items.length === 0) console.log(\`held \${held} s: nothing new\`);
    for (const item of items) {
      if (lastId && item.id > lastId + 1) {
        console.warn(\`missed #\${lastId + 1}\${item.id > lastId + 2 ? '–#' + (item.id - 1) : ''}: published while we were asking again\`);
      }
      lastId = Math.max(lastId, item.id);
      console.log(\`held \${held} s → #\${item.id} \${item.text} (\${Date.now() - item.t} ms after it was published)\`);
    }
  } catch (error) {
    console.warn('poll failed:', error.message, '— trying again in 1 s');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  poll();
}

poll();
`,
  },
  watchMs: 8_000,
  // Must reject: the starting client (polling stops at the 504); retrying at once in a tight loop (< 0.3 s). Must accept: a
  // pause of 0.3 s or more then a new request, with try/catch, .catch() or a status check.
  check(o) {
    const all = exchanges(o, '/news');
    const failed = all.find((x) => (x.status !== undefined && x.status >= 500) || (x.failedTime !== undefined && x.status === undefined));
    if (!failed) {
      return {
        pass: false,
        saw: t('no failed request yet (the proxy cuts a held request at about 6 s)', '还没有失败的请求（代理大约在 6 秒时切断挂起的请求）'),
        expected: t('a new request about 1 s after a failed one', '失败后约 1 秒发出新的请求'),
      };
    }
    const failedAt = failed.responseTime ?? failed.failedTime!;
    const what = failed.status !== undefined ? String(failed.status) : t('network error', '网络错误').en;
    const next = all.find((x) => x.requestTime > failedAt);
    if (!next) {
      const quiet = o.elapsed - failedAt;
      return {
        pass: false,
        saw:
          quiet > 3_000
            ? t('the {what} at {at} s was the last request: polling stopped', '{at} 秒时的 {what} 之后再没有请求：轮询停止了', { what, at: seconds(failedAt) })
            : t('a {what} at {at} s; waiting for the next request…', '{at} 秒时收到 {what}；正在等待下一个请求…', { what, at: seconds(failedAt) }),
        expected: t('a new request about 1 s after the failure', '失败后约 1 秒发出新的请求'),
      };
    }
    const pause = next.requestTime - failedAt;
    if (pause < 300) {
      return {
        pass: false,
        saw: t('asked again {ms} ms after the {what}', '{what} 之后 {ms} 毫秒就再次请求', { ms: Math.round(pause), what }),
        expected: t('a pause of 0.3 s or more before retrying (1 s is a good start)', '重试前至少等待 0.3 秒（1 秒是不错的起点）'),
      };
    }
    return { pass: true };
  },
};

/**
 * The shipped server holds a quiet request for 6 s (a minute, in real time) while the proxy gives up after 3 s (its
 * 30 s): the learner sees 504s and never the server's own "nothing new". The check wants an empty answer that was
 * held a while, from the server, and no gateway errors.
 */
const holdUnderLimit: Exercise = {
  id: 'hold-under-proxy-limit',
  title: { en: 'Answer before the proxy gives up', zh: '赶在代理放弃之前响应' },
  task: {
    en: 'The proxy in front of the server cuts any request quiet for 3 s (it stands for the ~30 s real proxies allow), but the server holds for `HOLD_MS` = 6 s. Make the server answer “nothing new” (an empty list, or **204 No Content**) before the proxy does. Passes when an empty answer held 1.5 s or more arrives and no 502/503/504 does.',
    zh: '服务器前面的代理会切断 3 秒没有动静的请求（代表真实代理常见的约 30 秒上限），而服务器要挂起 `HOLD_MS` = 6 秒。请让服务器赶在代理之前回答“没有新数据”（空列表，或 **204 No Content**）。收到一个挂起 1.5 秒以上的空响应、且没有 502/503/504，即为通过。',
  },
  hints: {
    en: ['Only one constant needs to change.', 'A real server holds about 25 s behind a 30 s proxy; in demo time that is `HOLD_MS = 2500`.'],
    zh: ['只需要改一个常量。', '真实服务器在 30 秒的代理后面一般挂起约 25 秒；换算成演示时间就是 `HOLD_MS = 2500`。'],
  },
  solution: { 'server.js': server.replace('const HOLD_MS = 6000;', 'const HOLD_MS = 2500;') },
  watchMs: 8_000,
  // Must reject: the starting server (504s); HOLD_MS near 0 (short polling: no empty answer held 1.5 s); a raised or
  // removed proxy stand-in (empty answers held over 3 s). Must accept: an empty list or a 204 held 1.5–3 s.
  check(o) {
    const all = exchanges(o, '/news');
    const gateway = all.find((x) => x.status === 502 || x.status === 503 || x.status === 504);
    if (gateway) {
      return {
        pass: false,
        saw: t('a {status} after the request had waited {held} s: the proxy gave up first', '请求等待 {held} 秒后收到 {status}：代理先放弃了', {
          status: gateway.status!,
          held: seconds(gateway.responseTime! - gateway.requestTime),
        }),
        expected: t('the server to answer “nothing new” within 3 s', '服务器在 3 秒内回答“没有新数据”'),
      };
    }
    const empty = all.filter(
      (x) => x.responseTime !== undefined && (x.status === 204 || (x.status === 200 && itemIds(x.body)?.length === 0)),
    );
    // Held longer than the proxy allows, and yet no 504: the proxy stand-in was changed (or removed), not the server.
    const tooLong = empty.find((x) => x.responseTime! - x.requestTime > 3_200);
    if (tooLong) {
      return {
        pass: false,
        saw: t('an empty answer after {held} s, longer than the 3 s the proxy allows: the proxy was changed, not the server', '挂起 {held} 秒后才返回空响应，超过了代理允许的 3 秒：改的是代理，不是服务器', {
          held: seconds(tooLong.responseTime! - tooLong.requestTime),
        }),
        expected: t('the server to answer “nothing new” within 3 s, with the proxy as it is', '代理保持不变，服务器在 3 秒内回答“没有新数据”'),
      };
    }
    // Still waiting past the proxy's limit, and no 504 came: the same thing, seen before the answer arrives.
    const stillHeld = all.find((x) => x.responseTime === undefined && x.failedTime === undefined && o.elapsed - x.requestTime > 3_500);
    if (stillHeld) {
      return {
        pass: false,
        saw: t('a request open for {held} s with no 504: longer than the 3 s the proxy allows, so the proxy was changed, not the server', '一个请求已经挂了 {held} 秒，却没有 504：超过了代理允许的 3 秒，改的是代理，不是服务器', {
          held: seconds(o.elapsed - stillHeld.requestTime),
        }),
        expected: t('the server to answer “nothing new” within 3 s, with the proxy as it is', '代理保持不变，服务器在 3 秒内回答“没有新数据”'),
      };
    }
    const timedOut = empty.find((x) => x.responseTime! - x.requestTime >= 1_500);
    if (!timedOut) {
      return {
        pass: false,
        saw: t('no empty answer from the server yet', '还没有收到服务器的空响应'),
        expected: t('an empty list or a 204 after a quiet hold of 1.5 s or more', '挂起 1.5 秒以上后返回空列表或 204'),
      };
    }
    return { pass: true };
  },
};

export const exercises: Exercise[] = [cursor, retry, holdUnderLimit];
