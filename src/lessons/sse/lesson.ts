import type { LessonContent } from '../../shared/lesson.js';
import client from './client.js?raw';
import proseEn from './prose.en.md?raw';
import proseZh from './prose.zh.md?raw';
import server from './server.js?raw';

const lesson: LessonContent = {
  goals: {
    zh: ['学会用 text/event-stream 从服务器推送数据', '理解 data:、id: 与结束事件的空行', '用 onopen、onmessage、onerror 处理连接状态'],
    en: ['Push data from the server with text/event-stream', 'Read data:, id: and the blank line that ends an event', 'Handle onopen, onmessage and onerror'],
  },
  prose: { zh: proseZh, en: proseEn },
  files: [
    { name: 'server.js', language: 'javascript', code: server },
    { name: 'client.js', language: 'javascript', code: client },
  ],
  recap: {
    zh: '- SSE 是一个不结束的 HTTP 响应，事件之间用空行分隔。\n- 错误处理函数是 `onerror`，不是 `error`。\n- 客户端离开时，服务器要清除自己的定时器。',
    en: '- SSE is one HTTP response that does not end; a blank line separates events.\n- The error handler is `onerror`, not `error`.\n- When the client leaves, the server must clear its timers.',
  },
};

export default lesson;
