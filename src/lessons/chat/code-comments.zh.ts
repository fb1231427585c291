import type { CodeCommentsZh } from '../../shared/lesson.js';

/** The Chinese of this lesson's code comments, line for line (src/lessons/code-comments.ts). */
export default {
  'server.js': {
    'Step 1 of the chat: every message a client sends goes to everyone connected, the sender included.': '聊天室第 1 步：客户端发的每条消息都发给所有已连接的人，包括发送者自己。',
    'Never trust what arrives: it may not be text at all, or a whole book.': '永远不要相信收到的内容：它可能根本不是文本，也可能是一整本书。',
    'Step 2 of the chat: a nickname for each person, unique in the room, and a notice when someone joins or leaves.':
      '聊天室第 2 步：每人一个昵称，在房间里不能重复；有人加入或离开时发通知。',
    'one room for now': '暂时只有一个房间',
    'words of letters, digits, _ . - with single spaces': '由字母、数字、_ . - 组成的词，词之间单个空格',
    '"Ada" and "ada" are one person to a reader': '在读者眼里，“Ada”和“ada”是同一个人',
    'Everyone else hears about it; the newcomer learns it from the ack.': '其他人都会收到通知；新人从确认（ack）里得知。',
    'join first': '先加入',
    "Step 3 of the chat: nicknames, join and leave notices, and the room's online list whenever it changes.":
      '聊天室第 3 步：昵称、加入和离开通知，以及房间在线名单一变就发。',
    'The whole list every time, not "add Ada" / "remove Bob": a client that missed one change is right again at the next.':
      '每次都发完整名单，而不是“加上 Ada”“去掉 Bob”：漏掉一次变化的客户端，下一次就又对了。',
    'the disconnected socket has already left its rooms': '断开的 socket 已经离开了它所在的房间',
    "The whole chat: the protocol of the course's real chat (`npm start` serves it at /chat), in plain Node.\nThe real chat keeps its history in SQLite; here it lives in an array, so every Run starts afresh.\n\n  client → server   join({room, nick}, ack)  message({id, text, to?}, ack)  typing(true|false)  leave(ack)\n  server → client   message  notice({kind, room, nick})  online({room, nicks})  typing({room, nick, typing})  rejoined":
      '完整的聊天室：本课程真实聊天室（`npm start` 在 /chat 提供）的协议，用纯 Node 实现。\n真实的聊天室把历史存在 SQLite 里；这里放在数组里，所以每次运行都从头开始。\n\n  客户端 → 服务器   join({room, nick}, ack)  message({id, text, to?}, ack)  typing(true|false)  leave(ack)\n  服务器 → 客户端   message  notice({kind, room, nick})  online({room, nicks})  typing({room, nick, typing})  rejoined',
    '---- Rules, as the real chat checks them -------------------------------------------------------------------------':
      '---- 规则，和真实的聊天室检查的一样 ----------------------------------------------------------------',
    "code points: '😀' is one, not two UTF-16 units (a person would count '👍🏽' as one, this as two: see the prose)":
      "按码点数：'😀' 是一个，不是两个 UTF-16 码元（人会把 '👍🏽' 算作一个，这里算两个：见正文）",
    '"Lobby" and "lobby" are one room': '“Lobby”和“lobby”是同一个房间',
    '---- History: each stored message gets the next offset; one copy per (client, message id) ------------------------\nThe first message is there so that the very first Run has some history to show on joining.':
      '---- 历史：每条存下的消息拿到下一个 offset；每个（客户端，消息 id）只存一份 ---------------------------\n第一条消息是为了让第一次运行加入时就有历史可看。',
    '`${fromClient} ${id}` → the stored message': '`${fromClient} ${id}` → 存下的消息',
    'Others never see a client id (it is what private messages are addressed to): this is what goes on the wire.':
      '别人永远看不到客户端 id（私信就是发给它的）：线路上传的是这个。',
    '---- A token bucket per client: bursts of RATE_BURST, then RATE_PER_SECOND ---------------------------------------':
      '---- 每个客户端一个令牌桶：先允许突发 RATE_BURST 条，之后每秒 RATE_PER_SECOND 条 ----------------------',
    '---- Rooms and who is in them ------------------------------------------------------------------------------------':
      '---- 房间，以及谁在里面 --------------------------------------------------------------------------------',
    'two tabs of one person: one name': '同一个人的两个标签页：一个名字',
    "\"left\" only when the person's last tab in the room is gone": '这个人在房间里的最后一个标签页关掉了，才算“离开”',
    'Join `room` as `nick`. With `after` (a reconnection), replay everything above that offset instead of the latest 50.':
      '以 `nick` 加入 `room`。带 `after`（重连）时，补发这个 offset 之后的全部消息，而不是最新的 50 条。',
    'Unique per room, without case; the same client (another tab of the same person) may hold it twice.\nChecked before leaving the current room: a refused name leaves the person where they were.':
      '在房间内唯一，不分大小写；同一个客户端（同一个人的另一个标签页）可以占用两次。\n在离开当前房间之前检查：名字被拒绝时，这个人还留在原来的房间。',
    'Joined before reading the history: a message stored meanwhile arrives twice rather than never (the page keeps one).':
      '先加入再读历史：期间存下的消息宁可到两次也不能一次不到（页面只保留一份）。',
    "never a message's text in the logs": '日志里永远不写消息的文本',
    'A retry of a message already stored: acknowledge it again, store and broadcast nothing.':
      '重发一条已经存下的消息：再确认一次，不再存储也不再广播。',
    'A private message goes to every tab of the recipient and of the sender: each client is in its own room.':
      '私信发给收件人和发件人的每个标签页：每个客户端都在自己的房间里。',
    'Joins run one at a time, across all sockets. Between reading who holds a name and taking it there are awaits\n(leaving the old room, joining the new one): two sockets asking for one name at the same moment must not both find\nit free. One process only; with several, the name would have to be claimed in the shared store.':
      '所有 socket 的加入一个一个地执行。从查看名字被谁占用到占用它之间有 await\n（离开旧房间、加入新房间）：两个 socket 同时要同一个名字，不能都发现它空着。\n这只适用于单进程；多进程时，名字要在共享的存储里占用。',
    'a failed join must not block the ones after it': '一次失败的加入不能挡住后面的',
    "A join that throws (a bug, a store that failed) is answered with an error, never left rejected: the socket's\nmessages wait for its join, and a rejected one would leave every later message unacknowledged.":
      '抛出异常的加入（代码有 bug、存储出错）要回一个错误，绝不能停在拒绝状态：这个 socket 的\n消息都在等它的加入，一旦拒绝，后面每条消息都得不到确认。',
    'Every connection says who it is: a random client id the page keeps (private messages are addressed to it).':
      '每个连接都说明自己是谁：页面保存的一个随机客户端 id（私信就是发给它的）。',
    'Handlers first, before any await: a packet the client sends right after connecting must find them.\nMessages wait for a join under way, so one sent while offline is not refused while the reconnection re-enters.':
      '先注册处理函数，再做任何 await：客户端一连上就发的数据包必须能找到它们。\n消息会等正在进行的加入，这样离线时发的消息不会在重连重新进入房间期间被拒绝。',
    'without an ack the client could never know it arrived': '没有确认（ack），客户端永远无法知道它到了没有',
    'A page repeats `true` every 1.5 s while typing; anything much faster is a misbehaving client, not news.':
      '页面在输入时每 1.5 秒重复一次 `true`；比这快得多的是行为异常的客户端，不值得转发。',
    'A reconnection: the page says where it was and the last offset it has; re-enter and replay what it missed.':
      '重连：页面说明它原来在哪、手里最后的 offset；重新进入房间并补发它错过的消息。',
  },
  'client.js': {
    'Step 1 of the chat: send what is typed, show what the server broadcasts.': '聊天室第 1 步：把输入的内容发出去，把服务器广播的内容显示出来。',
    "The windows speak the course page's language: they are frames of that page (on a page of its own, its own lang).": '窗口用课程页面的语言：它们是这个页面里的 iframe（单独打开时，用它自己的 lang）。',
    'a form would otherwise reload the page': '否则表单会重新加载页面',
    'textContent, never innerHTML: a message is text, whatever it contains': '用 textContent，不用 innerHTML：消息是文本，不管里面是什么',
    'Step 2 of the chat: join with a nickname; show who joins and leaves.': '聊天室第 2 步：用昵称加入；显示谁加入、谁离开。',
    'ours, once the server accepted it': '我们的昵称，服务器接受之后才有',
    'Step 3 of the chat: join with a nickname; show who joins and leaves, and who is online.':
      '聊天室第 3 步：用昵称加入；显示谁加入、谁离开，以及谁在线。',
    'The whole chat page: join with a nickname, send each message with its own id until the server acknowledges it,\nshow each server offset once, and come back after a drop with the last offset seen.':
      '完整的聊天页面：用昵称加入，每条消息带自己的 id 一直重发到服务器确认，\n每个服务器 offset 只显示一次，断线后带着看到的最后一个 offset 回来。',
    'who this window is, to the server; private messages are addressed to it': '这个窗口在服务器眼里是谁；私信就发给它',
    'where we are, once the server said so': '我们在哪个房间，服务器确认之后才有',
    'the highest offset shown: a reconnection asks for everything after it': '显示过的最大 offset：重连时请求它之后的全部消息',
    'A function, so it is read again at every reconnection.': '写成函数，每次重连都会重新读取。',
    'broadcast and replay may both bring it: show it once': '广播和补发可能都会带来它：只显示一次',
    "The first connection joins; after a reconnection the server re-enters us itself (from `auth`) and says 'rejoined'.":
      "第一次连接时加入；重连之后，服务器自己（根据 `auth`）让我们重新进入房间，并发来 'rejoined'。",
    '---- "is typing": repeat `true` every 1.5 s while typing; others forget it after 4 s without a repeat ----------':
      '---- “正在输入”：输入时每 1.5 秒重复一次 `true`；别人 4 秒没收到重复就忘掉它 ----------',
    'A window that vanishes mid-word never sends `false`: the indicator times out by itself.':
      '打字打到一半就消失的窗口永远不会发 `false`：提示会自己超时消失。',
    '`true` is stale a second later: volatile, so while offline it is dropped instead of queued and sent late.\n`false` must arrive (or the others see "typing" until their time-out): a plain emit, queued if need be.':
      '`true` 一秒后就过时了：用 volatile，离线时直接丢弃，而不是排队晚发。\n`false` 必须送到（否则别人会一直看到“正在输入”直到超时）：用普通的 emit，必要时排队。',
    '---- Sending: the same id until acknowledged; the server keeps one copy however often it arrives ---------------':
      '---- 发送：确认之前一直用同一个 id；不管到了几次，服务器只保留一份 ---------------',
    'no answer in time (offline, server busy): the same id again': '没有按时得到回应（离线、服务器忙）：用同一个 id 再发',
    'Going offline by hand, as the socket.io tutorial does: messages sent meanwhile wait, and come back is replayed.':
      '像 socket.io 教程那样手动下线：期间发的消息会等着，回来后补发。',
  },
} satisfies CodeCommentsZh;
