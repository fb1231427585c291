import type { LessonContent } from '../../shared/lesson.js';
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
      '会用 `Content-Type: text/event-stream` 让服务器主动推送数据',
      '读懂事件流的格式：`data:`、`id:`、`event:`、`retry:`、注释行，以及结束一条事件的空行',
      '用 `onopen`、`onmessage`、`onerror` 和 `readyState` 掌握连接状态，用 `addEventListener` 接收命名事件',
      '理解断线重连与 `Last-Event-ID`，知道怎样让浏览器停止重连',
    ],
    en: [
      'Push data from a server with `Content-Type: text/event-stream`',
      'Read the stream format: `data:`, `id:`, `event:`, `retry:`, comments, and the blank line that ends an event',
      'Follow a connection with `onopen`, `onmessage`, `onerror` and `readyState`; receive named events with `addEventListener`',
      'Understand reconnection and `Last-Event-ID`, and how to make the browser stop reconnecting',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  recap: {
    zh: [
      '- SSE 就是一个不结束的 HTTP 响应：`Content-Type: text/event-stream`，服务器往里写文本。',
      '- 每行是 `字段: 值`；空行结束一条事件（`\\n`、`\\r\\n`、`\\r` 都算换行）；`:` 开头的是注释，可以当心跳。',
      '- 错误处理函数是 `onerror`（或 `addEventListener(\'error\')`），`source.error = …` 永远不会被调用。',
      '- `readyState`：0 正在连接（或重连），1 已打开，2 已关闭。`close()` 之后不能再打开，只能新建一个 `EventSource`。',
      '- 带 `event: x` 的事件不会到 `onmessage`，要用 `addEventListener(\'x\')`。',
      '- 浏览器自动重连并带上 `Last-Event-ID`，但从哪里继续要由服务器决定；返回 204 可以让浏览器不再重连。',
      '- 放在 nginx 这类代理后面时，要加 `X-Accel-Buffering: no`，否则事件会在代理的缓冲区里攒着，一起到达。',
      '- HTTP/1.1 下同一主机最多 6 个连接（所有标签页共享），HTTP/2 没有这个问题。',
    ].join('\n'),
    en: [
      '- SSE is one HTTP response that does not end: `Content-Type: text/event-stream`, and the server writes text into it.',
      '- Each line is `field: value`; a blank line ends an event (LF, CRLF and CR all end a line); a line starting with `:` is a comment, handy as a heartbeat.',
      "- The error handler is `onerror` (or `addEventListener('error')`); `source.error = …` is never called.",
      '- `readyState`: 0 connecting (or reconnecting), 1 open, 2 closed. A closed `EventSource` never reopens: make a new one.',
      "- An event with `event: x` never reaches `onmessage`: use `addEventListener('x')`.",
      '- The browser reconnects by itself and sends `Last-Event-ID`; resuming from it is the server’s job. A 204 answer stops the reconnecting.',
      '- Behind a proxy such as nginx, send `X-Accel-Buffering: no`, or the events wait in its buffer and arrive together.',
      '- Over HTTP/1.1 a browser opens at most 6 connections per host, shared by all tabs; HTTP/2 lifts that.',
    ].join('\n'),
  },
};

export default lesson;
