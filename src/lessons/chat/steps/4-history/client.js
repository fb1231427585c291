// The whole chat page: join with a nickname, send each message with its own id until the server acknowledges it,
// show each server offset once, and come back after a drop with the last offset seen.
const $ = (id) => document.getElementById(id);

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

const clientId = randomId() + randomId(); // who this window is, to the server; private messages are addressed to it
let room; // where we are, once the server said so
let nick;
let serverOffset; // the highest offset shown: a reconnection asks for everything after it
const seen = new Set();

// The windows speak the course page's language: they are frames of that page (on a page of its own, its own lang).
const lang = (() => {
  try {
    return /^zh/i.test(top.document.documentElement.lang) ? 'zh' : 'en';
  } catch {
    return /^zh/i.test(navigator.language) ? 'zh' : 'en';
  }
})();
const say = {
  en: {
    send: 'Send', placeholder: 'Say something', nick: 'Nickname', join: 'Join', joined: 'joined', left: 'left',
    everyone: 'everyone', offline: 'Go offline', online: 'Go online', onlineIn: (room) => `Online in ${room}: `,
    typing: (names) => `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`,
    skipped: '(some older messages were skipped)', notSent: 'not sent: ',
  },
  zh: {
    send: '发送', placeholder: '说点什么', nick: '昵称', join: '加入', joined: '加入了', left: '离开了',
    everyone: '所有人', offline: '下线', online: '上线', onlineIn: (room) => `${room} 在线：`,
    typing: (names) => `${names.join('、')} 正在输入…`,
    skipped: '（更早的消息没有显示）', notSent: '未发送：',
  },
}[lang];
$('join').querySelector('button').textContent = say.join;
$('nick').placeholder = say.nick;
$('form').querySelector('button').textContent = say.send;
$('input').placeholder = say.placeholder;
$('toggle').textContent = say.offline;
$('to').options[0].text = say.everyone;
$('nick').value = 'guest-' + Math.random().toString(16).slice(2, 6);

const socket = io({
  // A function, so it is read again at every reconnection.
  auth: (cb) => cb({ clientId, room, nick, serverOffset }),
});

function line(text, className) {
  const item = document.createElement('li');
  item.textContent = text; // textContent, never innerHTML: a message is text, whatever it contains
  if (className) item.className = className;
  $('messages').appendChild(item);
  item.scrollIntoView({ block: 'nearest' });
}

function receive(m) {
  if (m.room !== room || seen.has(m.offset)) return; // broadcast and replay may both bring it: show it once
  seen.add(m.offset);
  serverOffset = Math.max(serverOffset ?? 0, m.offset);
  stopTyping(m.from);
  if (m.to === undefined) line(`${m.from}: ${m.text}`);
  else line(`${m.from} → ${m.to}: ${m.text}`, 'private');
}

function showOnline(nicks) {
  $('online').textContent = say.onlineIn(room) + nicks.join(', ');
  const to = $('to');
  const chosen = to.value;
  to.replaceChildren(new Option(say.everyone, ''), ...nicks.filter((n) => n !== nick).map((n) => new Option(`→ ${n}`, n)));
  to.value = nicks.includes(chosen) ? chosen : '';
}

function entered(result) {
  if (result.room !== room) {
    $('messages').replaceChildren();
    seen.clear();
    serverOffset = undefined;
  }
  room = result.room;
  nick = result.nick;
  showOnline(result.online);
  if (result.truncated) line(say.skipped, 'notice');
  result.messages.forEach(receive);
}

function join() {
  socket.emit('join', { room: $('room').value, nick: $('nick').value }, (result) => {
    if (!result.ok) return line(result.message[lang], 'error');
    entered(result);
    console.log(`joined ${room} as ${nick}`);
  });
}

// The first connection joins; after a reconnection the server re-enters us itself (from `auth`) and says 'rejoined'.
socket.on('connect', () => {
  $('toggle').textContent = say.offline;
  if (room === undefined) join();
});
socket.on('disconnect', (reason) => {
  $('toggle').textContent = say.online;
  console.log('disconnected:', reason);
});
socket.on('rejoined', (result) => {
  if (result.ok) entered(result);
  else line(result.message[lang], 'error');
});
socket.on('message', receive);
socket.on('online', (list) => list.room === room && showOnline(list.nicks));
socket.on('notice', (n) => {
  if (n.room !== room || n.nick === nick) return;
  if (n.kind === 'left') stopTyping(n.nick);
  line(`${n.nick} ${n.kind === 'joined' ? say.joined : say.left}`, 'notice');
});

// ---- "is typing": repeat `true` every 1.5 s while typing; others forget it after 4 s without a repeat ----------
const typingTimers = new Map();
let lastTypingSent = 0;
function showTyping() {
  const names = [...typingTimers.keys()];
  $('typing').textContent = names.length ? say.typing(names) : '';
}
function stopTyping(who) {
  clearTimeout(typingTimers.get(who));
  if (typingTimers.delete(who)) showTyping();
}
socket.on('typing', (t) => {
  if (t.room !== room) return;
  stopTyping(t.nick);
  // A window that vanishes mid-word never sends `false`: the indicator times out by itself.
  if (t.typing) typingTimers.set(t.nick, setTimeout(() => stopTyping(t.nick), 4000));
  showTyping();
});
$('input').addEventListener('input', () => {
  const typing = $('input').value !== '';
  if (typing && Date.now() - lastTypingSent < 1500) return;
  lastTypingSent = typing ? Date.now() : 0;
  // `true` is stale a second later: volatile, so while offline it is dropped instead of queued and sent late.
  // `false` must arrive (or the others see "typing" until their time-out): a plain emit, queued if need be.
  if (typing) socket.volatile.emit('typing', true);
  else socket.emit('typing', false);
});

// ---- Sending: the same id until acknowledged; the server keeps one copy however often it arrives ---------------
function send(text, to) {
  const id = randomId();
  const request = to ? { id, text, to } : { id, text };
  const attempt = () => {
    socket.timeout(5000).emit('message', request, (err, result) => {
      if (err) return attempt(); // no answer in time (offline, server busy): the same id again
      if (result.ok) return;
      if (result.error === 'rate-limited') {
        line(result.message[lang], 'error');
        return setTimeout(attempt, result.retryAfterMs);
      }
      line(say.notSent + result.message[lang], 'error');
    });
  };
  attempt();
}

$('form').addEventListener('submit', (e) => {
  e.preventDefault();
  if ($('input').value.trim() === '') return;
  send($('input').value, $('to').value || undefined);
  $('input').value = '';
  lastTypingSent = 0;
  socket.emit('typing', false);
});
$('join').addEventListener('submit', (e) => {
  e.preventDefault();
  join();
});
// Going offline by hand, as the socket.io tutorial does: messages sent meanwhile wait, and come back is replayed.
$('toggle').addEventListener('click', () => (socket.connected ? socket.disconnect() : socket.connect()));
