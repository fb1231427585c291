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
      '理解长轮询：服务器挂起请求，直到有新数据或超时',
      '看到两次请求之间的空档会丢数据，并用游标补上',
      '知道每个等待的客户端要占用服务器什么资源，以及在代理后面如何设置超时和重试',
    ],
    en: [
      'Understand long polling: the server holds a request until there is news or a time-out',
      'See data lost in the gap between two requests, and close the gap with a cursor',
      'Know what each waiting client costs a server, and how to set time-outs and retries behind a proxy',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  recap: {
    zh: [
      '- 长轮询：没有新数据时服务器不回答，有了立刻回答；客户端收到后马上再问。',
      '- 两次请求之间发布的数据只有靠游标（`since`）才不会丢。',
      '- 每个等待中的客户端都占着一个连接、一个定时器和一点内存。',
      '- 挂起时间要短于代理的超时（真实环境约 25 秒对 30 秒）；遇到 502/504 或网络错误，稍等再重试。',
    ].join('\n'),
    en: [
      '- Long polling: the server keeps quiet until there is news, then answers at once; the client asks again straight away.',
      '- News published between two requests is lost unless the client sends a cursor (`since`).',
      '- Each waiting client holds a connection, a timer and a little memory on the server.',
      '- Hold for less than the proxy allows (about 25 s behind a 30 s proxy); on 502/504 or a network error, wait a little, then retry.',
    ].join('\n'),
  },
};

export default lesson;
