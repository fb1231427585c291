// The whole chat: the protocol of the course's real chat (`npm start` serves it at /chat), in plain Node.
// The real chat keeps its history in SQLite; here it lives in an array, so every Run starts afresh.
//
//   client → server   join({room, nick}, ack)  message({id, text, to?}, ack)  typing(true|false)  leave(ack)
//   server → client   message  notice({kind, room, nick})  online({room, nicks})  typing({room, nick, typing})  rejoined
const http = require('http');
const server = http.createServer();
const io = require('socket.io')(server);

const MAX_TEXT = 1000;
const HISTORY_ON_JOIN = 50;
const MAX_REPLAY = 1000;
const RATE_PER_SECOND = 5;
const RATE_BURST = 10;

// ---- Rules, as the real chat checks them -------------------------------------------------------------------------
const NICK = /^[\p{L}\p{N}_.-]+(?: [\p{L}\p{N}_.-]+)*$/u; // words of letters, digits, _ . - with single spaces
const ROOM = /^[\p{L}\p{N}_-]+$/u;
const CLIENT_ID = /^[A-Za-z0-9_-]{16,64}$/;
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const length = (s) => [...s].length; // code points: '😀' is one, not two UTF-16 units (a person would count '👍🏽' as one, this as two: see the prose)

function normalizeNick(raw) {
  if (typeof raw !== 'string') return null;
  const nick = raw.normalize('NFC').trim();
  return length(nick) >= 1 && length(nick) <= 20 && NICK.test(nick) ? nick : null;
}
function normalizeRoom(raw) {
  if (typeof raw !== 'string') return null;
  const room = raw.normalize('NFKC').trim().toLowerCase(); // "Lobby" and "lobby" are one room
  return length(room) >= 1 && length(room) <= 32 && ROOM.test(room) ? room : null;
}
const nickKey = (nick) => nick.normalize('NFKC').toLowerCase(); // "Ada" and "ada" are one person to a reader

const ERRORS = {
  'nick-invalid': { en: 'A nickname is 1 to 20 letters, digits, spaces, "_", "-" or ".".', zh: '昵称为 1 到 20 个字母、数字、空格、“_”、“-”或“.”。' },
  'nick-taken': { en: 'Someone in this room already uses that nickname.', zh: '这个房间里已经有人使用这个昵称。' },
  'room-invalid': { en: 'A room name is 1 to 32 letters, digits, "_" or "-".', zh: '房间名为 1 到 32 个字母、数字、“_”或“-”。' },
  'not-joined': { en: 'Join a room first.', zh: '请先加入一个房间。' },
  'text-empty': { en: 'The message is empty.', zh: '消息是空的。' },
  'text-too-long': { en: `A message is at most ${MAX_TEXT} characters.`, zh: `一条消息最多 ${MAX_TEXT} 个字符。` },
  'bad-request': { en: 'The server did not understand that request.', zh: '服务器无法理解这个请求。' },
  'rate-limited': { en: 'You are sending too fast; the message will go out in a moment.', zh: '发送太快了，消息稍后会自动发出。' },
  'no-such-user': { en: 'Nobody with that nickname is online in this room.', zh: '这个房间里没有使用该昵称的在线用户。' },
};
const fail = (error, extra = {}) => ({ ok: false, error, message: ERRORS[error], ...extra });

// ---- History: each stored message gets the next offset; one copy per (client, message id) ------------------------
// The first message is there so that the very first Run has some history to show on joining.
const history = [{ offset: 1, id: 'welcome', room: 'lobby', from: 'server', text: 'Welcome to the lobby! Messages show as typed, <b>tags</b> and all.', time: Date.now() }];
const byClientMessage = new Map(); // `${fromClient} ${id}` → the stored message

function store(message) {
  const stored = { ...message, offset: history.length + 1 };
  history.push(stored);
  byClientMessage.set(`${message.fromClient} ${message.id}`, stored);
  return stored;
}
// Others never see a client id (it is what private messages are addressed to): this is what goes on the wire.
function wire({ offset, id, room, from, to, text, time }) {
  return to === undefined ? { offset, id, room, from, text, time } : { offset, id, room, from, to, text, time };
}
const readableBy = (m, clientId) => m.toClient === undefined || m.toClient === clientId || m.fromClient === clientId;

