import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'A chat-completion endpoint as LLM APIs have it: the client POSTs a question with its key, and the answer comes\nback as a text/event-stream (or NDJSON, if asked), a few characters at a time, while the "model" is still writing it.':
      '一个和大模型 API 一样的对话补全接口：客户端带着密钥 POST 一个问题，回答以 text/event-stream\n（或按要求用 NDJSON）返回，“模型”一边写，回答一边几个字符几个字符地到达。',
    'The "model": canned answers, one token every 120 ms. The second answer runs into an error halfway.': '“模型”：写好的回答，每 120 毫秒一个 token。第二个回答写到一半会出错。',
    'An EventSource could never send this header: that is why these APIs are read with fetch.': 'EventSource 根本发不了这个头部：所以这类 API 要用 fetch 来读。',
    "Some APIs (Ollama's, for one) stream NDJSON instead: one JSON object per line. Ask with that Accept to get it.": '有些 API（比如 Ollama 的）改用 NDJSON 流：每行一个 JSON 对象。用这个 Accept 请求就能拿到。',
    'Each piece of the answer as its format writes it: an SSE event (of a type, or a plain message), or a line.': '回答的每一段按格式写出：一条 SSE 事件（带类型的，或普通的 message），或一行。',
    "A token every 120 ms. Each timer is set when the last one ran (not setInterval, which keeps its own beat on a\nbusy machine), so an event's pieces, 30 ms apart, are all written before the next event's.":
      '每 120 毫秒一个 token。每个定时器在上一个执行时才设置（不用 setInterval，它在繁忙的机器上\n按自己的节拍走），所以一条事件相隔 30 毫秒的几段，都会在下一条事件之前写完。',
    'An error after the 200 head: the status cannot change any more, so it travels in the stream (an event, a line).': '200 的响应头发出之后出错：状态码已经改不了，所以错误放在流里传（一条事件，或一行）。',
    "TCP gives a reader whatever has arrived, never \"one event\": this server makes that visible by writing each event\n(or line) in two or three pieces, 30 ms apart, cut somewhere else each time (inside a word, inside a Chinese\ncharacter's UTF-8 bytes, just before the line feed that ends it).":
      'TCP 交给读取方的是已经到达的内容，从来不是“一条事件”：这个服务器把每条事件（或每行）\n分成两三段写出，相隔 30 毫秒，每次切在不同的地方（一个单词中间、一个汉字的\nUTF-8 字节中间、结束它的换行符之前），让你看见这一点。',
  },
  'client.js': {
    'Three questions to the "model", one after another; its answers stream in over fetch.\nEventSource could not ask them: it only makes GET requests, with no body and no Authorization header.':
      '向“模型”依次提三个问题；回答通过 fetch 以流的方式到达。\nEventSource 提不了这些问题：它只能发 GET 请求，不能带请求体，也不能带 Authorization 头部。',
    'The user presses Stop after a while.': '过一会儿，用户按下“停止”。',
    'The body, as text, in whatever pieces the network delivers.': '响应体，以文本形式，网络送来怎样的分块就是怎样的分块。',
  },
} satisfies CodeCommentsZh;
