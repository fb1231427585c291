// A chat server: every message a client sends is broadcast to everyone, as text.
const http = require('http');
const server = http.createServer();
const io = require('socket.io')(server);

io.on('connection', (socket) => {
  console.log('joined:', socket.id);
  socket.on('chat message', (text) => {
    io.emit('chat message', { from: socket.id.slice(0, 4), text: String(text).slice(0, 1000) });
  });
  socket.on('disconnect', (reason) => console.log('left:', socket.id, reason));
});

server.listen(3000);