// ---- A token bucket per client: bursts of RATE_BURST, then RATE_PER_SECOND ---------------------------------------
const buckets = new Map();
function waitBeforeSending(clientId) {
  const now = Date.now();
  const bucket = buckets.get(clientId) ?? { tokens: RATE_BURST, at: now };
  bucket.tokens = Math.min(RATE_BURST, bucket.tokens + ((now - bucket.at) * RATE_PER_SECOND) / 1000);
  bucket.at = now;
  buckets.set(clientId, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.ceil(((1 - bucket.tokens) * 1000) / RATE_PER_SECOND);
}

// ---- Rooms and who is in them ------------------------------------------------------------------------------------
async function members(room) {
  const sockets = await io.in(room).fetchSockets();
  return sockets.map((s) => s.data).filter((d) => d.room === room && d.nick);
}
function uniqueNicks(list) {
  const byKey = new Map(list.map((d) => [nickKey(d.nick), d.nick])); // two tabs of one person: one name
  return [...byKey.values()].sort((a, b) => a.localeCompare(b));
}
async function sendOnline(room) {
  io.to(room).emit('online', { room, nicks: uniqueNicks(await members(room)) });
}

async function announceLeft(room, nick, clientId) {
  // "left" only when the person's last tab in the room is gone
  const still = (await members(room)).some((d) => d.clientId === clientId && nickKey(d.nick) === nickKey(nick));
  if (!still) io.to(room).emit('notice', { kind: 'left', room, nick, time: Date.now() });
  await sendOnline(room);
}

async function leaveRoom(socket) {
  const { room, nick, clientId } = socket.data;
  if (!room || !nick) return;
  socket.data.room = undefined;
  socket.data.nick = undefined;
  await socket.leave(room);
  await announceLeft(room, nick, clientId);
}

// Join `room` as `nick`. With `after` (a reconnection), replay everything above that offset instead of the latest 50.
async function enter(socket, rawRoom, rawNick, after) {
  const room = normalizeRoom(rawRoom);
  if (!room) return fail('room-invalid');
  const nick = normalizeNick(rawNick);
  if (!nick) return fail('nick-invalid');
  const { clientId } = socket.data;
  const present = await members(room);
  // Unique per room, without case; the same client (another tab of the same person) may hold it twice.
  // Checked before leaving the current room: a refused name leaves the person where they were.
  if (present.some((d) => nickKey(d.nick) === nickKey(nick) && d.clientId !== clientId)) return fail('nick-taken');
  const returning = present.some((d) => d.clientId === clientId && nickKey(d.nick) === nickKey(nick));
  if (socket.data.room !== room || socket.data.nick !== nick) await leaveRoom(socket);
  socket.data.room = room;
  socket.data.nick = nick;
  await socket.join(room);
  // Joined before reading the history: a message stored meanwhile arrives twice rather than never (the page keeps one).
  const visible = history.filter((m) => m.room === room && readableBy(m, clientId) && m.offset > (after ?? 0));
  const messages = after === undefined ? visible.slice(-HISTORY_ON_JOIN) : visible.slice(0, MAX_REPLAY);
  if (!returning) socket.to(room).emit('notice', { kind: 'joined', room, nick, time: Date.now() });
  await sendOnline(room);
  console.log(`${nick} joined ${room}`); // never a message's text in the logs
  const online = uniqueNicks(await members(room));
  return { ok: true, room, nick, online, messages: messages.map(wire), truncated: visible.length > messages.length && after !== undefined };
}

async function send(socket, request) {
  if (typeof request !== 'object' || request === null) return fail('bad-request');
  const { id, text, to } = request;
  if (typeof id !== 'string' || !MESSAGE_ID.test(id) || typeof text !== 'string' || (to !== undefined && typeof to !== 'string')) {
    return fail('bad-request');
  }
  const { room, nick, clientId } = socket.data;
  if (!room || !nick) return fail('not-joined');
  // A retry of a message already stored: acknowledge it again, store and broadcast nothing.
  const already = byClientMessage.get(`${clientId} ${id}`);
  if (already) return { ok: true, offset: already.offset };
  if (text.trim() === '') return fail('text-empty');
  if (length(text) > MAX_TEXT) return fail('text-too-long');
  const wait = waitBeforeSending(clientId);
  if (wait > 0) return fail('rate-limited', { retryAfterMs: wait });
  let target;
  if (to !== undefined) {
    target = (await members(room)).find((d) => nickKey(d.nick) === nickKey(to));
    if (!target) return fail('no-such-user');
  }
  const message = store({ room, fromClient: clientId, from: nick, toClient: target?.clientId, to: target?.nick, id, text, time: Date.now() });
  // A private message goes to every tab of the recipient and of the sender: each client is in its own room.
  if (target) io.to(`client:${target.clientId}`).to(`client:${clientId}`).emit('message', wire(message));
  else io.to(room).emit('message', wire(message));
  return { ok: true, offset: message.offset };
}

// Joins run one at a time, across all sockets. Between reading who holds a name and taking it there are awaits
// (leaving the old room, joining the new one): two sockets asking for one name at the same moment must not both find
// it free. One process only; with several, the name would have to be claimed in the shared store.
let joins = Promise.resolve();
function oneJoinAtATime(task) {
  const result = joins.then(task);
  joins = result.catch(() => {}); // a failed join must not block the ones after it
  // A join that throws (a bug, a store that failed) is answered with an error, never left rejected: the socket's
  // messages wait for its join, and a rejected one would leave every later message unacknowledged.
  return result.catch((err) => {
    console.error('join failed:', err.message);
    return fail('bad-request');
  });
}

// Every connection says who it is: a random client id the page keeps (private messages are addressed to it).
io.use((socket, next) => {
  const { clientId } = socket.handshake.auth;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) return next(new Error('client-invalid'));
  socket.data.clientId = clientId;
  next();
});

