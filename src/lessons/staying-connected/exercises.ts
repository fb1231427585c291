import type { CheckResult, Exercise } from '../../shared/lesson.js';
import { replaceOnce } from '../checks/edit.js';
import { seconds, t } from '../checks/observe.js';
import { attemptsByClient, byTry, heartbeatInterval, mean, pongs, restartTime, retriesAfter, spread, type Attempt } from '../checks/reconnect.js';
import client from './client.js?raw';
import server from './server.js?raw';

const NO_RESTART: CheckResult = {
  pass: false,
  saw: t('no “restarting” line from the server yet', '服务器还没有打印 “restarting”'),
  expected: t('the server to restart at 4 s and say so, as the lesson’s server does', '服务器在 4 秒时重启并打印出来（课程的服务器就是这样）'),
};

/** Detection may take two intervals, plus what a loaded machine adds to a timer and a frame's trip. */
const DETECTION_SLACK_MS = 600;

/**
 * The server finds a dead peer: client 1's first connection stays open and answers no ping (a closed laptop lid), and
 * the server must end it within two heartbeat intervals of its last sign of life, without cutting a healthy one.
 *
 * Must reject: the starting server (the sleeper is cut only by the restart, 4 s in); a server that terminates every
 * connection at its first tick (healthy ones cut too); a watchdog that waits five intervals. Must accept: a flag set
 * by each pong and checked at the next tick, or the time of the last pong compared with the clock, with
 * terminate() or close().
 */
const findTheSleeper: Exercise = {
  id: 'find-the-sleeper',
  title: { en: 'Find the sleeping client within two heartbeats', zh: '两个心跳周期内发现“睡着”的客户端' },
  task: {
    en: 'Client 1 answers no ping on its first connection, yet the server keeps it until the restart. Make the server end a connection that has not answered its last ping by the time of the next one, so a dead peer is found within **two heartbeat intervals**, and leave the clients that answer alone.',
    zh: '客户端 1 的第一个连接不再回应任何 ping，服务器却一直留着它，直到重启才断开。请修改服务器：到下一次发 ping 时，如果上一次 ping 还没收到回应，就结束这个连接。这样对端死掉后**两个心跳周期内**就能被发现；正常回应的客户端不受影响。',
  },
  hints: {
    en: [
      'Keep a flag per connection, `let alive = true`: the `pong` handler sets it, each tick of the heartbeat checks it and clears it before sending the next ping.',
      'A peer that does not answer will not answer a closing handshake either: `ws.terminate()` ends the connection at once.',
    ],
    zh: [
      '为每个连接保存一个标志 `let alive = true`：收到 `pong` 时置为 true，心跳定时器每次触发时先检查它，再把它清掉，然后发下一个 ping。',
      '不回应 ping 的对端，也不会回应关闭握手：`ws.terminate()` 会立即结束连接。',
    ],
  },
  solution: {
    'server.js': replaceOnce(
      replaceOnce(
        server,
        `    const heartbeat = setInterval(() => {
      ws.send('ping');
    }, HEARTBEAT_MS);`,
        `    // Whether the client answered the last ping: a connection that did not by the next tick is dead.
    let alive = true;
    const heartbeat = setInterval(() => {
      if (!alive) {
        console.log('client ' + client + ': no pong, terminating');
        return ws.terminate();
      }
      alive = false;
      ws.send('ping');
    }, HEARTBEAT_MS);`,
      ),
      '        // The client is alive.\n',
      '        alive = true;\n',
    ),
  },
  watchMs: 7_000,
  check(o) {
    const byClient = attemptsByClient(o);
    const sleeper = byClient.get('1')?.[0];
    if (!sleeper?.openedAt) {
      return {
        pass: false,
        saw: t('client 1 has not connected yet', '客户端 1 还没有连上'),
        expected: t('client 1 to connect, with ?client=1 in its URL as the lesson’s client does', '客户端 1 连上服务器，URL 里带 ?client=1（课程的客户端就是这样）'),
      };
    }
    const restart = restartTime(o);
    const lastAlive = Math.max(sleeper.openedAt, ...pongs(sleeper).map((e) => e.time));
    const interval = heartbeatInterval(byClient, '1');
    if (interval === undefined) {
      return {
        pass: false,
        saw: t('no client has received two pings yet', '还没有客户端收到两次 ping'),
        expected: t("the server to send 'ping' to every client once a heartbeat interval", "服务器每个心跳周期给每个客户端发一次 'ping'"),
      };
    }
    const deadline = lastAlive + 2 * interval + DETECTION_SLACK_MS;
    // Healthy first connections cut before the restart: a watchdog that does not tell the living from the dead.
    const cutHealthy = [...byClient.entries()]
      .filter(([c]) => c !== '1')
      .map(([, list]) => list[0])
      .filter((a): a is Attempt => a?.closedAt !== undefined && a.closedAt < (restart ?? Infinity) - 100 && pongs(a).length > 0);
    if (cutHealthy.length > 0) {
      return {
        pass: false,
        saw: t('{n} clients that answered every ping were cut before the restart, the first at {at}', '有 {n} 个每次都回应了 ping 的客户端在重启前被断开，第一个在 {at}', {
          n: cutHealthy.length,
          at: seconds(Math.min(...cutHealthy.map((a) => a.closedAt!))),
        }),
        expected: t('only the connection that stopped answering to be ended', '只结束不再回应的那个连接'),
      };
    }
    const expected = t('client 1’s first connection to end by {at} (two intervals of {i} ms after its last answer)', '客户端 1 的第一个连接在 {at} 之前被结束（它最后一次回应后的两个心跳周期，每个 {i} 毫秒）', {
      at: seconds(deadline),
      i: Math.round(interval),
    });
    if (sleeper.closedAt === undefined) {
      if (o.elapsed < deadline) return { pass: false, saw: t('client 1 is still connected, watching…', '客户端 1 仍然连着，观察中…'), expected };
      return { pass: false, saw: t('client 1’s first connection is still open at {at}', '到 {at} 客户端 1 的第一个连接仍然开着', { at: seconds(o.elapsed) }), expected };
    }
    if (sleeper.closedAt > deadline) {
      const cause = restart !== undefined && sleeper.closedAt >= restart - 50 ? t(', by the restart', '，是被重启断开的') : t('', '');
      return {
        pass: false,
        saw: {
          en: `client 1’s first connection ended at ${seconds(sleeper.closedAt)}, ${seconds(sleeper.closedAt - lastAlive)} after its last answer${cause.en}`,
          zh: `客户端 1 的第一个连接在 ${seconds(sleeper.closedAt)} 结束，距它最后一次回应 ${seconds(sleeper.closedAt - lastAlive)}${cause.zh}`,
        },
        expected,
      };
    }
    return { pass: true };
  },
};

