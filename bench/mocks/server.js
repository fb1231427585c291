// The benchmark's server, ordinary Node code as a lesson writes it. The same text runs twice in one `npm run
// bench:mocks`: as server.js of a run in the in-browser runtime (ports 3000 and 8181, as the lessons use), and in a
// real Node child process on free loopback ports (BENCH_HTTP_PORT, BENCH_WS_PORT) as the reference.
const http = require('http');
const { WebSocketServer } = require('ws');
const { Server } = require('socket.io');

const HTTP_PORT = Number(process.env.BENCH_HTTP_PORT) || 3000;
const WS_PORT = Number(process.env.BENCH_WS_PORT) || 8181;
const MAX_EVENTS = 100000;
// "data: " + 92 characters + the blank line: 100 bytes on the wire per event.
const EVENT = 'data: ' + 'x'.repeat(92) + '\n\n';

// Marks for the driver's --profile: in the in-browser runtime the client reads them from the same timeline.
const mark = (name) => typeof performance !== 'undefined' && performance.mark && performance.mark(name);

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/events') {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  const count = Math.min(Number(url.searchParams.get('n')) || 1000, MAX_EVENTS);
  mark('bench:sse-request');
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    // The reference page is served from another loopback port.
    'Access-Control-Allow-Origin': '*',
  });
  // As fast as it can, in bursts of up to 100 ms: the run frame stops code that holds the thread for a second, and
  // setImmediate (a setTimeout(0) in the browser runtime, clamped to 4 ms when nested) costs at most a few percent
  // between bursts. The response stays open (an end would make EventSource reconnect and ask again); the client
  // closes it once it has counted every event.
  let sent = 0;
  const burst = () => {
    const until = Date.now() + 100;
    const first = sent === 0;
    while (sent < count && Date.now() < until) {
      res.write(EVENT);
      if (sent++ === 0) mark('bench:sse-head');
    }
    if (first) mark('bench:sse-first-burst-end');
    if (sent < count) setImmediate(burst);
    else mark('bench:sse-last-write');
  };
  burst();
});

const io = new Server(server, { cors: { origin: '*' } });
io.on('connection', (socket) => {
  socket.on('ack', (payload, ack) => ack(payload));
  socket.on('echo', (payload) => socket.emit('echo', payload));
});

const wss = new WebSocketServer({ port: WS_PORT });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(isBinary ? data : data.toString()));
});

let listening = 0;
const ready = () => {
  if (++listening === 2) console.log('bench server ready on ' + HTTP_PORT + ' and ' + WS_PORT);
};
wss.on('listening', ready);
server.listen(HTTP_PORT, ready);