io.on('connection', (socket) => {
  // Handlers first, before any await: a packet the client sends right after connecting must find them.
  // Messages wait for a join under way, so one sent while offline is not refused while the reconnection re-enters.
  let entering = Promise.resolve();
  socket.on('join', (request, ack) => {
    if (typeof ack !== 'function') return;
    entering = oneJoinAtATime(() => enter(socket, request?.room, request?.nick, undefined)).then(ack);
  });
  socket.on('message', (request, ack) => {
    if (typeof ack !== 'function') return; // without an ack the client could never know it arrived
    entering
      .then(() => send(socket, request))
      .catch((err) => {
        console.error('message failed:', err.message);
        return fail('bad-request');
      })
      .then(ack);
  });
  let lastTyping = 0;
  socket.on('typing', (typing) => {
    const { room, nick } = socket.data;
    if (!room || !nick) return;
    // A page repeats `true` every 1.5 s while typing; anything much faster is a misbehaving client, not news.
    const now = Date.now();
    if (typing === true && now - lastTyping < 250) return;
    lastTyping = typing === true ? now : 0;
    socket.to(room).emit('typing', { room, nick, typing: typing === true });
  });
  socket.on('leave', (ack) => {
    leaveRoom(socket).then(() => typeof ack === 'function' && ack());
  });
  socket.on('disconnect', () => {
    const { room, nick, clientId } = socket.data;
    if (room && nick) announceLeft(room, nick, clientId);
  });

  socket.join(`client:${socket.data.clientId}`);
  // A reconnection: the page says where it was and the last offset it has; re-enter and replay what it missed.
  const { room, nick, serverOffset } = socket.handshake.auth;
  if (room === undefined || nick === undefined) return;
  const after = Number.isInteger(serverOffset) ? serverOffset : undefined;
  entering = oneJoinAtATime(() => enter(socket, room, nick, after)).then((result) => socket.emit('rejoined', result));
});

server.listen(3000, () => console.log('chat server on port 3000'));
