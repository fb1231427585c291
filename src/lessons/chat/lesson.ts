import type { LessonContent } from '../../shared/lesson.js';
import { lessonFiles } from '../lesson-files.js';
import commentsZh from './code-comments.zh.js';
import client from './client.js?raw';
import page from './index.html?raw';
import proseEn from './prose.en.md?raw';
import proseZh from './prose.zh.md?raw';
import server from './server.js?raw';
import { exercises } from './exercises.js';

const lesson: LessonContent = {
  goals: {
    zh: [
      '用 socket.io 一步步搭出聊天室：发送、广播、昵称、加入/离开通知、在线名单、“正在输入”、房间、私聊、历史消息',
      '始终把消息当作文本显示，并在服务器上限制长度',
      '用客户端消息 id + 确认重试、服务器 offset + 重连补发，做到消息不丢也不重复',
    ],
    en: [
      'Build a chat on socket.io step by step: sending, broadcasting, nicknames, join and leave notices, who is online, "is typing", rooms, private messages, history',
      'Always show messages as text, and limit their length on the server',
      'Lose no message and repeat none: client message ids with acks and retries, server offsets replayed after a reconnection',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  clients: 3,
  files: lessonFiles({ server, client, html: page }, commentsZh),
  exercises,
  recap: {
    zh: [
      '- 发送者等消息从服务器回来再显示（`io.to(room).emit`），所以只显示一次，顺序和别人一致。',
      '- 消息用 `textContent` 显示；长度在服务器上按字符（`[...text].length`）检查。',
      '- `socket.data` 存昵称和房间，`fetchSockets()` 读出来；`socket.to(room)` 发给除自己以外的人。',
      '- 在线名单每次发完整的；“正在输入”要有超时，因为窗口可能永远不发 `false`。',
      '- 私聊按客户端 id 投递（每个客户端一个房间），不按昵称，也不按会变的 `socket.id`。',
      '- 不丢不重：消息 id + 确认重试（服务器按 id 只存一份）、offset + `auth.serverOffset` 重连补发、页面按 offset 去重。',
    ].join('\n'),
    en: [
      '- The sender shows its message when it comes back from the server (`io.to(room).emit`): once, in everyone\'s order.',
      '- Show messages with `textContent`; check the length on the server, in characters (`[...text].length`).',
      '- Keep the nickname and room in `socket.data`, read them with `fetchSockets()`; `socket.to(room)` is everyone but you.',
      '- Send the whole online list each time; "is typing" needs a time-out, since a window may never send `false`.',
      '- Address private messages to a client id (one room per client), not to a nickname or the changing `socket.id`.',
      '- Nothing lost, nothing twice: message ids with acks and retries (stored once per id), offsets replayed from `auth.serverOffset`, and the page shows each offset once.',
    ].join('\n'),
  },
};

export default lesson;
