import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    "The course's WebSocket server (the ws package), with a few console.log calls added to watch it.": '课程里的 WebSocket 服务器（`ws` 包），加了几个 console.log 方便观察。',
    "ws hands over the handshake's HTTP request as the second argument.": 'ws 把握手用的 HTTP 请求作为第二个参数传进来。',
    'Listen for data from the client. ws 8 gives a Buffer: toString() makes it text.': '监听客户端发来的数据。ws 8 给的是 Buffer：toString() 把它变成文本。',
    'ws does not say who closed. This server never closes a connection itself, so a close frame came from the\nclient; 1006 means no close frame came at all: the connection died (a network cut, a crash, a terminate()).':
      'ws 不会告诉你是谁关闭的。这个服务器自己从不关闭连接，所以关闭帧来自\n客户端；1006 表示根本没有收到关闭帧：连接断了（网络中断、进程崩溃、terminate()）。',
    'Keep the id: the timer must stop when this connection closes.': '保存 id：这个连接关闭时，定时器必须停下。',
    "ws hands over the handshake's HTTP request as the second argument.\nNumbers the connections, for the stand-in below.":
      'ws 把握手用的 HTTP 请求作为第二个参数传进来。\n给连接编号，供下面的模拟使用。',
    "Heartbeat: 'ping' every second. A connection that did not answer the last ping with 'pong' is dead (a closed\nlaptop lid, a lost network): terminate() it, without a closing handshake that would never complete.":
      "心跳：每秒一个 'ping'。没有用 'pong' 回应上一个 ping 的连接已经死了（合上的笔记本、\n断掉的网络）：直接 terminate()，不走关闭握手，反正它永远完成不了。",
    'A stand-in for a server that hangs: the first connection gets three pings, then never another.':
      '模拟一个卡死的服务器：第一个连接收到三个 ping 之后，再也收不到了。',
    'Echo binary messages: a Buffer is sent as a binary frame.': '原样发回二进制消息：Buffer 会作为二进制帧发送。',
  },
  'client.js': {
    'The handshake starts here: an HTTP request with "Upgrade: websocket", answered by 101.': '握手从这里开始：一个带“Upgrade: websocket”的 HTTP 请求，服务器返回 101。',
    '0: CONNECTING': '0：CONNECTING（正在连接）',
    'Too early: send() while CONNECTING throws.': '太早了：CONNECTING 时调用 send() 会抛出异常。',
    '1: OPEN': '1：OPEN（已打开）',
    '3: CLOSED': '3：CLOSED（已关闭）',
    'After close() nothing can be sent any more.': 'close() 之后就不能再发送了。',
    '2: CLOSING': '2：CLOSING（正在关闭）',
    '4000–4999 are private use, for applications to define (3000–3999 are registered for libraries); the reason is at most 123 UTF-8 bytes.':
      '4000–4999 留给应用自己定义（3000–3999 给库注册使用）；关闭原因最多 123 个 UTF-8 字节。',
    "A client with a heartbeat: it answers each 'ping' with 'pong', and 3 s without a ping means the server (or the\nway to it) is gone: close, and connect again, waiting longer after each failed try.":
      "带心跳的客户端：每个 'ping' 都用 'pong' 回应；3 秒没收到 ping 就说明服务器（或通往它的\n网络）没了：关闭并重连，每次失败后等得更久一些。",
    'tries since the last ping came: each one waits twice as long': '上一个 ping 之后尝试的次数：每次等待的时间翻倍',
    'the server is really back': '服务器真的回来了',
    'Closed by the server or the network: connect again (the watchdog below already did for its own close).':
      '被服务器或网络关闭：重连（下面的看门狗自己关闭时已经重连过了）。',
    'Do not wait for the closing handshake: a dead server never completes it.': '不要等关闭握手：死掉的服务器永远完成不了它。',
    'Exponential backoff with a cap, and jitter: after a server restart, every client must not come back in the same\ninstant (and again, all together, each time it fails).':
      '带上限的指数退避，加上随机抖动：服务器重启后，所有客户端不能在同一瞬间回来\n（也不能每次失败后又一起再来）。',
    'Binary messages arrive as ArrayBuffer instead of Blob.': '二进制消息以 ArrayBuffer 而不是 Blob 的形式到达。',
  },
} satisfies CodeCommentsZh;
