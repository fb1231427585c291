import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'An HTTP server that sends an export to a client that reads it slowly; and one WebSocket server, twenty clients,\nand a restart in the middle, as a deploy does it.':
      '一个 HTTP 服务器，把一份导出数据发给一个读得很慢的客户端；还有一个 WebSocket 服务器、二十个客户端，\n以及中途的一次重启，就像一次部署那样。',
    'The export: 300 records of about 1 KB, one JSON object a line (NDJSON), to a client that reads 100 KB a second.': '导出数据：300 条约 1 KB 的记录，每行一个 JSON 对象（NDJSON），发给一个每秒读 100 KB 的客户端。',
    'The most this response ever held in memory: written by us, not yet taken by the network.': '这个响应在内存里最多积压过多少：我们已经写了、网络还没取走的部分。',
    "The heartbeat: every connection gets a 'ping' message this often, and each client answers 'pong'.": "心跳：每个连接每隔这么久收到一条 'ping' 消息，每个客户端回应 'pong'。",
    "Each client says who it is in its URL's path: ws://localhost:8181/client/7": '每个客户端在 URL 的路径里说明自己是谁：ws://localhost:8181/client/7',
    'The client is alive.': '客户端还活着。',
    'The restart: at 8 s every connection is cut and the port is free; 4 s later the new server listens again.': '重启：第 8 秒时切断所有连接并释放端口；4 秒后新的服务器重新监听。',
    'Whether the client answered the last ping: a connection that did not by the next tick is dead.':
      '客户端有没有回应上一个 ping：到下一次检查还没回应的连接就是死了。',
    "Writes until the response's buffer is full, then waits for the network to take it before writing more.":
      '一直写到响应的缓冲区满，然后等网络取走，再接着写。',
  },
  'client.js': {
    'Twenty clients in one page, as twenty open tabs would be: each its own WebSocket to the same server.': '一个页面里的二十个客户端，就像打开了二十个标签页：各自有一个连到同一服务器的 WebSocket。',
    'How long a client waits before it tries again, after its connection closed or failed to open.': '连接关闭或没能打开之后，客户端等多久再试。',
    "Client 1's first connection stands for a laptop whose lid was closed: it stays open, and answers nothing more.": '客户端 1 的第一个连接模拟一台合上盖子的笔记本：连接还开着，但什么也不再回应。',
    'The export, read as a slow client reads it (a phone on a bad network): about 100 KB a second.': '导出数据，像慢客户端（网络很差的手机）那样读取：大约每秒 100 KB。',
    'How long a client waits before it tries again: 200 ms after a lost connection, twice as long after each failed\ntry, never more than 5 s, so a server that is down is not asked twenty times a second by every client.':
      '客户端等多久再试：连接断开后 200 毫秒，每失败一次翻一倍，\n最多 5 秒，这样服务器宕机时不会被每个客户端每秒问二十次。',
    'Jitter: each client, each try, waits a random part of it, so clients that lost the server together spread out.':
      '随机抖动：每个客户端每次只等其中随机的一部分，同时失去服务器的客户端就会错开。',
  },
} satisfies CodeCommentsZh;
