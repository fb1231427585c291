import type { LessonContent } from '../../shared/lesson.js';
import { pushPollKind } from '../checks/push.js';
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
      '理解数据推送含义：拉取（客户端问）与推送（服务器有了就发）的区别',
      '认识同一条新闻流的四种送达方式：短轮询、长轮询、SSE、WebSocket',
      '能从请求数、线路上的字节数（含头部）、空响应和发布到显示的延迟，比较它们的代价',
      '知道什么场景该选哪一种',
    ],
    en: [
      'Understand what push means: pull (the client asks) against push (the server sends when it has something)',
      'Meet the four ways one news feed can reach a page: short polling, long polling, SSE and WebSocket',
      'Compare what each costs: requests, bytes on the wire (headers included), empty replies, and the delay from publish to display',
      'Know which to pick, and when',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  pollKind: pushPollKind,
  recap: {
    zh: [
      '- HTTP 本身只会“拉”：服务器只能回答请求。轮询是反复地拉，长轮询是让一次拉等到有数据为止，SSE 和 WebSocket 才是真正的推。',
      '- 短轮询：每次请求都付完整的头部，没数据时也一样；延迟最多一个间隔。简单，但浪费。',
      '- 长轮询：没有空跑，延迟约一个来回；但每条新闻仍要一整次请求，服务器要为每个等待的客户端挂着一个连接，还必须带游标。',
      '- SSE：一次请求，之后每条新闻只多几十字节；只能服务器→客户端、只能文本，自带重连和 Last-Event-ID。',
      '- WebSocket：一次握手，之后每帧只有 2 到 14 字节的帧头；双向、可传二进制，但重连要自己写。',
    ].join('\n'),
    en: [
      '- HTTP on its own only pulls: a server can only answer. Polling pulls again and again, long polling makes one pull wait until there is news; SSE and WebSocket really push.',
      '- Short polling pays full headers on every request, news or not; the delay is up to one interval. Simple, and wasteful.',
      '- Long polling has no idle answers and a delay of about one round trip, but each item still costs a whole request, the server holds a connection for every waiting client, and a cursor is a must.',
      '- SSE: one request, then each item costs only its few lines; server to client only, text only, with reconnection and Last-Event-ID built in.',
      '- WebSocket: one handshake, then each frame carries a 2 to 14 byte header; both ways, binary allowed, but reconnecting is yours to write.',
    ].join('\n'),
  },
};

export default lesson;
