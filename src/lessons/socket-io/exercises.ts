import type { CheckResult, Exercise, Observation } from '../../shared/lesson.js';
import { t, quoteSome } from '../checks/observe.js';
import { connectedSessions, showPacket, sioEvents, socketIoPackets, type WirePacket } from '../checks/socket-io.js';

/**
 * Every check reads socket.io's packets from the client's own traffic (polling bodies and WebSocket frames, see
 * checks/socket-io.ts), so it holds in both runtimes and for any code that puts the same packets on the wire.
 */

const SERVER_START = `// The course builds this server on a Koa app: require('http').createServer(app.callback()).
// app.callback() only turns the Koa app into a plain (req, res) function for Node's http module,
// so a plain function stands in for it here. socket.io attaches to the same server either way.
const server = require('http').createServer((req, res) => {
  res.end('ordinary HTTP requests still reach this handler');
});
const io = require('socket.io')(server);
`;

const CLIENT_FIXED = `let socket = io.connect();
socket.on('connect', () => console.log('connected, id', socket.id));

// At the top of a script \`this\` is window, which has no emit(): the socket is what emits.
socket.emit('clientfn', 'hello i am client');

socket.on('message', function (data) {
  console.log('message:', data);
});
`;

function clientError(o: Observation): string {
  const error = o.errors.find((e) => e.side === 'client');
  return error ? error.message : '';
}

