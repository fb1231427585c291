import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'A Server-Sent Events endpoint: one HTTP response that stays open, one event per second.': '一个 Server-Sent Events 接口：一个一直开着的 HTTP 响应，每秒一条事件。',
    '/via-proxy/test is /test seen through a stand-in for a reverse proxy (see the end of the file).': '/via-proxy/test 就是经过模拟反向代理的 /test（见文件末尾）。',
    'The one header that makes it an event stream.': '正是这个头部让它成为事件流。',
    '"retry:" tells the browser how long to wait before reconnecting (ms).\nA line starting with ":" is a comment: the browser ignores it (servers send them as heartbeats).':
      '“retry:”告诉浏览器重连前等多少毫秒。\n以“:”开头的行是注释：浏览器会忽略它（服务器用它做心跳）。',
    '"id:" names the event, "data:" carries it, and the blank line ("\\n\\n") ends it.': '“id:”给事件一个 id，“data:”携带内容，空行（“\\n\\n”）结束这条事件。',
    'Servers and proxies do end long responses (time-outs, restarts): this one ends after 3 events.': '服务器和代理确实会结束长时间的响应（超时、重启）：这个响应发完 3 条事件就结束。',
    'Without this the timer would go on writing after the client has left.': '没有这一句，客户端离开后定时器还会继续写。',
    "---- Not part of your server: a stand-in for the reverse proxy in front of it. ----\nnginx buffers what a server sends it (proxy_buffering, on by default): it passes the head on at once, then holds\nthe body until a 4 or 8 KiB buffer is full or the response ends, unless the response says `X-Accel-Buffering: no`.\nThis stand-in does the same to what this server writes for /via-proxy/…":
      '---- 不属于你的服务器：模拟它前面的反向代理。----\nnginx 会缓冲服务器发给它的内容（proxy_buffering，默认开启）：响应头立即转发，响应体则先攒着，\n直到 4 或 8 KiB 的缓冲区满了或响应结束，除非响应带有 `X-Accel-Buffering: no`。\n这个模拟代理对这个服务器写给 /via-proxy/… 的内容做同样的事。',
    'The header as the response carries it: from setHeader, or from the object given to writeHead.': '响应实际带的头部：来自 setHeader，或来自传给 writeHead 的对象。',
    "\"event:\" gives the event a type: the browser dispatches it as 'price', never as 'message'.":
      "“event:”给事件一个类型：浏览器把它作为 'price' 派发，而不是 'message'。",
    'Resume after the last event the client saw (the header is absent on the first connection).':
      '从客户端看到的最后一条事件之后继续（第一次连接时没有这个头部）。',
    'nginx (and the stand-in below) pass each event on at once instead of buffering the response.':
      'nginx（以及下面的模拟代理）收到每条事件就立即转发，不再缓冲响应。',
  },
  'client.js': {
    "The course's client: its layout tidied and its parameter typo (`evnet`) fixed, its mistake kept.": '课程里的客户端：整理了格式，改正了参数名的拼写（`evnet`），保留了它的错误。',
    'console.log(source)': 'console.log(source)',
    "onerror, not error: the browser calls the on<type> handler of the 'error' event.":
      "是 onerror，不是 error：浏览器调用的是 'error' 事件的 on<type> 处理函数。",
    'A named event never reaches onmessage: listen for its type.': '带类型的事件永远不会到 onmessage：要监听它的类型。',
  },
} satisfies CodeCommentsZh;
