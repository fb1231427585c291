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
      '知道大模型 API 怎样推送：一个 `POST` 请求，响应是 `text/event-stream`（或 NDJSON），用 `fetch` 边收边读',
      '说得出 `EventSource` 为什么做不到：只能 `GET`，不能带请求体，也不能带 `Authorization` 头',
      '写一个不怕任意分块的解析器：分块不是事件，要缓冲到空行为止',
      '会用 `AbortController` 停止请求，让服务器在 `close` 时停止工作；会处理流中途的错误和非 200 的响应',
    ],
    en: [
      'Know how LLM-style APIs push: a `POST` whose response is `text/event-stream` (or NDJSON), read with `fetch` as it arrives',
      'Say why `EventSource` cannot do it: `GET` only, no request body, no `Authorization` header',
      'Write a parser that survives any chunking: a chunk is not an event, so buffer until the blank line',
      'Stop a request with `AbortController` so the server stops its work on `close`; handle an error mid-stream and a non-200 answer',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  recap: {
    zh: [
      '- 大模型 API 用 `POST` 提问、用 `text/event-stream` 回答；浏览器里用 `fetch` 和 `res.body` 读，不用 `EventSource`（它只能 `GET`，不能带请求体和自定义请求头）。',
      '- `res.body.pipeThrough(new TextDecoderStream())` 给出文本，被切开的汉字它会拼好；事件还得自己解析。',
      '- 分块不是事件：一条事件可能跨两块，一块也可能装着几条。缓冲，遇到空行才算一条事件结束。',
      '- `[DONE]` 和 `event: error` 都是流里的事件；状态码 200 已经发出之后，错误只能这样送来。先看 `res.ok` 再当流来读。',
      '- 没有自动重连，也没有 `Last-Event-ID`：断了要自己重发请求。',
      "- 停止用 `AbortController`：连接关闭，服务器收到 `res` 的 `'close'`，要在那里停下工作。",
    ].join('\n'),
    en: [
      '- LLM-style APIs take a `POST` and answer with `text/event-stream`; in a browser, read it with `fetch` and `res.body`, not `EventSource` (GET only, no body, no custom headers).',
      '- `res.body.pipeThrough(new TextDecoderStream())` gives text and keeps a character cut in two whole; the events are still yours to parse.',
      '- A chunk is not an event: one event can straddle two chunks, one chunk can hold several. Buffer, and an event ends at the blank line.',
      '- `[DONE]` and `event: error` are events in the stream; once the 200 has gone out, that is the only way an error can come. Check `res.ok` before reading a stream.',
      '- Nothing reconnects by itself and there is no `Last-Event-ID`: after a break, send the request again yourself.',
      "- Stop with `AbortController`: the connection closes, the server gets `'close'` on `res`, and must stop its work there.",
    ].join('\n'),
  },
};

export default lesson;
