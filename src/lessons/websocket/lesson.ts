import type { LessonContent } from '../../shared/lesson.js';
import client from './client.js?raw';
import proseEn from './prose.en.md?raw';
import proseZh from './prose.zh.md?raw';
import server from './server.js?raw';
import { exercises } from './exercises.js';

const lesson: LessonContent = {
  goals: {
    zh: ['了解 WebSocket 握手：Upgrade 请求与 101 响应', '会用 ws 模块创建服务器，用浏览器的 WebSocket 收发数据', '知道连接关闭后不能再发送数据'],
    en: ['See the handshake: an Upgrade request answered by 101', 'Serve with the ws package and talk to it with the browser WebSocket', 'Know that nothing can be sent after close'],
  },
  prose: { zh: proseZh, en: proseEn },
  files: [
    { name: 'server.js', language: 'javascript', code: server },
    { name: 'client.js', language: 'javascript', code: client },
  ],
  exercises,
  recap: {
    zh: '- WebSocket 从一次 HTTP 升级开始，之后双方都能随时发送。\n- `send` 要在 `onopen` 之后调用。\n- 服务器为连接启动的定时器，要在连接关闭时清除。',
    en: '- WebSocket starts as one HTTP upgrade; after it either side may send at any time.\n- Call `send` from `onopen` onwards.\n- Timers a server starts for a connection must be cleared when it closes.',
  },
};

export default lesson;
