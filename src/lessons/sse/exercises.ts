import type { Exercise } from '../../shared/lesson.js';
import { replaceOnce } from '../checks/edit.js';
import { clientEvents, consoleTexts, quoteSome, seconds, t } from '../checks/observe.js';
import client from './client.js?raw';
import server from './server.js?raw';

/**
 * The course assigns `source.error = …`, an ordinary property nothing ever calls. The lesson's server ends its
 * response after three events, so an error event does happen (the tap records it); the check wants the learner's
 * handler to have run, seen as a client console line right after that event. The next thing the starting client logs
 * is the reconnection's "连接建立", one `retry:` (1 s) later, so a short window tells the two apart.
 */
const fixOnerror: Exercise = {
  id: 'fix-onerror',
  title: { en: 'Make the error handler run', zh: '让错误处理函数真正执行' },
  task: {
    en: "Run the course's client and open the **Traffic** tab: after the third message there is an `error` event (the server ended the response and the browser is reconnecting), yet the client console says nothing. Fix the client so that its error handler runs and logs the `readyState`.",
    zh: '运行课程里的客户端，打开“网络流量”面板：第三条消息之后有一个 `error` 事件（服务器结束了响应，浏览器正在重连），客户端控制台却什么也没打印。请修改客户端，让错误处理函数真正执行，并打印 `readyState`。',
  },
  hints: {
    en: [
      '`source.error = …` only creates an ordinary property; `EventSource` never calls it.',
      'The event handler property is `onerror`; `source.addEventListener(\'error\', …)` works too.',
      'Inside the handler, `source.readyState` is 0 while the browser reconnects and 2 once it has given up.',
    ],
    zh: [
      '`source.error = …` 只是新建了一个普通属性，`EventSource` 从来不会调用它。',
      '事件处理属性叫 `onerror`；也可以用 `source.addEventListener(\'error\', …)`。',
      '在处理函数里，浏览器正在重连时 `source.readyState` 是 0，放弃重连后是 2。',
    ],
  },
  solution: {
    'client.js': `let source = new EventSource('/test');
source.onopen = function () {
  console.log('连接建立...', this.readyState);
};

source.onmessage = function (event) {
  console.log('数据是: ', event.data);
};

// onerror, not error: the browser calls the on<type> handler of the 'error' event.
source.onerror = function (err) {
  console.log('err, readyState', this.readyState);
};
`,
  },
  watchMs: 6_000,
  // Must reject: the starting source.error = … (nothing logged after the error event); onmessage's own line for the
  // last event, logged at the same moment. Must accept: onerror or addEventListener('error', …) logging anything
  // right after the error (the task asks for readyState; any line proves the handler ran).
  check(o) {
    const errors = clientEvents(o, 'sse').filter((e) => e.kind === 'error');
    if (errors.length === 0) {
      return {
        pass: false,
        saw: t('no error event yet', '还没有 error 事件'),
        expected: t('the stream to end after three events (the lesson’s server does), then your handler to log', '流在三条事件后结束（课程的服务器会这样做），然后你的处理函数打印日志'),
      };
    }
    const lines = consoleTexts(o, 'client');
    // The last message's line is logged a moment before the stream ends, often at the very same (coarsened) time as
    // the error: a line that holds the data of a message received just then is onmessage's, not the handler's.
    const messages = clientEvents(o, 'sse').filter((m) => m.kind === 'message' && m.body);
    const handled = errors.some((e) => {
      const recent = messages.filter((m) => m.time >= e.time - 50 && m.time <= e.time + 300).map((m) => m.body!);
      return lines.some((l) => l.time >= e.time && l.time <= e.time + 300 && !recent.some((data) => l.text.includes(data)));
    });
    if (handled) return { pass: true };
    return {
      pass: false,
      saw: t('{n} error event(s), the first at {at}, and no client console line right after', '{n} 个 error 事件（第一个在 {at}），之后客户端控制台没有立即打印任何内容', {
        n: errors.length,
        at: seconds(errors[0]!.time),
      }),
      expected: t('your error handler to log something (the readyState) when the error event fires', 'error 事件发生时，你的处理函数打印一行（包括 readyState）'),
    };
  },
};

