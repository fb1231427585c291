import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    "The course builds this server on a Koa app: require('http').createServer(app.callback()).\napp.callback() only turns the Koa app into a plain (req, res) function for Node's http module,\nso a plain function stands in for it here. socket.io attaches to the same server either way.":
      "课程里把这个服务器建在一个 Koa 应用上：require('http').createServer(app.callback())。\napp.callback() 只是把 Koa 应用变成一个给 Node http 模块用的普通 (req, res) 函数，\n所以这里用一个普通函数代替它。不管哪种写法，socket.io 都挂在同一个服务器上。",
    'socket.emit answers this one client; io.emit would tell every client.': 'socket.emit 只回应这一个客户端；io.emit 会通知所有客户端。',
    "The last argument is the client's callback: calling it sends an ACK packet back.":
      '最后一个参数是客户端的回调：调用它会发回一个 ACK 数据包。',
    "Everyone except the sender, who already shows it; io.emit('chat', text) would echo it back to alice as well.":
      "发给除发送者以外的所有人，发送者自己已经显示了；io.emit('chat', text) 也会把它发回给 alice。",
    "Only the sockets in the room 'news' get these; everyone else hears nothing.":
      "只有房间 'news' 里的 socket 收得到；其他人什么也收不到。",
  },
  'client.js': {
    "The course's client, with a log on connect and a body for its message handler added. io.connect() is io(): with no URL it connects to the page's own server.":
      '课程里的客户端，加了连接时的日志，并给消息处理函数补上了函数体。io.connect() 就是 io()：不传 URL 时连接页面自己的服务器。',
    'At the top of a script `this` is window, which has no emit(): the socket is what emits.':
      '在脚本顶层，`this` 是 window，它没有 emit()：发消息的是 socket。',
    'Only once bob is connected is there someone to broadcast to.': 'bob 连上之后才有人可以广播给他。',
  },
} satisfies CodeCommentsZh;
