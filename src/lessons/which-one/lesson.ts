import type { LessonContent } from '../../shared/lesson.js';
import proseEn from './prose.en.md?raw';
import proseZh from './prose.zh.md?raw';

/**
 * The closing page: no code and no exercises, only what the course's runs showed. The lesson view shows a lesson
 * without files as text alone.
 */
const lesson: LessonContent = {
  goals: {
    zh: [
      '用运行出来的数字比较每种方式：请求数、每条消息的字节数、延迟',
      '说得出每种方式的代价和它到哪里为止',
      '按场景挑选：短轮询、长轮询、SSE、WebSocket、socket.io、fetch 流',
      '知道接下来是什么：WebTransport、Push API、HTTP/2',
    ],
    en: [
      'Compare every way by the figures its runs showed: requests, bytes per message, delay',
      'Say what each way costs, and where it stops',
      'Pick one for a need: short polling, long polling, SSE, WebSocket, socket.io, a fetch stream',
      'Know what comes next: WebTransport, the Push API, HTTP/2',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: [],
  recap: {
    zh: [
      '- 轮询的代价是请求和延迟，推送的代价是一直开着的连接。',
      '- 单向推送用 SSE；问一句、流回一段用 fetch 流；双向用 WebSocket（或 socket.io）。',
      '- 数字别照抄：在你自己的网络、代理和服务器上，用“对比”面板再量一次。',
    ].join('\n'),
    en: [
      '- Polling pays in requests and delay; push pays with a connection that stays open.',
      '- One way, server to page: SSE. A question answered as a stream: a fetch stream. Both ways: WebSocket (or socket.io).',
      '- Do not copy the figures: measure again on your own network, proxies and servers, with the Compare tab.',
    ].join('\n'),
  },
};

export default lesson;
