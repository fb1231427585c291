import type { LessonContent } from '../../shared/lesson.js';
import client from './client.js?raw';
import page from './index.html?raw';
import proseEn from './prose.en.md?raw';
import proseZh from './prose.zh.md?raw';
import server from './server.js?raw';
import { exercises } from './exercises.js';

const lesson: LessonContent = {
  goals: {
    zh: ['用 socket.io 搭建一个多人聊天室', '把消息广播给所有客户端', '始终把消息当作文本显示'],
    en: ['Build a chat room for several people on socket.io', 'Broadcast each message to every client', 'Always show messages as text'],
  },
  prose: { zh: proseZh, en: proseEn },
  clients: 3,
  files: [
    { name: 'server.js', language: 'javascript', code: server },
    { name: 'client.js', language: 'javascript', code: client },
    { name: 'index.html', language: 'html', code: page },
  ],
  exercises,
  recap: {
    zh: '- `io.emit` 发给所有人，`socket.broadcast.emit` 发给除发送者外的所有人。\n- 消息用 `textContent` 显示。',
    en: '- `io.emit` reaches everyone; `socket.broadcast.emit` everyone but the sender.\n- Show messages with `textContent`.',
  },
};

export default lesson;
