/**
 * The course, in order. Titles and one-line summaries live here so the course list renders without loading any
 * lesson; each lesson's prose and code load when it is opened.
 */
import type { LessonMeta } from '../shared/lesson.js';

export const COURSE: readonly LessonMeta[] = [
  {
    id: 'push',
    number: 1,
    title: { zh: '什么是数据推送', en: 'What push means' },
    summary: {
      zh: '拉取与推送：同一条新闻流，用四种方式送到页面。',
      en: 'Pull against push: one news feed delivered four ways at once.',
    },
    load: () => import('./push/lesson.js'),
  },
  {
    id: 'short-polling',
    number: 2,
    title: { zh: '短轮询', en: 'Short polling' },
    summary: {
      zh: '循环发 ajax 请求获取数据，以及它为什么“不推荐”。',
      en: 'A fetch loop against the server, and what it really costs.',
    },
    load: () => import('./short-polling/lesson.js'),
  },
  {
    id: 'long-polling',
    number: 3,
    title: { zh: '长轮询', en: 'Long polling' },
    summary: {
      zh: '服务器挂起请求，直到有新数据或超时。',
      en: 'The server holds the request until there is news or a time-out.',
    },
    load: () => import('./long-polling/lesson.js'),
  },
  {
    id: 'sse',
    number: 4,
    title: { zh: 'Server-Sent Events', en: 'Server-Sent Events' },
    summary: {
      zh: '服务器通过 text/event-stream 主动推送数据。',
      en: 'The server pushes events down one text/event-stream response.',
    },
    load: () => import('./sse/lesson.js'),
  },
  {
    id: 'websocket',
    number: 5,
    title: { zh: 'WebSocket 协议', en: 'The WebSocket protocol' },
    summary: {
      zh: '单个 TCP 连接上的全双工通信。',
      en: 'Full-duplex messages over one TCP connection.',
    },
    load: () => import('./websocket/lesson.js'),
  },
  {
    id: 'socket-io',
    number: 6,
    title: { zh: 'Node.js 中使用 socket.io', en: 'socket.io in Node' },
    summary: {
      zh: '用 socket.io 模块实现长连接：事件、确认、广播、房间。',
      en: 'Events, acknowledgements, broadcasts and rooms on top of a long-lived connection.',
    },
    load: () => import('./socket-io/lesson.js'),
  },
  {
    id: 'fetch-stream',
    number: 7,
    title: { zh: '用 fetch 读取流式响应', en: 'Streaming a response with fetch' },
    summary: {
      zh: '大模型 API 的推送方式：POST 请求，边收边读 text/event-stream。',
      en: 'How LLM-style APIs push: a POST whose answer is read as it streams in.',
    },
    load: () => import('./fetch-stream/lesson.js'),
  },
  {
    id: 'staying-connected',
    number: 8,
    title: { zh: '保持连接', en: 'Staying connected' },
    summary: {
      zh: '网络会怎样对待长连接：半开连接与心跳、带随机抖动的退避重连。',
      en: 'What the network does to long-lived connections: half-open links and heartbeats, reconnecting with backoff and jitter.',
    },
    load: () => import('./staying-connected/lesson.js'),
  },
  {
    id: 'many-servers',
    number: 9,
    title: { zh: '不止一台服务器', en: 'More than one server' },
    summary: {
      zh: '负载均衡器后面的两个 socket.io 进程：粘性会话、跨进程广播、谁能连进来。',
      en: 'Two socket.io processes behind a load balancer: sticky sessions, broadcasts across them, who may connect.',
    },
    load: () => import('./many-servers/lesson.js'),
  },
  {
    id: 'chat',
    number: 10,
    title: { zh: '网页版聊天系统', en: 'A web chat' },
    summary: {
      zh: '把前面学到的组合起来：一个不丢消息的聊天室。',
      en: 'Everything together: a chat room that loses no message.',
    },
    load: () => import('./chat/lesson.js'),
  },
  {
    id: 'which-one',
    number: 11,
    title: { zh: '什么时候用哪一种', en: 'Which one, when' },
    summary: {
      zh: '从运行结果看每种方式的代价与限制，以及接下来是什么。',
      en: 'What each way costs and where it stops, from the runs; and what comes next.',
    },
    load: () => import('./which-one/lesson.js'),
  },
];

export function lessonById(id: string): LessonMeta | undefined {
  return COURSE.find((l) => l.id === id);
}

export function nextLesson(id: string): LessonMeta | undefined {
  const i = COURSE.findIndex((l) => l.id === id);
  return i >= 0 ? COURSE[i + 1] : undefined;
}
