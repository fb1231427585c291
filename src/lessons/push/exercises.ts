import type { Exercise } from '../../shared/lesson.js';
import { t } from '../checks/observe.js';
import { medianGap, pollReplies, wayFigures, WAYS, type Way } from '../checks/push.js';
import client from './client.js?raw';
import server from './server.js?raw';

const NAMES: Record<Way, { en: string; zh: string }> = {
  short: { en: 'short polling', zh: '短轮询' },
  long: { en: 'long polling', zh: '长轮询' },
  sse: { en: 'SSE', zh: 'SSE' },
  ws: { en: 'WebSocket', zh: 'WebSocket' },
};

/** A solution is the lesson's own file with one edit; a lesson change that moves the edited text must fail loudly. */
function edit(source: string, search: string, replacement: string): string {
  if (source.split(search).length !== 2) throw new Error(`push exercise: expected ${JSON.stringify(search)} once`);
  return source.replace(search, () => replacement);
}

/**
 * Short polling at 500 ms. Read from the short-poll requests the page made: their median spacing, and that the
 * faster poller still shows news (a fast loop against a wrong URL does not pass). The saw message carries the empty
 * replies, the cost this exercise is about.
 */
const pollFaster: Exercise = {
  id: 'poll-faster',
  title: { en: 'Poll every 500 ms and watch the cost grow', zh: '每 500 毫秒轮询一次，看代价怎么涨' },
  task: {
    en: 'Make short polling ask every 500 ms instead of every 2 s. Run, open **Compare**, and watch its requests and bytes climb four times as fast while most replies are `[]` (the client console counts the empty ones every 10 s). Its delay shrinks, but never below what SSE and WebSocket get for free.',
    zh: '把短轮询的间隔从 2 秒改成 500 毫秒。运行后打开“对比”面板：短轮询的请求数和字节数以四倍速度增长，而大部分响应都是 `[]`（客户端控制台每 10 秒统计一次空响应）。延迟确实变小了，但依然比不上 SSE 和 WebSocket 不花额外代价就能做到的延迟。',
  },
  hints: {
    en: ['The short-polling loop is the `setInterval` marked “1.” in client.js.', 'Its second argument is the interval in milliseconds: `2000` → `500`.'],
    zh: ['短轮询就是 client.js 里标着“1.”的那个 `setInterval`。', '它的第二个参数是以毫秒为单位的间隔：把 `2000` 改成 `500`。'],
  },
  solution: {
    'client.js': edit(client, "received('short', await res.json());\n}, 2000);", "received('short', await res.json());\n}, 500);"),
  },
  watchMs: 5_000,
  // Must reject: the starting code (2 s); a fast loop against a wrong URL (no news shown); 1 s polling. Must accept:
  // short polling at about 500 ms, whether by setInterval or a setTimeout chain.
  check(o) {
    const short = wayFigures(o).short;
    const gap = medianGap(short.requestTimes);
    const { replies, empty } = pollReplies(o, '/news/short');
    const saw = t(
      '{n} short-polling requests, one every {gap}; {empty} of {replies} replies were empty',
      '{n} 次短轮询请求，每 {gap} 一次；{replies} 次响应中有 {empty} 次是空的',
      { n: short.requests, gap: gap === undefined ? '—' : `${Math.round(gap)} ms`, empty, replies },
    );
    if (short.requests < 6 || gap === undefined || gap > 700) {
      return { pass: false, saw, expected: t('at least 6 requests, about 500 ms apart', '至少 6 次请求，间隔约 500 ms') };
    }
    if (short.items === 0) {
      return { pass: false, saw, expected: t('short polling to still show news items', '短轮询仍然能显示新闻') };
    }
    return { pass: true };
  },
};

/**
 * The server publishes every 500 ms. Read from the items' own publish times (`t`), whichever way brought them, and
 * every way must have shown some: the point is to compare their delays (in Compare, and in the client console).
 */
