import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    "The course's WebSocket server (the ws package), with a few console.log calls added to watch it.": '课程大纲里的 WebSocket 服务器（`ws` 包），加了几个 console.log 方便观察。',
    "ws hands over the handshake's HTTP request as the second argument.": 'ws 把握手用的 HTTP 请求作为第二个参数传进来。',
    'Listen for data from the client. ws 8 gives a Buffer: toString() makes it text.': '监听客户端发来的数据。ws 8 给的是 Buffer：toString() 把它变成文本。',
    'ws does not say who closed. This server never closes a connection itself, so a close frame came from the\nclient; 1006 means no close frame came at all: the connection died (a network cut, a crash, a terminate()).':
      'ws 不会告诉你是谁关闭的。这个服务器自己从不关闭连接，所以关闭帧来自\n客户端；1006 表示根本没有收到关闭帧：连接断了（网络中断、进程崩溃、terminate()）。',
  },
  'client.js': {
    'The handshake starts here: an HTTP request with "Upgrade: websocket", answered by 101.': '握手从这里开始：一个带“Upgrade: websocket”的 HTTP 请求，服务器返回 101。',
    '0: CONNECTING': '0：CONNECTING（正在连接）',
    'Too early: send() while CONNECTING throws.': '太早了：CONNECTING 时调用 send() 会抛出异常。',
    '1: OPEN': '1：OPEN（已打开）',
    '3: CLOSED': '3：CLOSED（已关闭）',
    'After close() nothing can be sent any more.': 'close() 之后就不能再发送了。',
    '2: CLOSING': '2：CLOSING（正在关闭）',
  },
} satisfies CodeCommentsZh;
