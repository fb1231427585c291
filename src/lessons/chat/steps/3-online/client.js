// Step 3 of the chat: join with a nickname; show who joins and leaves, and who is online.
const $ = (id) => document.getElementById(id);
const socket = io();

// The windows speak the course page's language: they are frames of that page (on a page of its own, its own lang).
const lang = (() => {
  try {
    return /^zh/i.test(top.document.documentElement.lang) ? 'zh' : 'en';
  } catch {
    return /^zh/i.test(navigator.language) ? 'zh' : 'en';
  }
})();
const say = {
  en: { send: 'Send', placeholder: 'Say something', nick: 'Nickname', join: 'Join', joined: 'joined', left: 'left', online: 'Online: ' },
  zh: { send: '发送', placeholder: '说点什么', nick: '昵称', join: '加入', joined: '加入了', left: '离开了', online: '在线：' },
}[lang];
let nick; // ours, once the server accepted it
$('join').querySelector('button').textContent = say.join;
$('nick').placeholder = say.nick;
$('form').querySelector('button').textContent = say.send;
$('input').placeholder = say.placeholder;
$('nick').value = 'guest-' + Math.random().toString(16).slice(2, 6);

function line(text, className) {
  const item = document.createElement('li');
  item.textContent = text; // textContent, never innerHTML: a message is text, whatever it contains
  if (className) item.className = className;
  $('messages').appendChild(item);
  item.scrollIntoView({ block: 'nearest' });
}

function join() {
  socket.emit('join', { nick: $('nick').value }, (result) => {
    if (!result.ok) return line(result.message[lang], 'error');
    nick = result.nick;
    showOnline(result.online);
    console.log('joined as', nick);
  });
}

socket.on('connect', join);
$('join').addEventListener('submit', (e) => {
  e.preventDefault();
  join();
});

$('form').addEventListener('submit', (e) => {
  e.preventDefault();
  if ($('input').value.trim() === '') return;
  socket.emit('message', { text: $('input').value });
  $('input').value = '';
});

socket.on('message', (m) => line(`${m.from}: ${m.text}`));
function showOnline(nicks) {
  $('online').textContent = say.online + nicks.join(', ');
}
socket.on('online', (list) => showOnline(list.nicks));
socket.on('notice', (n) => line(`${n.nick} ${n.kind === 'joined' ? say.joined : say.left}`, 'notice'));
