import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    "The course builds this server on a Koa app: require('http').createServer(app.callback()).\napp.callback() only turns the Koa app into a plain (req, res) function for Node's http module,\nso a plain function stands in for it here. socket.io attaches to the same server either way.":
      "课程大纲把这个服务器建在一个 Koa 应用上：require('http').createServer(app.callback())。\napp.callback() 只是把 Koa 应用变成一个给 Node http 模块用的普通 (req, res) 函数，\n所以这里用一个普通函数代替它。不管哪种写法，socket.io 都挂在同一个服务器上。",
    'socket.emit answers this one client; io.emit would tell every client.': 'socket.emit 只回应这一个客户端；io.emit 会通知所有客户端。',
  },
  'client.js': {
    "The course's client, with a log on connect and a body for its message handler added. io.connect() is io(): with no URL it connects to the page's own server.":
      '课程大纲里的客户端，加了连接时的日志，并给消息处理函数补上了函数体。io.connect() 就是 io()：不传 URL 时连接页面自己的服务器。',
  },
} satisfies CodeCommentsZh;