const priceServer = replaceOnce(
  server,
  `    // "id:" names the event, "data:" carries it, and the blank line ("\\n\\n") ends it.
    res.write(\`id: \${n}\\ndata: 第 \${n} 条消息\\n\\n\`);
    console.log('sent event', n);`,
  `    const price = (100 + Math.random() * 10).toFixed(2);
    // "event:" gives the event a type: the browser dispatches it as 'price', never as 'message'.
    res.write(\`event: price\\nid: \${n}\\ndata: \${price}\\n\\n\`);
    console.log('sent price', n, price);`,
);

/**
 * A named event is dispatched with its own type, so only a listener for that type sees it: the client tap reports
 * it once the page listens (see src/frame/taps/event-source.ts). The check wants one with an id, as it arrived.
 */
const namedPrice: Exercise = {
  id: 'named-price',
  title: { en: "A named event 'price' with an id", zh: "带 id 的命名事件 'price'" },
  task: {
    en: "Make the server send its events as **named events** of type `price` (a price as the data, and an `id:`), and make the client receive them and log the price with its id.",
    zh: '让服务器把事件作为类型为 `price` 的**命名事件**发送（数据是一个价格，并带上 `id:`），再让客户端接收这些事件，打印价格和它的 id。',
  },
  hints: {
    en: [
      'On the wire: `event: price`, then `id: 4`, then `data: 101.25`, then a blank line.',
      '`onmessage` only sees events without an `event:` line (type `message`). Listen with `source.addEventListener(\'price\', …)`.',
      'In the listener, `e.data` is the price and `e.lastEventId` the id.',
    ],
    zh: [
      '线路上的格式：`event: price`，`id: 4`，`data: 101.25`，最后一个空行。',
      '`onmessage` 只能收到没有 `event:` 行的事件（类型为 `message`）。要用 `source.addEventListener(\'price\', …)` 监听。',
      '在监听函数里，`e.data` 是价格，`e.lastEventId` 是 id。',
    ],
  },
  solution: {
    'server.js': priceServer,
    'client.js': `let source = new EventSource('/test');
source.onopen = function () {
  console.log('连接建立...', this.readyState);
};

// A named event never reaches onmessage: listen for its type.
source.addEventListener('price', function (e) {
  console.log('price', e.data, 'id', e.lastEventId);
});

source.onerror = function () {
  console.log('err, readyState', this.readyState);
};
`,
  },
  watchMs: 5_000,
  // Must reject: the starting code; a 'price' event listened to with onmessage (never fires); an event without an id.
  // Must accept: addEventListener('price', …) on events with ids, however the server writes them.
  check(o) {
    const received = clientEvents(o, 'sse').filter((e) => e.kind === 'message');
    const prices = received.filter((e) => e.details.eventType === 'price');
    if (prices.some((e) => e.details.eventId)) return { pass: true };
    const expected = t("an event of type 'price' with an id, received by the client", "客户端收到一个类型为 'price' 且带 id 的事件");
    if (prices.length > 0) {
      return { pass: false, saw: t("{n} 'price' events, none with an id", "{n} 个 'price' 事件，都没有 id", { n: prices.length }), expected };
    }
    // The server shim's own record exists only in browser mode; it only sharpens the message.
    const sentPrice = o.traffic.some((e) => e.observer === 'server' && e.transport === 'sse' && e.details.eventType === 'price');
    if (sentPrice) {
      return {
        pass: false,
        saw: t("the server sent 'price' events, but the client does not listen for them", "服务器发送了 'price' 事件，但客户端没有监听它们"),
        expected,
      };
    }
    const types = [...new Set(received.map((e) => e.details.eventType ?? 'message'))];
    return {
      pass: false,
      saw: t('{n} events received, of types {types}', '收到 {n} 个事件，类型为{types}', { n: received.length, types: quoteSome(types) }),
      expected,
    };
  },
};

/**
 * On a reconnect the browser sends the last id it saw as `Last-Event-ID`; a server that ignores it starts again from
 * the first event, and the client gets each of them twice. The check wants a reconnection, events after it, and no id
 * received twice.
 */