function sameArgs(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const pending = (saw: [string, string], expected: [string, string]): CheckResult => ({
  pass: false,
  saw: t(...saw),
  expected: t(...expected),
});

/** The course's `this.emit(...)`: window has no emit, so the script stops there and nothing is sent. */
const fixThisEmit: Exercise = {
  id: 'fix-this-emit',
  title: { en: "Send 'clientfn' and get a 'message' back", zh: "发送 'clientfn' 并收到 'message'" },
  task: {
    en: "Run the course's client as written and read the client console: `this.emit` is not a function, and the line that would listen for `'message'` never runs. Make the client send `'clientfn'` through its socket, so the server's `'message'` answer arrives. In the Traffic tab you will see `42[\"clientfn\",…]` go up and `42[\"message\",…]` come down.",
    zh: "按课程原样运行客户端，看客户端控制台：`this.emit` 不是函数，后面监听 `'message'` 的那一行也没有执行。让客户端通过 socket 发送 `'clientfn'`，服务器回的 `'message'` 就会到达。在“网络流量”面板里可以看到 `42[\"clientfn\",…]` 上行、`42[\"message\",…]` 下行。",
  },
  hints: {
    en: ['At the top of a script, `this` is `window`. Who has an `emit` method here?', "Replace `this.emit(...)` with `socket.emit(...)`."],
    zh: ['脚本最外层的 `this` 是 `window`。这里谁才有 `emit` 方法？', '把 `this.emit(...)` 改成 `socket.emit(...)`。'],
  },
  solution: { 'client.js': CLIENT_FIXED },
  watchMs: 6_000,
  // Must reject: the starting this.emit (TypeError, no clientfn); io.emit on the client (no such thing). Must accept:
  // socket.emit('clientfn', …) anywhere, before or after 'connect'.
  check(o) {
    const packets = socketIoPackets(o);
    const sent = sioEvents(packets, 'c2s', 'clientfn');
    if (sent.length === 0) {
      const error = clientError(o);
      const connected = connectedSessions(packets).length > 0;
      return {
        pass: false,
        saw: error
          ? t('no “clientfn” event left the client; it stopped on “{e}”', '客户端没有发出“clientfn”事件；它停在了“{e}”', { e: error })
          : connected
            ? t('the socket connected, but no 42["clientfn",…] packet was sent', 'socket 已连接，但没有发出 42["clientfn",…] 数据包')
            : t('no socket.io connection yet', '还没有 socket.io 连接'),
        expected: t('a 42["clientfn",…] packet from the client', '客户端发出 42["clientfn",…] 数据包'),
      };
    }
    const first = sent[0]!;
    const answered = sioEvents(packets, 's2c', 'message').some((p) => p.sid === first.sid && p.time >= first.time);
    if (answered) return { pass: true };
    return {
      pass: false,
      saw: t('“clientfn” was sent ({p}), but no “message” came back on that connection', '“clientfn”已发出（{p}），但这个连接上没有收到“message”', { p: showPacket(first) }),
      expected: t('the server to answer with 42["message",…]', '服务器用 42["message",…] 回应'),
    };
  },
};

/** An acknowledgement: the client's EVENT carries an id (`42N[...]`), the server's ACK answers it (`43N[...]`). */
const acknowledge: Exercise = {
  id: 'ack-stored',
  title: { en: 'Confirm with an acknowledgement', zh: '用确认回调（ack）确认已保存' },
  task: {
    en: "Have the client emit `'save'` with a text **and a callback**; on the server, keep the text in an array and call the callback with something like `{ stored: true, count }`. Log the reply in the client. In the traffic the client's event now carries an ack id (`420[\"save\",…]`) and the server's answer is an ACK packet with the same id (`430[…]`).",
    zh: "让客户端发送 `'save'` 事件，带上一段文本**和一个回调函数**；服务器把文本存进数组，然后调用这个回调，比如传回 `{ stored: true, count }`。客户端打印确认带回的内容。在“网络流量”面板里，客户端的事件会带上 ack 编号（`420[\"save\",…]`），服务器的确认是编号相同的 ACK 数据包（`430[…]`）。",
  },
  hints: {
    en: [
      'Fix `this.emit` first (see the first exercise), or nothing is sent at all.',
      "Client: `socket.emit('save', 'remember me', (reply) => console.log(reply))`. The function must be the last argument.",
      "Server: `socket.on('save', (text, ack) => { stored.push(text); ack({ stored: true, count: stored.length }); })`.",
    ],
    zh: [
      '先修好 `this.emit`（见第一个练习），否则什么都发不出去。',
      "客户端：`socket.emit('save', 'remember me', (reply) => console.log(reply))`，回调必须是最后一个参数。",
      "服务器：`socket.on('save', (text, ack) => { stored.push(text); ack({ stored: true, count: stored.length }); })`。",
    ],
  },
  solution: {
    'server.js': `${SERVER_START}const stored = [];

io.on('connection', (socket) => {
  console.log('connected:', socket.id);

  socket.on('clientfn', (data) => {
    console.log('clientfn:', data);
    socket.emit('message', 'hello i am server');
  });

  // The last argument is the client's callback: calling it sends an ACK packet back.
  socket.on('save', (text, ack) => {
    stored.push(text);
    console.log('stored:', text);
    ack({ stored: true, count: stored.length });
  });
});

server.listen(3000, () => console.log('listening on 3000'));
`,
    'client.js': `let socket = io.connect();
socket.on('connect', () => console.log('connected, id', socket.id));

socket.emit('save', 'remember me', (reply) => {
  console.log('server stored it:', reply);
});
`,
  },
  watchMs: 6_000,
  // Must reject: the starting code (no ack); an ack never called by the server; an emit without a callback. Must accept: a
  // callback or await socket.timeout(ms).emitWithAck(…), with the server acking what it stored.
  check(o) {
    const packets = socketIoPackets(o);
    const asked = sioEvents(packets, 'c2s').filter((p) => p.sio!.id !== undefined);
    if (asked.length === 0) {
      const sent = sioEvents(packets, 'c2s');
      return {
        pass: false,
        saw: sent.length
          ? t('events without an ack id: {p}', '没有 ack 编号的事件：{p}', { p: quoteSome(sent.map(showPacket)) })
          : t('no event sent by the client', '客户端没有发出任何事件'),
        expected: t('an event with a callback, sent as 42<id>[…] (e.g. 420["save",…])', '带回调的事件，形如 42<编号>[…]（例如 420["save",…]）'),
      };
    }
    const acked = asked.find((e) =>
      packets.some((p) => p.direction === 's2c' && p.sio?.type === 'ACK' && p.sio.id === e.sio!.id && p.sio.nsp === e.sio!.nsp && p.sid === e.sid),
    );
    if (acked) return { pass: true };
    return {
      pass: false,
      saw: t('{p} asked for an acknowledgement, and no 43<id>[…] answered it', '{p} 请求了确认，但没有收到对应的 43<编号>[…]', { p: showPacket(asked[0]!) }),
      expected: t('the server to call the callback it received as the last argument', '服务器调用它收到的最后一个参数（回调函数）'),
    };
  },
};

/** `socket.broadcast.emit` reaches every other client and not the sender; `io.emit` reaches the sender too. */
const broadcast: Exercise = {
  id: 'broadcast-others',
  title: { en: 'Tell the others, not yourself', zh: '告诉别人，不告诉自己' },
  task: {
    en: "Suppose alice's page shows what she sends at once (an optimistic local echo, as for a typing notice), so she needs no copy back. Open **two** connections in the client (`const alice = io.connect(); const bob = io.connect();`). When bob has connected, alice emits `'chat'` with a text. The server relays it so that **bob receives it and alice does not**. Log what each one gets. (A chat that waits for the server's order would use `io.emit` instead: see the prose.)",
    zh: "假设 alice 的页面发送后立刻在本地显示自己的内容（乐观的本地回显，就像“正在输入”提示那样），不需要服务器再发回一份。在客户端打开**两个**连接（`const alice = io.connect(); const bob = io.connect();`）。等 bob 连上之后，alice 发送带文本的 `'chat'` 事件。服务器转发它，让 **bob 收到、alice 收不到**。两边各自打印收到的内容。（要以服务器定的顺序为准的聊天室，用的是 `io.emit`，见正文。）",
  },
  hints: {
    en: [
      'Every `io.connect()` to the same server and namespace opens its own connection (its own Engine.IO `sid`).',
      "Emit from alice inside `bob.on('connect', …)`: a broadcast sent before bob is there never reaches him.",
      "`io.emit` sends to everyone, the sender included; `socket.broadcast.emit('chat', text)` to everyone but `socket`.",
    ],
    zh: [
      '对同一个服务器、同一个命名空间，每次 `io.connect()` 都会建立一条独立的连接（各自的 Engine.IO `sid`）。',
      "在 `bob.on('connect', …)` 里让 alice 发送：bob 连上之前发出的广播，他收不到。",
      "`io.emit` 发给所有人，包括发送者；`socket.broadcast.emit('chat', text)` 发给除 `socket` 之外的所有人。",
    ],
  },
  solution: {
    'server.js': `${SERVER_START}
io.on('connection', (socket) => {
  console.log('connected:', socket.id);

  // Everyone except the sender, who already shows it; io.emit('chat', text) would echo it back to alice as well.
  socket.on('chat', (text) => {
    socket.broadcast.emit('chat', text);
  });
});

server.listen(3000, () => console.log('listening on 3000'));
`,
    'client.js': `const alice = io.connect();
const bob = io.connect();

alice.on('chat', (text) => console.log('alice got', text));
bob.on('chat', (text) => console.log('bob got', text));

// Only once bob is connected is there someone to broadcast to.
bob.on('connect', () => alice.emit('chat', 'hi, this is alice'));
`,
  },
  watchMs: 7_000,
  // Must reject: the starting code; io.emit (the sender gets its own copy); socket.emit (only the sender); a send before
  // bob connects. Must accept: socket.broadcast.emit, or io.except(socket.id).emit, any that reaches the others only.
  check(o) {
    const packets = socketIoPackets(o);
    const sessions = connectedSessions(packets);
    const sends = sioEvents(packets, 'c2s', 'chat');
    if (sessions.length < 2) {
      return pending(
        [`${sessions.length} socket.io connection(s)`, `${sessions.length} 条 socket.io 连接`],
        ['two connections (two io.connect() calls)', '两条连接（调用两次 io.connect()）'],
      );
    }
    if (sends.length === 0) {
      return pending(['no 42["chat",…] sent by any connection', '没有任何连接发出 42["chat",…]'], ['one connection to emit “chat”', '其中一条连接发送“chat”']);
    }
    const received = sioEvents(packets, 's2c', 'chat');
    const carries = (p: WirePacket, send: WirePacket) => sameArgs(p.sio!.args, send.sio!.args);
    for (const send of sends) {
      const echo = received.find((p) => p.sid === send.sid && carries(p, send));
      if (echo) {
        return {
          pass: false,
          saw: t('the sender got its own “chat” back ({p})', '发送者自己也收到了“chat”（{p}）', { p: showPacket(echo) }),
          expected: t('only the other connections to receive it: socket.broadcast.emit, not io.emit', '只有其他连接收到：用 socket.broadcast.emit，而不是 io.emit'),
        };
      }
    }
    const heard = sends.flatMap((send) => received.filter((p) => p.sid !== send.sid && p.time >= send.time && carries(p, send)));
    if (heard.length === 0) {
      return pending(
        ['“chat” was sent, and no other connection received it', '“chat”已发出，但没有其他连接收到'],
        ['the other connection to receive 42["chat",…] with the same text', '另一条连接收到内容相同的 42["chat",…]'],
      );
    }
    // An echo to the sender would arrive about when the others' copies do: watch a moment before saying yes.
    return o.elapsed - heard[0]!.time >= 1_000
      ? { pass: true }
      : pending(['the other connection got it; watching the sender…', '另一条连接已收到；正在观察发送者…'], ['no copy back to the sender', '发送者收不到副本']);
  },
};

/** Rooms live on the server: `socket.join(room)`, then `io.to(room).emit(...)` reaches only the members. */
const rooms: Exercise = {
  id: 'room-only',
  title: { en: "Receive only your room's news", zh: '只收到自己房间的消息' },
  task: {
    en: "Open two connections, `reader` and `passerby`. The reader emits `'join'` with `'news'`, and the server puts it in that room. Every second the server sends `'news'` to the room `'news'` only. The reader must receive it, the passerby nothing.",
    zh: "打开两条连接：`reader` 和 `passerby`。reader 发送 `'join'` 事件，参数是 `'news'`，服务器把它加入这个房间。服务器每秒只向房间 `'news'` 发送一次 `'news'` 事件。reader 应当收到，passerby 什么都收不到。",
  },
  hints: {
    en: [
      "Server: `socket.on('join', (room) => socket.join(room))`. A client cannot join a room by itself: rooms exist only on the server.",
      "Server, outside 'connection': `setInterval(() => io.to('news').emit('news', 'headline ' + (++n)), 1000)`.",
      "Client: `reader.on('connect', () => reader.emit('join', 'news'))`, and listen for `'news'` on both to see the difference.",
    ],
    zh: [
      "服务器：`socket.on('join', (room) => socket.join(room))`。客户端不能自己加入房间：房间只存在于服务器上。",
      "服务器（写在 'connection' 外面）：`setInterval(() => io.to('news').emit('news', 'headline ' + (++n)), 1000)`。",
      "客户端：`reader.on('connect', () => reader.emit('join', 'news'))`，两条连接都监听 `'news'`，就能看出差别。",
    ],
  },
  solution: {
    'server.js': `${SERVER_START}
io.on('connection', (socket) => {
  console.log('connected:', socket.id);
  socket.on('join', (room) => {
    socket.join(room);
    console.log(socket.id, 'joined', room);
  });
});

// Only the sockets in the room 'news' get these; everyone else hears nothing.
let n = 0;
setInterval(() => io.to('news').emit('news', 'headline ' + ++n), 1000);

server.listen(3000, () => console.log('listening on 3000'));
`,
    'client.js': `const reader = io.connect();
const passerby = io.connect();

reader.on('connect', () => reader.emit('join', 'news'));

reader.on('news', (item) => console.log('reader got', item));
passerby.on('news', (item) => console.log('passerby got', item));
`,
  },
  watchMs: 7_000,
  // Must reject: the starting code; io.emit to all (the passerby gets it); a join the server never performs. Must accept:
  // io.to('news').emit or io.in('news').emit from the server after the reader's join.
  check(o) {
    const packets = socketIoPackets(o);
    const sessions = connectedSessions(packets);
    if (sessions.length < 2) {
      return pending(
        [`${sessions.length} socket.io connection(s)`, `${sessions.length} 条 socket.io 连接`],
        ['two connections (two io.connect() calls)', '两条连接（调用两次 io.connect()）'],
      );
    }
    const news = sioEvents(packets, 's2c', 'news');
    const members = new Set(news.map((p) => p.sid));
    const outside = sessions.filter((s) => !members.has(s));
    if (news.length === 0) {
      return pending(['no 42["news",…] reached any connection', '没有任何连接收到 42["news",…]'], ['the room’s members to receive “news”', '房间成员收到“news”']);
    }
    if (outside.length === 0) {
      return {
        pass: false,
        saw: t('every connection received “news” ({n} connections)', '每条连接都收到了“news”（共 {n} 条）', { n: sessions.length }),
        expected: t('a connection outside the room to receive none: io.to(\'news\').emit, not io.emit', '房间外的连接收不到：用 io.to(\'news\').emit，而不是 io.emit'),
      };
    }
    // Two deliveries to the room prove the non-member was left out over time, not just missed the first one.
    return news.length >= 2
      ? { pass: true }
      : pending(['one “news” delivered so far; watching…', '目前送达一次“news”；继续观察…'], ['the room to keep receiving “news” and the others none', '房间持续收到“news”，其他连接一条也收不到']);
  },
};

export const exercises: Exercise[] = [fixThisEmit, acknowledge, broadcast, rooms];
