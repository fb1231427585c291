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
      '---- 不属于你的应用：模拟它前面的负载均衡器。----\n轮询分配：每个新请求（或 WebSocket）依次交给下一个服务器，不管是谁发的。',
    "A WebSocket starts as an HTTP request asking to upgrade: Node hands it to 'upgrade', not to the request handler.": "WebSocket 一开始是一个请求升级的 HTTP 请求：Node 把它交给 'upgrade'，而不是请求处理函数。",
  },
  'client.js': {
    'Three people open the page, one after another. Each io() is a connection of its own, through the load balancer\non port 3000. reconnection: false gives each one attempt, so what happens to each is easy to follow.':
      '三个人先后打开页面。每个 io() 都是一个独立的连接，经过 3000 端口上的\n负载均衡器。reconnection: false 让每人只试一次，这样每个人遇到了什么一目了然。',
    'Settles once the attempt is decided, either way.': '这次尝试有了结果就兑现，不管成败。',
    'not given the token: she should not get in': '没给令牌：她不应该进得来',
    'Once everyone has arrived, alice says something to everyone.': '大家都到齐后，alice 对所有人说一句话。',
  },
} satisfies CodeCommentsZh;