const resume: Exercise = {
  id: 'resume-from-last-event-id',
  title: { en: 'Resume from Last-Event-ID', zh: '从 Last-Event-ID 继续' },
  task: {
    en: 'After the reconnect the client gets "第 1 条消息" again: the server starts over. Make the server continue after the last event the client received, so no event arrives twice.',
    zh: '重连之后客户端又收到了“第 1 条消息”：服务器从头开始发了。请修改服务器，让它从客户端收到的最后一条事件之后继续发送，不要重复。',
  },
  hints: {
    en: [
      'Look at the server console: on the reconnect it prints `Last-Event-ID: 3`. The browser sends the last `id:` it saw.',
      "Node lower-cases header names: `req.headers['last-event-id']`. It is a string, and absent on the first connection.",
      "Start the counter from it: `let n = Number(req.headers['last-event-id']) || 0;`",
    ],
    zh: [
      '看服务器控制台：重连时它打印了 `Last-Event-ID: 3`。浏览器会把它最后收到的 `id:` 发回来。',
      "Node 会把请求头名转成小写：`req.headers['last-event-id']`。它是字符串，第一次连接时没有这个头。",
      "让计数器从它开始：`let n = Number(req.headers['last-event-id']) || 0;`",
    ],
  },
  solution: {
    'server.js': replaceOnce(
      server,
      '  let n = 0;',
      "  // Resume after the last event the client saw (the header is absent on the first connection).\n  let n = Number(req.headers['last-event-id']) || 0;",
    ),
  },
  watchMs: 7_000,
  // Must reject: the starting server (starts over: ids twice); a server that renumbers but sends the same events again;
  // one that skips ahead (ids lost); one that stops after the reconnect. Must accept: the next id after Last-Event-ID,
  // from a counter or a stored list.
  check(o) {
    const events = clientEvents(o, 'sse');
    const opens = events.filter((e) => e.kind === 'open');
    const messages = events.filter((e) => e.kind === 'message');
    const seen = new Set<string>();
    const twice: string[] = [];
    for (const m of messages) {
      // An id seen before, or the same text under a new id (a server that renumbers but starts over).
      const keys = [`data ${m.body ?? m.preview}`, ...(m.details.eventId ? [`id ${m.details.eventId}`] : [])];
      if (keys.some((k) => seen.has(k))) twice.push(m.details.eventId ? `id ${m.details.eventId}` : m.preview);
      for (const k of keys) seen.add(k);
    }
    const expected = t('a reconnect, then the events after the last one received, none of them twice', '一次重连，之后从最后收到的事件往后继续，没有重复');
    if (twice.length > 0) {
      return { pass: false, saw: t('events received twice: {list}', '重复收到的事件：{list}', { list: quoteSome(twice) }), expected };
    }
    if (opens.length < 2) {
      return { pass: false, saw: t('{n} event(s) and no reconnect yet', '收到 {n} 个事件，还没有重连', { n: messages.length }), expected };
    }
    const after = messages.filter((m) => m.time > opens[1]!.time);
    if (after.length === 0) {
      return { pass: false, saw: t('a reconnect, and no event after it yet', '已经重连，但之后还没有收到事件'), expected };
    }
    if (after.some((m) => !m.details.eventId)) {
      return { pass: false, saw: t('events without an id after the reconnect', '重连后收到的事件没有 id'), expected };
    }
    // Resuming means the very next event: a server that skips ahead repeats nothing and still loses events.
    const before = messages.filter((m) => m.time <= opens[1]!.time && m.details.eventId);
    const lastBefore = Number(before[before.length - 1]?.details.eventId);
    const firstAfter = Number(after[0]!.details.eventId);
    if (Number.isInteger(lastBefore) && Number.isInteger(firstAfter) && firstAfter !== lastBefore + 1) {
      return {
        pass: false,
        saw: t('the last id before the reconnect was {a}, the first after it {b}: events {gap} were lost', '重连前最后一个 id 是 {a}，重连后第一个是 {b}：丢了 {gap}', {
          a: lastBefore,
          b: firstAfter,
          gap: firstAfter === lastBefore + 2 ? `${lastBefore + 1}` : firstAfter > lastBefore + 1 ? `${lastBefore + 1}–${firstAfter - 1}` : '?',
        }),
        expected,
      };
    }
    return { pass: true };
  },
};

const PROXIED_CLIENT = replaceOnce(client, "new EventSource('/test')", "new EventSource('/via-proxy/test')");

/**
 * Through the stand-in for nginx at the end of server.js, the three events of a response wait in its buffer and arrive
 * together when the response ends. The server's answer is `X-Accel-Buffering: no`; the check reads when the events
 * of a stream that went through the stand-in arrived: about a second apart, as the server writes them.
 */
