// One WebSocket server, twenty clients, and a restart in the middle, as a deploy does it.
const { WebSocketServer } = require('ws');

// The heartbeat: every connection gets a 'ping' message this often, and each client answers 'pong'.
const HEARTBEAT_MS = 1000;

let wss;

function start() {
  wss = new WebSocketServer({ port: 8181 });
  wss.on('listening', () => console.log('listening on 8181'));
  wss.on('connection', (ws, req) => {
    // Each client says who it is in its URL's path: ws://localhost:8181/client/7
    const client = req.url.split('/').pop();

    const heartbeat = setInterval(() => {
      ws.send('ping');
    }, HEARTBEAT_MS);

    ws.on('message', (data) => {
      if (data.toString() === 'pong') {
        // The client is alive.
      }
    });

    ws.on('close', (code) => {
      clearInterval(heartbeat);
      if (client === '1') console.log('client 1: connection closed', code);
    });
  });
}

start();

// The restart: at 8 s every connection is cut and the port is free; 4 s later the new server listens again.
setTimeout(() => {
  console.log('restarting: every connection is cut');
  for (const ws of wss.clients) ws.terminate();
  wss.close();
  setTimeout(start, 4000);
}, 8000);