const BACKOFF_CLIENT = replaceOnce(
  replaceOnce(
    client,
    `// How long a client waits before it tries again, after its connection closed or failed to open.
const RETRY_MS = 500;`,
    `// How long a client waits before it tries again: 200 ms after a lost connection, twice as long after each failed
// try, never more than 5 s, so a server that is down is not asked twenty times a second by every client.
const BASE_MS = 200;
const CAP_MS = 5000;`,
  ),
  `    setTimeout(() => connect(n, failures + 1), RETRY_MS);`,
  `    const wait = Math.min(CAP_MS, BASE_MS * 2 ** failures);
    setTimeout(() => connect(n, failures + 1), wait);`,
);

/** Growth of the mean wait from one try to the next that counts as doubling, whatever the jitter. */
const GROWTH = 1.5;

/**
 * Exponential backoff: after the restart, each try waits longer than the one before, about twice as long, until a
 * cap. Judged on the mean wait of all clients' k-th tries, so jitter (equal or full) does not hide the growth.
 *
 * Must reject: the starting fixed 500 ms; a fixed longer wait; waits that grow by a constant step (200, 400, 600 …).
 * Must accept: doubling from any start, with or without jitter, with a cap reached (a plateau after two doublings).
 */
const backOff: Exercise = {
  id: 'back-off',
  title: { en: 'Back off: wait twice as long after each failed try', zh: '退避：每失败一次，等待时间翻倍' },
  task: {
    en: 'Run, and look at the **Traffic** panel around 4 s: while the server is down, every client tries again every 500 ms. Make each client wait **200 ms** after a lost connection, then **twice as long** after each failed try, up to a cap of **5 s**, and start again from 200 ms once it is connected.',
    zh: '运行，然后看“网络流量”面板里 4 秒前后：服务器停机期间，每个客户端每 500 毫秒重试一次。请修改客户端：连接断开后先等 **200 毫秒**，之后每失败一次，等待时间**翻倍**，最多 **5 秒**；连上以后再从 200 毫秒算起。',
  },
  hints: {
    en: ['`failures` already counts the tries since the last open: the wait is `BASE_MS * 2 ** failures`.', '`Math.min(CAP_MS, …)` keeps it under the cap.'],
    zh: ['`failures` 已经记下了上次连上之后的尝试次数：等待时间就是 `BASE_MS * 2 ** failures`。', '用 `Math.min(CAP_MS, …)` 让它不超过上限。'],
  },
  solution: { 'client.js': BACKOFF_CLIENT },
  watchMs: 12_000,
  check(o) {
    const restart = restartTime(o);
    if (restart === undefined) return NO_RESTART;
    const tries = byTry(retriesAfter(attemptsByClient(o), restart), 10);
    const means = tries.map((group) => mean(group.map((r) => r.wait)));
    const shown = means.map((m) => `${Math.round(m)}`).join(', ') || '—';
    const saw = { en: `mean wait before each try after the restart: ${shown} ms`, zh: `重启后每次重试前的平均等待：${shown} 毫秒` };
    const expected = t('each wait about twice the one before (at least ×{g}), at least two doublings, then at most a flat cap', '每次等待约为上一次的两倍（至少 ×{g}），至少翻倍两次，之后最多停在一个上限', { g: GROWTH });
    let doublings = 0;
    for (let k = 1; k < means.length; k++) {
      const ratio = means[k]! / means[k - 1]!;
      if (ratio >= GROWTH && doublings === k - 1) doublings++;
      else if (!(doublings >= 2 && ratio >= 0.8 && ratio <= 1.25)) return { pass: false, saw, expected };
    }
    if (doublings >= 2) return { pass: true };
    // Not enough tries yet: the server is down for 4 s, which leaves room for at least three.
    return { pass: false, saw, expected };
  },
};

