// Step 1 of the chat: send what is typed, show what the server broadcasts.
const socket = io();
const form = document.getElementById('form');
const input = document.getElementById('input');
const messages = document.getElementById('messages');

// The windows speak the course page's language: they are frames of that page (on a page of its own, its own lang).
const lang = (() => {
  try {
    return /^zh/i.test(top.document.documentElement.lang) ? 'zh' : 'en';
  } catch {
    return /^zh/i.test(navigator.language) ? 'zh' : 'en';
  }
})();
const say = {
  en: { send: 'Send', placeholder: 'Say something' },
  zh: { send: '发送', placeholder: '说点什么' },
}[lang];
form.querySelector('button').textContent = say.send;
input.placeholder = say.placeholder;

socket.on('connect', () => console.log('connected as', socket.id));

form.addEventListener('submit', (e) => {
  e.preventDefault(); // a form would otherwise reload the page
  if (input.value.trim() === '') return;
  socket.emit('message', { text: input.value });
  input.value = '';
});

socket.on('message', (m) => {
  const item = document.createElement('li');
  item.textContent = `${m.from}: ${m.text}`; // textContent, never innerHTML: a message is text, whatever it contains
  messages.appendChild(item);
  item.scrollIntoView({ block: 'nearest' });
});
