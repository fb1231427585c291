// Two socket.io servers stand for two processes of one app (two machines, or two workers of a cluster).
// A small proxy in front of them, at the bottom, stands for the load balancer (nginx, HAProxy, a cloud LB).
const http = require('http');
const { Server } = require('socket.io');

// Stands for a signed token (a JWT, a session id) that the login page handed to the people allowed in.
const TOKEN = 'let-me-in';

function startServer(name) {
  // This http server never listens on a port of its own: the proxy below hands it the requests it picks for it,
  // as a load balancer would forward them to a process on another port.
  const server = http.createServer();
  const io = new Server(server);

  io.on('connection', (socket) => {
    const who = socket.handshake.auth.name || socket.id;
    console.log(`server ${name}: ${who} connected`);
    socket.emit('hello', name);

    socket.on('say', (text) => {
      // Reaches every client of this server, and no client of the other one.
      io.emit('said', text);
    });
  });

  return { name, server, io };
}

const servers = [startServer('A'), startServer('B')];

// ---- Not part of your app: a stand-in for the load balancer in front of it. ----
// Round robin: each new request (or WebSocket) goes to the next server in turn, whoever sent it.
let turn = 0;
function pick() {
  return servers[turn++ % servers.length];
}

function describe(req) {
  const query = new URL(req.url, 'http://localhost').searchParams;
  const sid = query.get('sid');
  return `${req.method} ${query.get('transport') || req.url}${sid ? ' sid=' + sid.slice(0, 6) + '…' : ' (new session)'}`;
}

const proxy = http.createServer((req, res) => {
  const backend = pick();
  console.log(`proxy: ${describe(req)} → ${backend.name}`);
  backend.server.emit('request', req, res);
});

// A WebSocket starts as an HTTP request asking to upgrade: Node hands it to 'upgrade', not to the request handler.
proxy.on('upgrade', (req, socket, head) => {
  const backend = pick();
  console.log(`proxy: upgrade ${describe(req)} → ${backend.name}`);
  backend.server.emit('upgrade', req, socket, head);
});

proxy.listen(3000, () => console.log('load balancer on http://localhost:3000, servers A and B behind it'));
