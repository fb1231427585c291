import type { CheckResult, Exercise } from '../../shared/lesson.js';
import { replaceOnce } from '../checks/edit.js';
import { seconds, t } from '../checks/observe.js';
import { exportReads, heldFigures } from '../checks/backpressure.js';
import { attemptsByClient, byTry, heartbeatInterval, mean, pongs, restartTime, retriesAfter, waitLikeness, waitSpread, type Attempt } from '../checks/reconnect.js';
import client from './client.js?raw';
import server from './server.js?raw';

const NO_RESTART: CheckResult = {
  pass: false,
  saw: t('no “restarting” line from the server yet', '服务器还没有打印“restarting”'),
  expected: t('the server to restart at 8 s and say so, as the lesson’s server does', '服务器在 8 秒时重启并打印出来（课程的服务器就是这样）'),
};

/** Detection may take two intervals, plus what a loaded machine adds to a timer and a frame's trip. */
const DETECTION_SLACK_MS = 600;

/**
 * The server finds a dead peer: client 1's first connection stays open and answers no ping (a closed laptop lid), and
 * the server must end it within two heartbeat intervals of its last sign of life, without cutting a healthy one.
 *
 * Must reject: the starting server (the sleeper is cut only by the restart, 8 s in); a server that terminates every
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
        expected: t('client 1 to connect, at /client/1 as the lesson’s client does', '客户端 1 连上服务器，URL 的路径是 /client/1（课程的客户端就是这样）'),
      };
    }
    const restart = restartTime(o);
    const lastAlive = Math.max(sleeper.openedAt, ...pongs(sleeper).map((e) => e.time));
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
    const interval = heartbeatInterval(byClient, '1');
    if (interval === undefined) {
      return {
        pass: false,
        saw: t('no client has received two pings yet', '还没有客户端收到两次 ping'),
        expected: t("the server to send 'ping' to every client once a heartbeat interval", "服务器每个心跳周期给每个客户端发一次 'ping'"),
      };
    }
    const deadline = lastAlive + 2 * interval + DETECTION_SLACK_MS;
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

/**
 * Growth of the mean wait from the second try to the fourth that counts as doubling twice (×4 without noise; a wait
 * that grows by a constant step gives ×2). Over two tries rather than one, because a random wait (full jitter) makes
 * the mean of twenty clients' waits noisy from one try to the next; from the second try rather than the first,
 * because a busy page's late timers add to every measured wait, and weigh most on the shortest. (A wait runs from a
 * try's close to the next `new WebSocket()`: how long the browser then held the handshake is not in it.)
 */
const GROWTH = 2.2;

/**
 * Exponential backoff: after the restart, each try waits longer than the one before, about twice as long, until a
 * cap. Judged on the mean wait of all clients' k-th tries, so jitter (equal or full) does not hide the growth: the
 * mean wait must grow at least ×2.2 from the second try to the fourth, grow at each of those steps, and never fall
 * after (a cap is a plateau).
 *
 * Must reject: the starting fixed 500 ms; a fixed longer wait; waits that grow by a constant step (200, 400, 600 …).
 * Must accept: doubling from 100 or 200 ms, with or without jitter (equal or full), with a cap reached.
 */
const backOff: Exercise = {
  id: 'back-off',
  title: { en: 'Back off: wait twice as long after each failed try', zh: '退避：每失败一次，等待时间翻倍' },
  task: {
    en: 'Run, and look at the **Traffic** panel around 8 s: while the server is down, every client tries again every 500 ms. Make each client wait **200 ms** after a lost connection, then **twice as long** after each failed try, up to a cap of **5 s**, and start again from 200 ms once it is connected.',
    zh: '运行，然后看“网络流量”面板里第 8 秒前后：服务器停机期间，每个客户端每 500 毫秒重试一次。请修改客户端：连接断开后先等 **200 毫秒**，之后每失败一次，等待时间**翻倍**，最多 **5 秒**；连上以后再从 200 毫秒算起。',
  },
  hints: {
    en: ['`failures` already counts the tries since the last open: the wait is `BASE_MS * 2 ** failures`.', '`Math.min(CAP_MS, …)` keeps it under the cap.'],
    zh: ['`failures` 已经记下了上次连上之后的尝试次数：等待时间就是 `BASE_MS * 2 ** failures`。', '用 `Math.min(CAP_MS, …)` 让它不超过上限。'],
  },
  solution: { 'client.js': BACKOFF_CLIENT },
  watchMs: 15_000,
  check(o) {
    const restart = restartTime(o);
    if (restart === undefined) return NO_RESTART;
    const tries = byTry(retriesAfter(attemptsByClient(o), restart), 10);
    const means = tries.map((group) => mean(group.map((r) => r.wait)));
    const shown = means.map((m) => `${Math.round(m)}`).join(', ') || '—';
    const saw = { en: `mean wait before each try after the restart: ${shown} ms`, zh: `重启后每次重试前的平均等待：${shown} 毫秒` };
    const expected = t(
      'each wait about twice the one before: from the second try to the fourth at least ×{g}; later ones may stop growing at a cap, not fall',
      '每次等待约为上一次的两倍：从第二次重试到第四次，至少增长到 {g} 倍；之后可以停在上限，但不能变短',
      { g: GROWTH },
    );
    // The server is down for 4 s: room for four tries or more from 200 ms on.
    if (means.length < 4) return { pass: false, saw, expected };
    const [, second, third, fourth] = means as [number, number, number, number];
    const doubled = fourth >= GROWTH * second && third > second && fourth > third;
    const neverFalls = means.every((m, k) => k < 4 || m >= 0.8 * means[k - 1]!);
    return doubled && neverFalls ? { pass: true } : { pass: false, saw, expected };
  },
};

