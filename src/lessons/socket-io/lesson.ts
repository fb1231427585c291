import type { LessonContent } from '../../shared/lesson.js';
import { lessonFiles } from '../lesson-files.js';
import commentsZh from './code-comments.zh.js';
import client from './client.js?raw';
import proseEn from './prose.en.md?raw';
import proseZh from './prose.zh.md?raw';
import server from './server.js?raw';
import { exercises } from './exercises.js';

const lesson: LessonContent = {
  goals: {
    zh: [
      "会用 require('socket.io')(server) 搭服务器，用 io.connect() 连接，用 emit / on 收发自定义事件",
      '能在“网络流量”面板里读懂 Engine.IO 与 Socket.IO 的数据包：0{…}、40、42[…]、43[…]、2 / 3',
      '会用确认回调（ack）、广播（socket.broadcast.emit 与 io.emit 的区别）和房间',
      '知道断线重连时 socket.id 会变、监听函数会重复注册、离线时的 emit 会被缓存',
    ],
    en: [
      "Serve with require('socket.io')(server), connect with io.connect(), and send custom events with emit / on",
      'Read Engine.IO and Socket.IO packets in the traffic: 0{…}, 40, 42[…], 43[…], 2 / 3',
      'Use acknowledgements, broadcasts (socket.broadcast.emit against io.emit) and rooms',
      'Know what reconnection does: a new socket.id, listeners that pile up, offline emits buffered',
    ],
  },
  prose: { zh: proseZh, en: proseEn },
  files: lessonFiles({ server, client }, commentsZh),
  exercises,
  recap: {
    zh: [
      "- `require('socket.io')(server)` 挂在 http 服务器上，接管 `/socket.io/` 下的请求；`io.connect()` 就是 `io()`。",
      '- 用 `socket.emit`，不是 `this.emit`：脚本最外层的 `this` 是 `window`。',
      '- 线路上：Engine.IO 数据包（`0` open、`2` ping、`3` pong、`4` message）里装着 Socket.IO 数据包（`0` CONNECT、`2` EVENT、`3` ACK），所以原生 WebSocket 和 socket.io 互相连不上。',
      '- 确认回调是最后一个参数；`43<编号>[…]` 就是确认。',
      '- `socket.emit` 只发给它，`io.emit` 发给所有人，`socket.broadcast.emit` 发给除它以外的人，`io.to(房间).emit` 发给房间成员。',
      "- 重连会换一个新的 `socket.id`；监听函数只在最外层注册一次，房间要在 'connect' 里重新加入。",
    ].join('\n'),
    en: [
      "- `require('socket.io')(server)` attaches to an http server and takes the `/socket.io/` requests; `io.connect()` is `io()`.",
      '- `socket.emit`, not `this.emit`: at the top of a script `this` is `window`.',
      '- On the wire, Engine.IO packets (`0` open, `2` ping, `3` pong, `4` message) carry Socket.IO packets (`0` CONNECT, `2` EVENT, `3` ACK): that is why a plain WebSocket and socket.io cannot talk to each other.',
      '- An acknowledgement is the last argument of emit; `43<id>[…]` is the receipt.',
      '- `socket.emit` reaches one client, `io.emit` everyone, `socket.broadcast.emit` everyone else, `io.to(room).emit` the room.',
      "- A reconnection brings a new `socket.id`; register listeners once at the top, and rejoin rooms in 'connect'.",
    ].join('\n'),
  },
};

export default lesson;
