const socket = io();
const form = document.getElementById('form');
const input = document.getElementById('input');
const messages = document.getElementById('messages');

form.addEventListener('submit', (e) => {
  e.preventDefault();
  if (input.value) {
    socket.emit('chat message', input.value);
    input.value = '';
  }
});

socket.on('chat message', (msg) => {
  const item = document.createElement('li');
  // textContent, never innerHTML: a message is text, whatever it contains.
  item.textContent = `${msg.from}: ${msg.text}`;
  messages.appendChild(item);
  console.log('got', msg.text);
});