/** Below this, the clients of a round wait alike (see waitSpread): nobody draws a wait, or all draw one together. */
const SAME_WAIT = 0.2;
/** Above this, each client keeps its place among the waits from try to try: it drew its factor once, not per try. */
const SAME_ORDER = 0.75;

/**
 * Jitter: the twenty clients' tries after the restart must not keep coming in lockstep. Judged on the waits the
 * clients chose, round by round of tries: they must differ from client to client (see waitSpread), and anew at each
 * try (see waitLikeness). Not on when the tries reached the network, which real mode's one-handshake-at-a-time queue
 * decides as much as the code does.
 *
 * Must reject: the starting code; backoff without jitter; one Math.random() shared by every client; one random factor
 * per client, drawn once. Must accept: "equal" jitter (half the wait plus a random half), "full" jitter (a random wait
 * up to the backoff), however written, in either runtime, on a loaded machine.
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
  watchMs: 15_000,
  check(o) {
    const restart = restartTime(o);
    if (restart === undefined) return NO_RESTART;
    const rounds = byTry(retriesAfter(attemptsByClient(o), restart), 10).slice(0, 4);
    const expected = t(
      'in each round of tries after the restart, waits that differ from client to client (spread above {spread} on average), drawn anew at each try (rank correlation of two rounds’ waits below {max} on average)',
      '重启后每一轮重试中，各个客户端的等待时间各不相同（分散程度平均高于 {spread}），而且每次重试重新抽取（相邻两轮等待时间的秩相关系数平均低于 {max}）',
      { spread: SAME_WAIT, max: SAME_ORDER },
    );
    if (rounds.length < 3) {
      return {
        pass: false,
        saw: t('{n} rounds of tries by at least ten clients after the restart', '重启后至少十个客户端一起重试了 {n} 轮', { n: rounds.length }),
        expected,
      };
    }
    const spreads = rounds.map(waitSpread);
    if (mean(spreads) < SAME_WAIT) {
      const shown = spreads.map((s) => s.toFixed(2)).join(', ');
      return {
        pass: false,
        saw: { en: `the clients waited nearly as long as one another before each try (spread ${shown})`, zh: `每次重试前，各个客户端的等待时间几乎一样（分散程度 ${shown}）` },
        expected,
      };
    }
    const likeness = rounds.slice(1).map((round, i) => waitLikeness(rounds[i]!, round) ?? 1);
    if (mean(likeness) > SAME_ORDER) {
      const shown = likeness.map((r) => r.toFixed(2)).join(', ');
      return {
        pass: false,
        saw: {
          en: `each client kept its place among the waits from try to try: its random factor was drawn once, not at each try (rank correlation ${shown})`,
          zh: `每个客户端的等待时间在各轮里排位不变：随机系数只抽了一次，而不是每次重试都重新抽（秩相关系数 ${shown}）`,
        },
        expected,
      };
    }
    return { pass: true };
  },
};

const EXPORT_LOOP = `  for (let n = 1; n <= RECORDS; n++) send(record(n));
  res.end();
`;
/** The starting server's export, written another way (tests and variants replace it). */
export const stayingServerExport = (code: string) => replaceOnce(server, EXPORT_LOOP, code);

/** The whole export as the lesson's record() makes it: 300 lines of 1,017 bytes plus the digits of n. */
export const EXPORT_BYTES = 305_892;
/**
 * What a server that waits for 'drain' holds at most: its high-water mark (64 KiB from Node 22 on and in browser
 * mode, 16 KiB in Node 20) and the line that went past it, with room for a few lines more.
 */