const throughTheProxy: Exercise = {
  id: 'through-the-proxy',
  title: { en: 'Through a buffering proxy', zh: '经过一个会缓冲的代理' },
  task: {
    en: "Most servers sit behind a reverse proxy. The end of server.js is a stand-in for nginx, reached at `/via-proxy/test`. Point the client there (`new EventSource('/via-proxy/test')`) and run: 'open' comes at once, then nothing for three seconds, then all three events together as the response ends. Without changing the stand-in, make the events come through one a second again.",
    zh: "大多数服务器前面都有一个反向代理。server.js 的末尾是一个模拟 nginx 的代理，地址是 `/via-proxy/test`。把客户端指向它（`new EventSource('/via-proxy/test')`）再运行：'open' 立刻就来了，接着三秒钟什么都没有，然后三条事件在响应结束时一起到达。不改这个代理，让事件重新一秒一条地到达。",
  },
  hints: {
    en: [
      'Look at when the messages arrive in the **Traffic** tab: the server wrote them a second apart (its console says so); the proxy held them.',
      'nginx reads one header of the response to decide: `X-Accel-Buffering`. The stand-in reads it too.',
      "Set it before the first write: `res.setHeader('X-Accel-Buffering', 'no');` (after the head has gone, Node refuses to set a header).",
    ],
    zh: [
      '在“网络流量”面板里看消息是什么时候到的：服务器是每隔一秒写一条（服务器控制台里能看到），是代理把它们攒住了。',
      'nginx 看响应里的一个头部来决定要不要缓冲：`X-Accel-Buffering`。这个模拟的代理也看它。',
      "在第一次写之前设置：`res.setHeader('X-Accel-Buffering', 'no');`（响应头发出去以后，Node 不允许再设置头部）。",
    ],
  },
  solution: {
    'server.js': replaceOnce(
      server,
      "  res.setHeader('Cache-Control', 'no-cache');\n",
      "  res.setHeader('Cache-Control', 'no-cache');\n  // nginx (and the stand-in below) pass each event on at once instead of buffering the response.\n  res.setHeader('X-Accel-Buffering', 'no');\n",
    ),
    'client.js': PROXIED_CLIENT,
  },
  watchMs: 6_000,
  // Must reject: the starting client (it goes around the proxy); the proxied client with the server as it is, with
  // `X-Accel-Buffering: yes`, or with `res.flushHeaders()` (the head goes at once, the events still wait: together at
  // the end). Must accept: the header set with setHeader or in writeHead's object, any value that says "no".
  // A server that pads each event past 4 KiB also gets through: an old workaround that works, at 40 times the bytes.
  check(o) {
    const events = clientEvents(o, 'sse');
    const proxied = new Set(events.filter((e) => e.kind === 'open' && /\/via-proxy\//.test(String(e.details.url ?? ''))).map((e) => e.conn));
    const expected = t(
      'the client reading /via-proxy/test, and its events arriving about a second apart, as the server writes them',
      '客户端读取 /via-proxy/test，事件大约每秒到达一条，和服务器写出的节奏一样',
    );
    if (proxied.size === 0) {
      const urls = [...new Set(events.filter((e) => e.kind === 'open').map((e) => String(e.details.url ?? '')))];
      return {
        pass: false,
        saw: urls.length ? t('the client reads {urls}: around the proxy', '客户端读取的是{urls}：绕过了代理', { urls: quoteSome(urls) }) : t('no EventSource opened yet', '还没有打开 EventSource'),
        expected,
      };
    }
    // The first stream through the proxy (a reconnection is another stream, with its own timing).
    const first = [...proxied][0]!;
    const times = events.filter((e) => e.conn === first && e.kind === 'message').map((e) => e.time);
    if (times.length < 3) {
      return {
        pass: false,
        saw: t('{n} event(s) through the proxy so far', '经过代理到达了 {n} 个事件', { n: times.length }),
        expected,
      };
    }
    const gaps = times.slice(1, 3).map((time, i) => time - times[i]!);
    if (gaps.some((gap) => gap < 500)) {
      return {
        pass: false,
        saw: t('the first three events arrived {gaps} apart: held together', '前三个事件的到达间隔是 {gaps}：被攒在一起了', {
          gaps: gaps.map((g) => `${Math.round(g)} ms`).join(', '),
        }),
        expected,
      };
    }
    return { pass: true };
  },
};

export const exercises: Exercise[] = [fixOnerror, namedPrice, resume, throughTheProxy];
