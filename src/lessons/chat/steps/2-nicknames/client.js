// Step 2 of the chat: join with a nickname; show who joins and leaves.
const $ = (id) => document.getElementById(id);
const socket = io();
let nick; // ours, once the server accepted it
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
    if (!result.ok) return line(result.message.en, 'error');
    nick = result.nick;
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
socket.on('notice', (n) => line(`${n.nick} ${n.kind === 'joined' ? 'joined' : 'left'}`, 'notice'));