export const HELD_LIMIT = 72 * 1024;
/** The smallest record of the export (`{"n":1,"data":"x…"}` and its line feed): a write holds at least that a moment. */
const RECORD_BYTES = 1_000;

/**
 * Backpressure: the server must stop writing when `res.write()` returns false and go on at 'drain', so that its
 * response never holds much more than one high-water mark, however slowly the client reads, and the whole export
 * still arrives.
 *
 * Must reject: the starting server (all 300 records written at once: about 300 KB held); one that listens for 'drain'
 * but does not stop its loop; one that paces itself with setTimeout, 100 records every 100 ms, whatever write() says
 * (100 KB held at each batch). Must accept: writing until false and going on in a 'drain' listener; an async loop
 * that awaits a promise of the next 'drain'. A server that holds little because it sent little fails on the bytes
 * the page read. The figure is the server's own (send() measures it): a server whose writes skip send() says it held
 * nothing, less than the one record every write holds for a moment, and is told so rather than passed.
 */
const waitForDrain: Exercise = {
  id: 'wait-for-drain',
  title: { en: 'Backpressure: write only as fast as the client reads', zh: '背压：客户端读多快，服务器就写多快' },
  task: {
    en: `The server writes the whole export at once, and the client reads it at 100 KB a second: the rest waits in the server's memory, as its console says when the export is over. Make the server stop writing when \`res.write()\` returns \`false\`, and go on when the response emits \`'drain'\`, so that **at most ${HELD_LIMIT / 1024} KB** ever waits in memory, and the client still gets all 300 records.`,
    zh: `服务器一口气写出整份导出数据，客户端却每秒只读 100 KB：还没读走的部分全都堆在服务器内存里，导出结束时，服务器控制台会打印出最多积压了多少。请修改服务器：\`res.write()\` 返回 \`false\` 时停止写入，等响应触发 \`'drain'\` 事件后再继续。这样内存里积压的数据**最多 ${HELD_LIMIT / 1024} KB**，客户端仍然收到全部 300 条记录。`,
  },
  hints: {
    en: [
      'Keep the number of the next record outside the loop, and put the loop in a function that returns as soon as `send()` returns `false`.',
      "`res.once('drain', writeMore)` calls it again when the network has taken what was buffered; call `res.end()` once the last record is written.",
    ],
    zh: [
      '把下一条记录的编号放到循环外面，再把循环放进一个函数：`send()` 一返回 `false` 就 return。',
      "`res.once('drain', writeMore)` 会在网络取走缓冲区里的数据后再次调用它；最后一条记录写完后再调用 `res.end()`。",
    ],
  },
  solution: {
    'server.js': stayingServerExport(`  // Writes until the response's buffer is full, then waits for the network to take it before writing more.
  let n = 1;
  function writeMore() {
    while (n <= RECORDS) {
      if (!send(record(n++))) return res.once('drain', writeMore);
    }
    res.end();
  }
  writeMore();
`),
  },
  watchMs: 8_000,
  check(o) {
    const held = heldFigures(o);
    const expected = t(
      'the server to hold at most {limit} bytes ({kb} KB) in memory, and the client to read the whole export ({bytes} bytes)',
      '服务器内存里积压的数据最多 {limit} 字节（{kb} KB），客户端读完整个导出（{bytes} 字节）',
      { limit: HELD_LIMIT, kb: HELD_LIMIT / 1024, bytes: EXPORT_BYTES },
    );
    if (held.length === 0) {
      return {
        pass: false,
        saw: t('no “export: at most … bytes waited in memory” line from the server yet (it comes when the response closes)', '服务器还没有打印“export: at most … bytes waited in memory”（响应关闭时才会打印）'),
        expected,
      };
    }
    const most = Math.max(...held);
    if (most < RECORD_BYTES) {
      return {
        pass: false,
        saw: t(
          'the server says it held at most {most} bytes: less than one record, so its writes did not go through send(), which measures it',
          '服务器说它最多积压了 {most} 字节：还不到一条记录，说明它写数据时没有经过负责统计的 send()',
          { most },
        ),
        expected,
      };
    }
    if (most > HELD_LIMIT) {
      return { pass: false, saw: t('the server held up to {most} bytes in memory', '服务器内存里最多积压了 {most} 字节', { most }), expected };
    }
    const read = Math.max(0, ...exportReads(o));
    if (read < EXPORT_BYTES) {
      return { pass: false, saw: t('the client read {read} bytes of the export', '客户端只读到导出的 {read} 字节', { read }), expected };
    }
    return { pass: true };
  },
};

export const exercises: Exercise[] = [findTheSleeper, backOff, jitter, waitForDrain];
