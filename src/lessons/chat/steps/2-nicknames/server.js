// Step 2 of the chat: a nickname for each person, unique in the room, and a notice when someone joins or leaves.
const http = require('http');
const server = http.createServer();
const io = require('socket.io')(server);

const MAX_TEXT = 1000;
const ROOM = 'lobby'; // one room for now
const NICK = /^[\p{L}\p{N}_.-]+(?: [\p{L}\p{N}_.-]+)*$/u; // words of letters, digits, _ . - with single spaces

function normalizeNick(raw) {
  if (typeof raw !== 'string') return null;
  const nick = raw.normalize('NFC').trim();
  return [...nick].length >= 1 && [...nick].length <= 20 && NICK.test(nick) ? nick : null;
}
const nickKey = (nick) => nick.normalize('NFKC').toLowerCase(); // "Ada" and "ada" are one person to a reader

io.on('connection', (socket) => {
  socket.on('join', async (request, ack) => {
    if (typeof ack !== 'function') return;
    const nick = normalizeNick(request?.nick);
    if (!nick) return ack({ ok: false, error: 'nick-invalid', message: { en: 'Pick another nickname.', zh: '请换一个昵称。' } });
    const others = (await io.in(ROOM).fetchSockets()).filter((s) => s.id !== socket.id);
    if (others.some((s) => s.data.nick && nickKey(s.data.nick) === nickKey(nick))) {
      return ack({ ok: false, error: 'nick-taken', message: { en: 'That nickname is taken.', zh: '这个昵称已被使用。' } });
    }
    const before = socket.data.nick;
    socket.data.nick = nick;
    await socket.join(ROOM);
    // Everyone else hears about it; the newcomer learns it from the ack.
    if (before) socket.to(ROOM).emit('notice', { kind: 'left', room: ROOM, nick: before, time: Date.now() });
    socket.to(ROOM).emit('notice', { kind: 'joined', room: ROOM, nick, time: Date.now() });
    console.log(`${nick} joined`);
    ack({ ok: true, room: ROOM, nick });
  });

  socket.on('message', (request) => {
    const text = request?.text;
    if (!socket.data.nick) return; // join first
    if (typeof text !== 'string' || text.trim() === '' || [...text].length > MAX_TEXT) return;
    io.to(ROOM).emit('message', { room: ROOM, from: socket.data.nick, text });
  });

  socket.on('disconnect', () => {
    const { nick } = socket.data;
    if (nick) io.to(ROOM).emit('notice', { kind: 'left', room: ROOM, nick, time: Date.now() });
  });
});

server.listen(3000, () => console.log('chat server on port 3000'));
