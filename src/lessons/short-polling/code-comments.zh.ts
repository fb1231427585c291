import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'Short polling: GET /news answers at once with the latest news, whether or not there is anything new.': '短轮询：GET /news 立即返回最新的新闻，不管有没有新东西。',
    'the last 100 items: { id, t, text }; t is when it was published (Date.now())': '最近 100 条新闻：{ id, t, text }；t 是发布时间（Date.now()）',
    'Three stories are already there when the page opens; then one every 3 s.': '页面打开时已经有三条新闻；之后每 3 秒一条。',
    'Every 10 s the database is busy for 2 s (a backup, a report) and answers take 2.5 s. The demo counts from the\nfirst request, so the first busy spell comes 2 s after the page starts polling.':
      '每 10 秒里数据库有 2 秒很忙（备份、报表），这时响应要 2.5 秒。演示从第一个请求\n开始计时，所以第一段繁忙出现在页面开始轮询后 2 秒。',
    "?since=<id> asks only for items after that id (the client's cursor); without it, the latest 5.": '?since=<id> 只要这个 id 之后的新闻（客户端的游标）；没有它就返回最新的 5 条。',
  },
  'client.js': {
    "Short polling, the course's 循环ajax请求: ask for the news on a timer, whether or not there is any.\nThree pollers run side by side, every 1 s, 5 s and 30 s, each counting what it costs.\n(?poller= only labels the requests so you can tell them apart in the Traffic tab; the server ignores it.)":
      '短轮询，也就是课程里的“循环ajax请求”：按定时器去问新闻，不管有没有。\n三个轮询并排运行，分别每 1 秒、5 秒、30 秒一次，各自统计自己的代价。\n（?poller= 只是给请求做个标记，方便在“网络流量”面板里区分；服务器不看它。）',
    'answers, and answers with nothing new': '响应数，以及没有新东西的响应数',
    'received, and how much of it was the status line and headers': '收到的字节数，以及其中状态行和头部占了多少',
    'items received again, items never received': '重复收到的新闻数，从没收到的新闻数',
    "ms from an item's publication to its arrival, at worst": '一条新闻从发布到收到的最长毫秒数',
    'What this answer cost on the wire: status line, headers and body (HTTP/1.1, as the Traffic tab counts).': '这个响应在线路上的字节数：状态行、头部和响应体（HTTP/1.1，和“网络流量”面板的算法一样）。',
    'Ids go up by one: a jump means items were published that this poller never got.': 'id 每次加一：跳号说明有新闻发布了，这个轮询却没收到。',
    'Every 10 s: what each poller has paid so far, from what it observed.': '每 10 秒：根据各自观察到的，统计每个轮询到目前为止的代价。',
    'The next request only once this one is over, however it ended: a slow server is not asked again while it is\nbusy, and a failed request (network error, a body that is not JSON) does not stop the poller.':
      '这一个请求结束后（不管怎么结束的）才发下一个：服务器慢的时候不会在它忙时再去问，\n请求失败（网络错误、响应体不是 JSON）也不会让轮询停下来。',
  },
} satisfies CodeCommentsZh;
