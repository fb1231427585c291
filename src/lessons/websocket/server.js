// The course's WebSocket server (the ws package), with a few console.log calls added to watch it.
var WebSocketServer = require('ws').Server,
  wss = new WebSocketServer({ port: 8181 });

// ws hands over the handshake's HTTP request as the second argument.
wss.on('connection', function (ws, req) {
  console.log('client connected, Upgrade:', req.headers.upgrade, 'version:', req.headers['sec-websocket-version']);
  ws.on('message', function (message) {
    // Listen for data from the client. ws 8 gives a Buffer: toString() makes it text.
    console.log('received:', message.toString());
  });
  ws.on('close', function (code, reason) {
    // ws does not say who closed. This server never closes a connection itself, so a close frame came from the
    // client; 1006 means no close frame came at all: the connection died (a network cut, a crash, a terminate()).
    if (code === 1006) console.log('connection lost without a close frame:', code);
    else console.log('closed by the client:', code, reason.toString());
  });
  setInterval(() => {
    let somedata = {
      name: '张三',
      age: 20,
    };
    ws.send(JSON.stringify(somedata));
    console.log('sent');
  }, 1000);
});
