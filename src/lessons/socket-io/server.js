// The course builds this server on a Koa app: require('http').createServer(app.callback()).
// app.callback() only turns the Koa app into a plain (req, res) function for Node's http module,
// so a plain function stands in for it here. socket.io attaches to the same server either way.
const server = require('http').createServer((req, res) => {
  res.end('ordinary HTTP requests still reach this handler');
});
const io = require('socket.io')(server);

io.on('connection', (socket) => {
  console.log('connected:', socket.id);

  socket.on('clientfn', (data) => {
    console.log('clientfn:', data);
    // socket.emit answers this one client; io.emit would tell every client.
    socket.emit('message', 'hello i am server');
  });

  socket.on('disconnect', (reason) => {
    console.log('disconnected:', socket.id, reason);
  });
});

server.listen(3000, () => console.log('listening on 3000'));
