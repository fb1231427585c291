import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'Long polling: GET /news is answered at once if there is news the client has not seen, and otherwise held open\nuntil news is published or HOLD_MS pass.':
      '长轮询：如果有客户端没看过的新闻，GET /news 立即返回；否则请求被挂起，\n直到有新闻发布或过了 HOLD_MS。',
    'Demo time runs ten times faster than real time, so you can watch it happen.\nHow long a request may wait when there is no news. A real server holds about 25 s (here: 2.5 s would match).':
      '演示时间比真实时间快十倍，方便你看清过程。\n没有新闻时一个请求最多等多久。真实的服务器大约挂起 25 秒（这里对应 2.5 秒）。',
    'the last 100 items: { id, t, text }; t is when it was published (Date.now())': '最近 100 条新闻：{ id, t, text }；t 是发布时间（Date.now()）',
    'requests held open: { res, since }': '挂起中的请求：{ res, since }',
    'The cursor: the id of the last item the client has. Without it the server can only send what happens next.': '游标：客户端手里最后一条新闻的 id。没有它，服务器只能发送接下来发生的事。',
    'Every held request costs the server an open connection, this entry and a timer, for as long as it waits.': '每个挂起的请求在等待期间都占着服务器的一个连接、这条记录和一个定时器。',
    '"nothing new": the client simply asks again': '“没有新东西”：客户端再问一次就是了',
    "'close' comes when the response is sent and when the client goes away: either way, stop waiting for it.": "响应发出时和客户端离开时都会触发 'close'：不管哪种，都不再等它。",
    "Without a cursor a held request gets only this item; with one, everything after the client's cursor.": '没有游标的挂起请求只拿到这一条；有游标的，拿到客户端游标之后的全部新闻。',
    'The news: a story and its follow-up, published back to back, at 1 s and 3 s of every 15 s.': '新闻：一条报道和它的后续，紧挨着发布，在每 15 秒中的第 1 秒和第 3 秒。',
    "---- Not part of your server: a stand-in for the reverse proxy (nginx, a load balancer) in front of it. ----\nProxies give up on a request that stays quiet too long (often 30 to 60 s; 3 s in demo time) and answer\n504 Gateway Timeout in the server's place, closing the server's side of the connection.":
      '---- 不属于你的服务器：模拟它前面的反向代理（nginx、负载均衡器）。----\n请求太久没有动静（常见是 30 到 60 秒；演示时间里是 3 秒），代理就放弃它，\n替服务器返回 504 Gateway Timeout，并关闭与服务器之间的那一侧连接。',
  },
  'client.js': {
    'Long polling: ask, wait as long as the server holds the request, show what came, ask again at once.': '长轮询：问一次，服务器挂起多久就等多久，显示收到的内容，然后立刻再问。',
    'the newest item shown so far': '目前显示过的最新一条新闻',
    '204 No Content is an empty answer too, and it has no body: res.json() would throw on it.': '204 No Content 也是一个空响应，而且没有响应体：对它调用 res.json() 会抛出异常。',
    'Ids go up by one: a jump means something was published that never reached us.': 'id 每次加一：跳号说明有新闻发布了，却没有到达这里。',
    'ask again at once': '立刻再问',
    "A proxy's 502/504 is not JSON: treat any status that is not ok as a failure.":
      '代理返回的 502/504 不是 JSON：`res.ok` 为 false 的状态码都当作失败。',
    '204 No Content has no body: res.json() would throw on it.': '204 No Content 没有响应体：对它调用 res.json() 会抛出异常。',
  },
} satisfies CodeCommentsZh;
