// The course's WebSocket server, as written in the course.
var WebSocketServer = require('ws').Server,
  wss = new WebSocketServer({ port: 8181 });

wss.on('connection', function (ws) {
  console.log('client connected');
  ws.on('message', function (message) {
    // ws 8 hands over a Buffer: turn it into text to read it.
    console.log('received:', message.toString());
  });
  setInterval(() => {
    let somedata = {
      name: '张三',
      age: 20,
    };
    ws.send(JSON.stringify(somedata));
  }, 1000);
});
