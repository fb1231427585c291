// An HTTP server that sends an export to a client that reads it slowly; and one WebSocket server, twenty clients,
// and a restart in the middle, as a deploy does it.
const http = require('http');
const { WebSocketServer } = require('ws');

// The export: 300 records of about 1 KB, one JSON object a line (NDJSON), to a client that reads 100 KB a second.
const RECORDS = 300;

function record(n) {
  return JSON.stringify({ n, data: 'x'.repeat(1000) }) + '\n';
}

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });

  // The most this response ever held in memory: written by us, not yet taken by the network.
  let mostHeld = 0;
  function send(line) {
    const ok = res.write(line);
    mostHeld = Math.max(mostHeld, res.writableLength);
    return ok;
  }
  res.on('close', () => console.log('export: at most ' + mostHeld + ' bytes waited in memory'));

  for (let n = 1; n <= RECORDS; n++) send(record(n));
  res.end();
}).listen(3000);

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