const publishFaster: Exercise = {
  id: 'publish-faster',
  title: { en: 'Publish every 500 ms and compare the delays', zh: '每 500 毫秒发布一条，比较延迟' },
  task: {
    en: 'Make the server publish a news item every 500 ms or so, instead of every 2 s. In **Compare**, the delay chart tells the four ways apart: SSE and WebSocket stay near zero, long polling pays about one round trip, and short polling, still asking every 2 s, shows items up to 2 s late and in batches.',
    zh: '让服务器大约每 500 毫秒发布一条新闻，而不是每 2 秒。在“对比”面板的延迟图里，四种方式一目了然：SSE 和 WebSocket 几乎为零，长轮询多付一个来回，而仍然每 2 秒问一次的短轮询，新闻最多晚到 2 秒，而且是一批一批到的。',
  },
  hints: {
    en: ['Publishing happens in `publishLater`, at the end of server.js: its `setTimeout` waits 1 to 3 s.', 'Make it wait 250 to 750 ms: `250 + Math.random() * 500` (a plain `500` passes too).'],
    zh: ['发布新闻的是 server.js 末尾的 `publishLater`：它的 `setTimeout` 每次等 1 到 3 秒。', '改成等 250 到 750 毫秒：`250 + Math.random() * 500`（直接写 `500` 也可以）。'],
  },
  solution: {
    'server.js': edit(server, '}, 1000 + Math.random() * 2000);', '}, 250 + Math.random() * 500);'),
  },
  watchMs: 6_000,
  // Must reject: the starting server (2 s); publishing faster while a way shows fewer than 2 items. Must accept:
  // ~500 ms publishing seen by every way, by a shorter interval or a burst scheduler.
  check(o) {
    const figures = wayFigures(o);
    const published = new Map<number, number>();
    for (const way of WAYS) for (const a of figures[way].arrivals) published.set(a.id, a.t);
    const gap = medianGap([...published.values()]);
    const counts = (lang: 'en' | 'zh') => WAYS.map((way) => `${NAMES[way][lang]} ${figures[way].items}`).join(', ');
    const every = gap === undefined ? '—' : `${Math.round(gap)} ms`;
    const saw = {
      en: `${published.size} items, published one every ${every}; shown: ${counts('en')}`,
      zh: `${published.size} 条新闻，每 ${every} 发布一条；各方式显示：${counts('zh')}`,
    };
    if (published.size < 6 || gap === undefined || gap > 700) {
      return { pass: false, saw, expected: t('at least 6 items published about 500 ms apart', '至少 6 条新闻，发布间隔约 500 ms') };
    }
    const silent = WAYS.filter((way) => figures[way].items < 2);
    if (silent.length > 0) {
      return { pass: false, saw, expected: t('every way to show at least 2 items, to compare them', '每种方式都至少显示 2 条，才能比较') };
    }
    return { pass: true };
  },
};

/**
 * One way off: it made no request at all during a run of at least 5 s, while the three others each showed news.
 * Any way passes; the solution drops short polling, the one that pays most for the least.
 */
const turnOneOff: Exercise = {
  id: 'turn-one-off',
  title: { en: 'Turn off the way you would drop first', zh: '关掉你最先会放弃的那种方式' },
  task: {
    en: 'Pick the way you would not use for a news ticker and remove it from client.js. Its row in **Compare** stays at 0 requests, and the three others go on unaffected: each way is an independent subscription to the same server.',
    zh: '选出你不会用来做新闻滚动条的那种方式，把它从 client.js 里删掉。它在“对比”面板里的那一行一直是 0 个请求，其余三种照常工作：每种方式都是对同一台服务器的独立订阅。',
  },
  hints: {
    en: ['Each way is one numbered block in client.js.', 'Short polling costs most per item: delete (or comment out) the `setInterval` marked “1.”.'],
    zh: ['client.js 里每种方式都是一个带编号的代码块。', '短轮询每条新闻的代价最高：删掉（或注释掉）标着“1.”的那个 `setInterval`。'],
  },
  solution: {
    'client.js': edit(
      client,
      "// 1. Short polling: ask every 2 s, whether or not there is news. The server answers at once, often with [].\nsetInterval(async () => {\n  const res = await fetch('/news/short?since=' + seen.short);\n  received('short', await res.json());\n}, 2000);\n",
      '// 1. Short polling: turned off. It paid full headers every 2 s, mostly for [], and showed news up to 2 s late.\n',
    ),
  },
  watchMs: 8_000,
  // Must reject: the starting code (four ways on); removing two ways; breaking a way instead of removing it (its
  // requests still go out); removing one and breaking another (fewer than 2 items). Must accept: exactly one way
  // with no request, the three others still delivering, however it was removed (deleted, commented out, an if).
  check(o) {
    const figures = wayFigures(o);
    const off = WAYS.filter((way) => figures[way].requests === 0);
    const list = (lang: 'en' | 'zh') => WAYS.map((way) => `${NAMES[way][lang]} ${figures[way].requests}/${figures[way].items}`).join(', ');
    const saw = {
      en: `requests/items per way: ${list('en')}`,
      zh: `各方式的请求数/新闻数：${list('zh')}`,
    };
    if (off.length !== 1) {
      return { pass: false, saw, expected: t('exactly one way with no request at all', '恰好有一种方式完全没有请求') };
    }
    const others = WAYS.filter((way) => way !== off[0]);
    if (others.some((way) => figures[way].items < 2) || o.elapsed < 5_000) {
      return { pass: false, saw, expected: t('the three others to show at least 2 items each, over 5 s', '其余三种方式在 5 秒内各显示至少 2 条新闻') };
    }
    return { pass: true };
  },
};

export const exercises: Exercise[] = [pollFaster, publishFaster, turnOneOff];
