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
      '了解 WebSocket 握手：带 `Upgrade: websocket` 的 HTTP 请求与 `101 Switching Protocols` 响应',
      '会用 `ws` 模块创建服务器，用浏览器的 `WebSocket` 收发数据，知道 readyState 0 到 3 的含义',
      '会正确关闭连接，看懂 1000、1001、1005、1006、1009 等关闭码',
      '会收发文本和二进制数据，知道为什么要有心跳',
    ],
    en: [
      'See the handshake: an HTTP request with `Upgrade: websocket` answered by `101 Switching Protocols`',
      'Serve with the `ws` package, talk to it with the browser `WebSocket`, and read readyState 0 to 3',
      'Close a connection properly, and read the close codes 1000, 1001, 1005, 1006 and 1009',
      'Send text and binary, and know why long-lived connections need heartbeats',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  recap: {
    zh: [
      '- WebSocket 从一次 HTTP 升级开始（`Upgrade: websocket` → `101`），之后同一个 TCP 连接上双方都能随时发送。',
      '- readyState：0 CONNECTING、1 OPEN、2 CLOSING、3 CLOSED。连接建立前 `send()` 会抛异常，关闭后 `send()` 会被悄悄丢弃。',
      '- `close(code, reason)`：页面只能用 1000 或 3000–4999（自己的应用用 4000–4999，3000–3999 在 IANA 登记给库和框架），原因最多 123 字节。1005、1006 只会被报告，不会被发送。',
      '- `onerror` 之后一定有 `close`；WebSocket 不会自动重连。',
      "- 二进制默认是 `Blob`，`binaryType = 'arraybuffer'` 后是 `ArrayBuffer`。",
      '- 服务器为一个连接启动的定时器，要在它的 `close` 回调里清除；长连接需要心跳（ping/pong 或应用层消息）。',
      '- https 页面只能用 `wss://`（本机的 `localhost`、`127.0.0.1` 除外）：用 `ws://`，构造函数会直接抛出 `SecurityError`。按 `location.protocol` 选协议，或者用相对 URL。',
    ].join('\n'),
    en: [
      '- WebSocket starts as one HTTP upgrade (`Upgrade: websocket` → `101`); after it either side may send at any time on the same TCP connection.',
      '- readyState: 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. `send()` before open throws; after close it is silently dropped.',
      '- `close(code, reason)`: a page may use 1000 or 3000–4999 (4000–4999 for an application’s own; 3000–3999 are registered for libraries), and a reason of at most 123 bytes. 1005 and 1006 are only reported, never sent.',
      '- `error` is always followed by `close`; a WebSocket never reconnects by itself.',
      "- Binary arrives as a `Blob` unless `binaryType = 'arraybuffer'`.",
      '- Whatever a server starts for a connection, its `close` handler stops; long-lived connections need heartbeats (ping/pong or app-level).',
      '- An https page may only use `wss://` (this machine, `localhost` or `127.0.0.1`, aside): with `ws://` the constructor throws `SecurityError`. Take the scheme from `location.protocol`, or use a relative URL.',
    ].join('\n'),
  },
};

export default lesson;
