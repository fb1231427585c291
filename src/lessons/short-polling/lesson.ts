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
      '会写一个用 fetch 循环获取数据的短轮询客户端',
      '能从请求数、字节数（含头部）、空响应和延迟算出轮询的代价，理解课程为什么说“不推荐”',
      '用 since 游标让每条数据只到达一次',
    ],
    en: [
      'Write a short-polling client: a fetch loop on a timer',
      'Work out what polling costs (requests, bytes with headers, empty answers, delay) and why the course advises against it',
      'Use a since cursor so that each item arrives exactly once',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  recap: {
    zh: [
      '- 短轮询就是定时发请求：简单、到处都能用，但没有新数据时也照样付出完整的请求和响应头。',
      '- 轮询间隔就是最坏情况下的延迟；间隔越短，空响应越多，网络流量越大。',
      '- 用 `since` 游标只要“之后”的数据：不重复，也不会因为只取最新几条而漏掉。',
      '- 用 `setTimeout` 在响应回来之后安排下一次请求，而且写在 `finally` 里：别让请求在慢服务器上堆积，也别让一次出错就停掉轮询。',
    ].join('\n'),
    en: [
      '- Short polling asks on a timer: simple and works everywhere, but every empty answer still pays full request and response headers.',
      '- The interval is the worst-case delay; a shorter interval means more empty answers and more bytes.',
      '- A `since` cursor asks only for what came after: nothing twice, and nothing lost to a "latest five" window.',
      '- Schedule the next request with `setTimeout` once the answer is in, in a `finally`: requests never pile up on a slow server, and one error never stops the poller.',
    ].join('\n'),
  },
};

export default lesson;