/**
 * Jitter: the twenty clients' k-th tries after the restart must not all come in the same instant. Judged on the
 * spread of their start times against the mean wait of that try: without jitter the tries start together (only the
 * runtime's own delays spread them), with it they spread over a good part of the wait.
 *
 * Must reject: the starting code; backoff without jitter; one Math.random() shared by every client. Must accept:
 * "equal" jitter (half the wait plus a random half), "full" jitter (a random wait up to the backoff), however written.
 */
const jitter: Exercise = {
  id: 'jitter',
  title: { en: 'Add jitter, so twenty clients do not come back at once', zh: '加入随机抖动，别让二十个客户端同时回来' },
  task: {
    en: 'With backoff alone every client still tries at the same instants: look at the sequence diagram in the **Traffic** panel after the restart and see the tries line up. Multiply each wait by a random factor, between 0.5 and 1 for example, **per client and per try**, so the tries spread out.',
    zh: '只有退避的话，所有客户端仍然会在同一时刻重试：看重启之后“网络流量”面板里的时序图，可以看到重试排成一条线。请把每次等待乘上一个随机系数（比如 0.5 到 1 之间），**每个客户端、每次重试各自随机**，让重试分散开。',
  },
  hints: {
    en: ['`wait * (0.5 + Math.random() / 2)` keeps at least half the backoff and spreads the rest.', 'Call `Math.random()` where the wait is computed, not once at the top of the file.'],
    zh: ['`wait * (0.5 + Math.random() / 2)` 至少保留一半的退避时间，其余部分随机分散。', '在计算等待时间的地方调用 `Math.random()`，不要在文件开头只调用一次。'],
  },
  solution: {
    'client.js': replaceOnce(
      BACKOFF_CLIENT,
      `    setTimeout(() => connect(n, failures + 1), wait);`,
      `    // Jitter: each client, each try, waits a random part of it, so clients that lost the server together spread out.
    setTimeout(() => connect(n, failures + 1), wait * (0.5 + Math.random() / 2));`,
    ),
  },
  watchMs: 12_000,
  check(o) {
    const restart = restartTime(o);
    if (restart === undefined) return NO_RESTART;
    const tries = byTry(retriesAfter(attemptsByClient(o), restart), 10).slice(0, 3);
    const expected = t('the clients’ tries after the restart spread over at least a quarter of their wait, on the second and third try', '重启后第二、第三次重试的开始时间至少分散在等待时间的四分之一以上');
    if (tries.length < 3) {
      return {
        pass: false,
        saw: t('{n} rounds of tries by at least ten clients after the restart', '重启后至少十个客户端一起重试了 {n} 轮', { n: tries.length }),
        expected,
      };
    }
    const figures = tries.map((group) => ({ spread: spread(group.map((r) => r.start)), wait: mean(group.map((r) => r.wait)) }));
    const shown = figures.map((f) => `${Math.round(f.spread)}/${Math.round(f.wait)}`).join(', ');
    const together = figures.slice(1).some((f) => f.spread < 0.25 * f.wait);
    if (together) {
      return {
        pass: false,
        saw: { en: `spread of the tries / mean wait, try by try: ${shown} ms`, zh: `每轮重试的开始时间分散程度 / 平均等待：${shown} 毫秒` },
        expected,
      };
    }
    return { pass: true };
  },
};

export const exercises: Exercise[] = [findTheSleeper, backOff, jitter];
