import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'Two socket.io servers stand for two processes of one app (two machines, or two workers of a cluster).\nA small proxy in front of them, at the bottom, stands for the load balancer (nginx, HAProxy, a cloud LB).':
      '两个 socket.io 服务器代表同一个应用的两个进程（两台机器，或 cluster 的两个 worker）。\n它们前面有一个小代理（在文件末尾），代表负载均衡器（nginx、HAProxy、云上的负载均衡器）。',
    'Stands for a signed token (a JWT, a session id) that the login page handed to the people allowed in.': '代表登录页发给允许进入的人的签名令牌（JWT、会话 id）。',
    'This http server never listens on a port of its own: the proxy below hands it the requests it picks for it,\nas a load balancer would forward them to a process on another port.':
      '这个 http 服务器从不监听自己的端口：下面的代理把选给它的请求交给它，\n就像负载均衡器把请求转发给另一个端口上的进程那样。',
    'Reaches every client of this server, and no client of the other one.': '发给这个服务器的每个客户端，另一个服务器的客户端一个也收不到。',
    '---- Not part of your app: a stand-in for the load balancer in front of it. ----\nRound robin: each new request (or WebSocket) goes to the next server in turn, whoever sent it.':
      '---- 不属于你的应用：模拟它前面的负载均衡器。----\n轮流分配：每个新请求（或 WebSocket）依次交给下一个服务器，不管是谁发的。',
    "A WebSocket starts as an HTTP request asking to upgrade: Node hands it to 'upgrade', not to the request handler.": "WebSocket 一开始是一个请求升级的 HTTP 请求：Node 把它交给 'upgrade'，而不是请求处理函数。",
    '---- Not part of your app: a stand-in for the load balancer in front of it. ----\nRound robin: each new request (or WebSocket) goes to the next server in turn, whoever sent it.\nSticky sessions: a new session goes to the next server in turn. Every later request of that session (its\npolls, its posts, its WebSocket upgrade) carries ?sid=, and goes back to the server that made it.':
      '---- 不属于你的应用：模拟它前面的负载均衡器。----\n轮流分配：每个新请求（或 WebSocket）依次交给下一个服务器，不管是谁发的。\n粘性会话：新会话依次交给下一个服务器。这个会话之后的每个请求（它的\n轮询、POST、WebSocket 升级）都带着 ?sid=，回到创建它的那个服务器。',
    'Engine.IO session id → the server that holds it': 'Engine.IO 会话 id → 持有它的服务器',
    "Stands for Redis pub/sub (or the cluster's IPC) between processes: every server hears what any server publishes.":
      '代表进程之间的 Redis pub/sub（或 cluster 的 IPC）：任何一个服务器发布的，每个服务器都能收到。',
    'Published once; each server, this one included, hands it to its own clients.':
      '只发布一次；每个服务器（包括这一个）再把它交给自己的客户端。',
    "Runs before 'connection' for every new connection: next() lets it in, next(err) refuses it, and the client gets\n'connect_error' with err.message.":
      "每个新连接在 'connection' 之前都先经过这里：next() 放行，next(err) 拒绝，客户端会收到\n带 err.message 的 'connect_error'。",
  },
  'client.js': {
    'Three people open the page, one after another. Each io() is a connection of its own, through the load balancer\non port 3000. reconnection: false gives each one attempt, so what happens to each is easy to follow.':
      '三个人先后打开页面。每个 io() 都是一个独立的连接，经过 3000 端口上的\n负载均衡器。reconnection: false 让每人只试一次，这样每个人遇到了什么一目了然。',
    'Settles once the attempt is decided, either way.': '这次尝试有了结果就兑现，不管成败。',
    'not given the token: she should not get in': '没给令牌：她不应该进得来',
    'Once everyone has arrived, alice says something to everyone.': '大家都到齐后，alice 对所有人说一句话。',
  },
} satisfies CodeCommentsZh;
