import type { LessonContent } from '../../shared/lesson.js';
import { replaceOnce } from '../checks/edit.js';
import { lessonFiles } from '../lesson-files.js';
import commentsZh from './code-comments.zh.js';
import client from './client.js?raw';
import { exercises } from './exercises.js';
import proseEn from './prose.en.md?raw';
import proseZh from './prose.zh.md?raw';
import server from './server.js?raw';

const lesson: LessonContent = {
  goals: {
    zh: [
      '看到负载均衡器轮流分发请求时，长轮询为什么会得到 `Session ID unknown`，并用粘性会话或只用 WebSocket 解决，知道各自的代价',
      '看到广播只送到本机的客户端，用服务器之间共享的消息总线解决，知道 Redis 适配器和 cluster 适配器在做什么、有什么不同',
      '用握手时的 `auth` 和 `io.use` 中间件决定谁能连接，看懂被拒绝时的 `connect_error`，知道浏览器的 WebSocket 为什么不能带 `Authorization` 头，以及为什么要检查 `Origin`',
    ],
    en: [
      'See why long polling behind a round-robin load balancer gets `Session ID unknown`, fix it with sticky sessions or WebSocket only, and know what each costs',
      "See a broadcast reach only one server's clients, fix it with a bus shared by the servers, and know what the Redis and cluster adapters do and where they differ",
      'Decide who may connect with the handshake\'s `auth` and an `io.use` middleware, read a refused client\'s `connect_error`, and know why a browser WebSocket cannot send an `Authorization` header and why the server should check `Origin`',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  parity: {
    files: { 'client.js': replaceOnce(client, 'reconnection: false });', "reconnection: false, transports: ['websocket'] });") },
    why: "As shipped, where the round robin sends each long-polling request, and how packets share the poll responses, depend on how the requests interleave: timing, in either runtime. The prose's first way out, WebSocket only, gives each connection one route through the same proxy to the same servers.",
  },
  recap: {
    zh: [
      '- 长轮询的一个会话由很多个 HTTP 请求组成，它们必须到达同一个进程：负载均衡器要按 `sid`、cookie 或客户端地址做粘性会话；或者客户端只用 WebSocket（`transports: [\'websocket\']`），代价是没有了 HTTP 兜底。',
      '- `io.emit` 只送到本进程的客户端。多个进程之间要靠适配器（Redis、Redis Streams、cluster）转发。Redis 发布订阅会丢掉断线期间的内容，Redis Streams 不会；连接状态恢复只有 Redis Streams 适配器支持（这三个里）。投递到客户端都是“至多一次”。',
      '- 谁能连接：客户端在 `auth` 里带令牌，服务器在 `io.use` 里检查，`next(new Error(…))` 让客户端收到 `connect_error`，而且不会自动重连。',
      '- 浏览器的 `WebSocket` 不能设置 `Authorization` 头：用握手数据、cookie 或连上后的第一条消息传令牌；用 cookie 时一定要检查 `Origin`，防止跨站 WebSocket 劫持。',
    ].join('\n'),
    en: [
      "- A long-polling session is many HTTP requests, and they must all reach one process: sticky sessions in the load balancer (by `sid`, a cookie or the client's address), or WebSocket only (`transports: ['websocket']`), which gives up the HTTP fallback.",
      "- `io.emit` reaches this process's clients only. Between processes an adapter relays it (Redis, Redis Streams, cluster). Redis pub/sub loses what passes while a server's link is down, Redis Streams does not; of the three, only the Redis Streams adapter supports connection state recovery. Delivery to clients is at most once with all of them.",
      '- Who may connect: the client sends a token in `auth`, the server checks it in `io.use`, and `next(new Error(…))` gives the client `connect_error`, with no automatic reconnection.',
      '- A browser `WebSocket` cannot set an `Authorization` header: send the token in the handshake data, a cookie, or a first message; with a cookie, check `Origin` against cross-site WebSocket hijacking.',
    ].join('\n'),
  },
};

export default lesson;
