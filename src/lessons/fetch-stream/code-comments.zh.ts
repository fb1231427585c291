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
    "'close' on res comes when the client leaves (and after a normal end): stop generating for nobody.\n(Not req's 'close': Node emits that as soon as the request body has been read.)":
      "res 上的 'close' 在客户端离开时（以及正常结束后）触发：没人听了就停止生成。\n（不是 req 的 'close'：请求体一读完，Node 就会触发它。）",
  },
  'client.js': {
    'Three questions to the "model", one after another; its answers stream in over fetch.\nEventSource could not ask them: it only makes GET requests, with no body and no Authorization header.':
      '向“模型”依次提三个问题；回答通过 fetch 以流的方式到达。\nEventSource 提不了这些问题：它只能发 GET 请求，不能带请求体，也不能带 Authorization 头部。',
    'The user presses Stop after a while.': '过一会儿，用户按下“停止”。',
    'The body, as text, in whatever pieces the network delivers.': '以文本读取响应体：网络怎么分块送来，就怎么读到。',
    'A chunk is not an event: keep what arrived, and take out only the events a blank line has ended.':
      '分块不是事件：先把到达的内容存起来，只取出已经被空行结束的事件。',
    "One event's lines, \"field: value\"; several data lines are joined with a line feed (WHATWG HTML, event streams).":
      '一条事件的各行，“字段: 值”；多个 data 行用换行符连接（WHATWG HTML 事件流一节）。',
    'a comment': '一行注释',
    "Aborting closes the connection: the server sees 'close' and can stop generating.":
      "中止会关闭连接：服务器收到 'close'，就可以停止生成。",
    'After abort() the pending read rejects with an AbortError: that is the Stop, not a failure.':
      'abort() 之后，等待中的 read 会以 AbortError 拒绝：这是用户按了停止，不是失败。',
    'A 401 or a 500 is not an event stream: its body is a JSON error.': '401 或 500 不是事件流：它的响应体是一个 JSON 错误。',
    'The status was 200 long ago: an error after the head can only come as an event. Say so, instead of passing\nhalf an answer off as the whole.':
      '状态码早就是 200 了：响应头之后的错误只能以事件的形式到来。要把它说出来，\n而不是把半个回答当成完整的回答。',
  },
} satisfies CodeCommentsZh;
