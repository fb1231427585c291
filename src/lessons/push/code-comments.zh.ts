import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'One news feed, four ways to get it, all on one server on port 3000:\n  short polling  GET /news/short?since=<id>   answers at once, often with []\n  long polling   GET /news/long?since=<id>    held until there is news (or 25 s pass)\n  SSE            GET /news/sse                one response that never ends\n  WebSocket      ws://…/news/ws               one connection, a message per item\nA news item is published every 2 s or so (publishLater, at the end).\nEvery item carries `t`, the time it was published (Date.now()): the page compares it with when it showed the item.':
      '同一个新闻源，四种获取方式，都在 3000 端口的同一个服务器上：\n  短轮询      GET /news/short?since=<id>   立即返回，经常是 []\n  长轮询      GET /news/long?since=<id>    挂起，直到有新闻（或过了 25 秒）\n  SSE         GET /news/sse                一个永远不结束的响应\n  WebSocket   ws://…/news/ws               一个连接，每条新闻一条消息\n大约每 2 秒发布一条新闻（见文件末尾的 publishLater）。\n每条新闻带着 `t`，即发布时间（Date.now()）：页面拿它和显示这条新闻的时间比较。',
    'the last 100 items: { id, t, text }': '最近 100 条新闻：{ id, t, text }',
    'long polls held open: { res, since, timer }': '挂起中的长轮询：{ res, since, timer }',
    'SSE responses still open': '还开着的 SSE 响应',
    'id: lets a reconnecting EventSource say where it stopped (Last-Event-ID).': 'id：重连的 EventSource 靠它说明自己停在哪里（Last-Event-ID）。',
    'The cursor: the id of the last item the client has. Without it, news published while the client is between two\nrequests would be lost.':
      '游标：客户端手里最后一条新闻的 id。没有它，客户端两次请求之间发布的新闻\n就会丢失。',
    'Answer before proxies give up on a quiet request (they often cut at 30 to 60 s).': '赶在代理放弃一个没有动静的请求之前返回（代理常在 30 到 60 秒时切断）。',
    "News does not keep a timetable: the next item comes 1 to 3 s after the last (2 s on average). A fixed period would\nmarch in step with the short poller's timer, which also starts with the run, and hide what polling costs in delay.":
      '新闻不按时刻表来：下一条在上一条之后 1 到 3 秒出现（平均 2 秒）。如果周期固定，\n就会和短轮询的定时器（它同样在运行开始时启动）步调一致，掩盖轮询在延迟上的代价。',
  },
  'client.js': {
    "The same news, subscribed to four ways at once. Each item is shown in its way's column as soon as it arrives,\nwith how long it took since the server published it (item.t). Open the Compare tab while this runs: requests,\nbytes and delays there are counted from the wire, not from this code.":
      '同一个新闻源，同时用四种方式订阅。每条新闻一到就显示在对应方式的那一列，\n并标出从服务器发布（item.t）到现在用了多久。运行时打开“对比”面板：那里的请求数、\n字节数和延迟是从线路上统计的，不是从这段代码。',
    'the id of the last item each way has shown': '每种方式已显示的最后一条新闻的 id',
    'answers to the two polling ways…': '两种轮询收到的响应数……',
    '…and how many of them carried no news at all': '……以及其中一条新闻也没带的有多少',
    'textContent, never innerHTML: news text is data, not markup.': '用 textContent，不用 innerHTML：新闻文本是数据，不是标记。',
    'Polling asks; whatever comes back, news or not, was a full request and a full response.': '轮询是在问；不管带没带新闻，回来的都是一次完整的请求和一个完整的响应。',
    '1. Short polling: ask every 2 s, whether or not there is news. The server answers at once, often with [].': '1. 短轮询：每 2 秒问一次，不管有没有新闻。服务器立即返回，经常是 []。',
    '2. Long polling: ask again as soon as an answer arrives; the server holds the request until there is news.': '2. 长轮询：一收到响应就再问；服务器挂起请求，直到有新闻。',
    '3. Server-Sent Events: one request, the server writes each item down it.': '3. Server-Sent Events：一个请求，服务器把每条新闻写进它的响应里。',
    "4. WebSocket on the same server and port (the page's own origin, ws: instead of http:).": '4. WebSocket，同一个服务器、同一个端口（页面自己的源，把 http: 换成 ws:）。',
    'Every 10 s, what the two polling ways got back. SSE and WebSocket have no replies to count: nothing was asked.': '每 10 秒统计两种轮询收到了什么。SSE 和 WebSocket 没有响应可数：它们什么也没问。',
    '1. Short polling: turned off. It paid full headers every 2 s, mostly for [], and showed news up to 2 s late.':
      '1. 短轮询：关掉了。它每 2 秒都要带上一整套头部，换回的多半是 []，新闻还要晚到最多 2 秒。',
  },
} satisfies CodeCommentsZh;
