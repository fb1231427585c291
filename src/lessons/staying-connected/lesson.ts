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
      '知道什么是半开连接：两端都以为连接还在，其实什么都传不过去；只有带超时判断的心跳能发现它',
      '会在服务器上写心跳看门狗：两个心跳周期内找出不再回应的客户端，并用 `terminate()` 结束它',
      '会给原生 WebSocket 写重连：指数退避、上限和随机抖动，并能在“网络流量”面板里看出三者的区别',
      "理解背压：`res.write()` 返回 `false` 时停下，等 `'drain'` 再继续，慢客户端就撑不爆服务器的内存",
    ],
    en: [
      'Know a half-open connection: both ends think they are connected and nothing gets through; only a heartbeat with a deadline finds it',
      'Write a server-side heartbeat watchdog that finds a client that stopped answering within two intervals, and ends it with `terminate()`',
      'Reconnect a raw WebSocket with exponential backoff, a cap and jitter, and tell the three apart in the traffic',
      "Apply backpressure: stop when `res.write()` returns `false` and go on at `'drain'`, so a slow client cannot fill the server's memory",
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  // The twenty handshakes of real mode take their turns (see LessonContent.parityWatchMs); the restart is at 8 s.
  parityWatchMs: 7_000,
  recap: {
    zh: [
      '- TCP 本身发现不了对端已死：拔掉网线、NAT 表项过期、笔记本合上盖子，连接都会变成半开，可能几分钟甚至几小时都没人知道。',
      '- 心跳要带“截止时间”：一边定期发 ping，另一边在期限内没收到回应就结束连接。服务端用 `terminate()`，不要等永远不会完成的关闭握手。',
      '- 浏览器会自动回应协议层的 ping 帧，但页面代码看不到它们：客户端要发现服务器已死，得用应用层消息做心跳。',
      '- 重连要指数退避（每失败一次等待翻倍）、设上限，并加随机抖动；否则服务器一重启，所有客户端会在同一时刻一起涌回来。',
      "- 写得比对方读得快，多出来的数据就堆在写入方的内存里。`res.write()` 返回 `false` 就停下，等 `'drain'` 再继续；WebSocket 的发送方看 `bufferedAmount`。",
    ].join('\n'),
    en: [
      '- TCP alone does not notice a dead peer: a pulled cable, a NAT entry that expired, a laptop lid closed leave the connection half-open, for minutes or hours.',
      '- A heartbeat needs a deadline: one side pings at an interval, and the other ends the connection when an answer is late. On the server use `terminate()`: a closing handshake would never complete.',
      '- Browsers answer protocol ping frames by themselves, and page code never sees them: for a client to notice a dead server, the heartbeat has to be application messages.',
      '- Reconnect with exponential backoff (twice the wait after each failure), a cap, and jitter; without jitter every client comes back at the same instant after a restart.',
      "- Writing faster than the other side reads piles the difference up in the writer's memory. Stop when `res.write()` returns `false` and go on at `'drain'`; a WebSocket sender watches `bufferedAmount`.",
    ].join('\n'),
  },
};

export default lesson;
