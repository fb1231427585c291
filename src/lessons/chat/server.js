// Step 1 of the chat: every message a client sends goes to everyone connected, the sender included.
const http = require('http');
const server = http.createServer();
const io = require('socket.io')(server);

const MAX_TEXT = 1000;

io.on('connection', (socket) => {
  console.log('connected:', socket.id);

  socket.on('message', (request) => {
    const text = request?.text;
    // Never trust what arrives: it may not be text at all, or a whole book.
    if (typeof text !== 'string' || text.trim() === '' || [...text].length > MAX_TEXT) return;
    io.emit('message', { from: socket.id.slice(0, 4), text });
  });

  socket.on('disconnect', (reason) => console.log('disconnected:', socket.id, reason));
});

server.listen(3000, () => console.log('chat server on port 3000'));
