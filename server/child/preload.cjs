'use strict';
/*
 * Loaded with `node -r` before a learner's server.js, in the child process the backend starts.
 *
 * 1. A listen without a host binds 127.0.0.1. Node's default is the unspecified address (all interfaces), so
 *    `server.listen(3000)` from a lesson would put the learner's code on the network. Unspecified and non-loopback
 *    addresses ('0.0.0.0', '::', a LAN address) are narrowed to 127.0.0.1 too, for TCP and UDP: the learner's server
 *    is for this machine's browser only. Code can get round a patch in its own process (or spawn another program),
 *    so the backend also watches the run's sockets and stops a run that listens elsewhere (server/run-watch.ts).
 * 2. Every server that starts listening is reported to the backend over the IPC channel (port, address, whether it is
 *    an HTTP server), so the backend knows where to proxy the page's requests without the learner saying it.
 * 3. When the backend goes away (its IPC channel closes) the child ends too. This is a courtesy: a child whose event
 *    loop is blocked cannot react, so the guarantee comes from the sandbox the backend starts it in (run-sandbox.ts).
 * 4. Every socket the learner's servers accept is recorded, byte for byte, for the page's Traffic views
 *    (wire-record.cjs).
 *
 * This file is plain CommonJS on purpose: it runs in the child's own `node`, without tsx or any loader.
 */
const net = require('net');
const http = require('http');
const dgram = require('dgram');

const LOOPBACK = '127.0.0.1';

function isLoopback(host) {
  return host === 'localhost' || host === '::1' || (typeof host === 'string' && /^127\./.test(host));
}

/*
 * Node turns every form of listen() (a port as a number or as any string Number() reads, ' 7781' and '0x1E66'
 * included; an options object; a host name that is looked up first) into one call of this internal method with the
 * address it resolved (lib/net.js listenInCluster → setupListenHandle). Narrowing here, rather than re-parsing
 * listen()'s arguments, cannot disagree with Node about what the arguments meant. addressType -1 is a pipe path and a
 * numeric fd is an inherited socket: not an address this file chooses.
 */
const originalListen2 = net.Server.prototype._listen2;

/*
 * Ports of the learner's machine are not the learner's to choose: a dev server already on 3000, or the same lesson
 * running in a second tab, would make the course's listen(3000) fail with EADDRINUSE. So a port that is taken by
 * something else is replaced, behind the scenes, by a free one; the server still says the port it asked for
 * (server.address()), the backend routes the page's requests for it there (/__pushlab/ports/…), and this process's
 * own connections to it are pointed there too. A port this process itself already listens on stays taken, as in
 * real Node.
 */
const REQUESTED = Symbol('pushlab.requestedPort');
/** requested port → the port really bound, for ports that were moved. */
const moved = new Map();
/** Ports this process listens on, as the learner's code asked for them. */
const own = new Set();

net.Server.prototype._listen2 = function _listen2(address, port, addressType, backlog, fd, flags) {
  const tcp = addressType !== -1 && typeof fd !== 'number';
  if (tcp && !isLoopback(address)) {
    address = LOOPBACK;
    addressType = 4;
  }
  const result = originalListen2.call(this, address, port, addressType, backlog, fd, flags);
  if (tcp && port > 0 && !this._handle && !own.has(port)) {
    // The bind failed; Node emits the error on the next tick. If it is EADDRINUSE, listen on a free port instead.
    const server = this;
    const emit = server.emit;
    server.emit = function interceptOnce(name, error, ...rest) {
      server.emit = emit;
      if (name === 'error' && error && error.code === 'EADDRINUSE' && error.port === port) {
        server[REQUESTED] = port;
        originalListen2.call(server, address, 0, addressType, backlog, fd, flags);
        return true;
      }
      return emit.call(this, name, error, ...rest);
    };
  }
  return result;
};

const originalAddress = net.Server.prototype.address;
net.Server.prototype.address = function address() {
  const real = originalAddress.call(this);
  const requested = this[REQUESTED];
  return requested && real && typeof real === 'object' ? Object.assign({}, real, { port: requested }) : real;
};

// This process's own connections to a moved port (a socket.io client in server.js, http.get of its own URL).
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  if (options !== null && typeof options === 'object' && !options.path) {
    const to = moved.get(Number(options.port));
    if (to !== undefined && (options.host === undefined || isLoopback(options.host))) {
      const changed = Object.assign({}, options, { port: to });
      // Node passes its normalised arguments as an array marked with a private symbol: change it in place.
      if (Array.isArray(first)) first[0] = changed;
      else args[0] = changed;
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const to = moved.get(Number(first));
    if (to !== undefined && (args[1] === undefined || typeof args[1] === 'function' || isLoopback(args[1]))) args[0] = to;
  }
  return originalConnect.apply(this, args);
};

// UDP has the same rule: bind() with no address binds every interface.
const originalBind = dgram.Socket.prototype.bind;
dgram.Socket.prototype.bind = function bind(...args) {
  const loopback = this.type === 'udp6' ? '::1' : LOOPBACK;
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    if (first.fd === undefined && !isLoopback(first.address)) args[0] = Object.assign({}, first, { address: loopback });
  } else if (typeof args[1] === 'string') {
    if (!isLoopback(args[1])) args[1] = loopback;
  } else {
    const callback = typeof first === 'function' ? first : args[1];
    const port = typeof first === 'function' ? 0 : first ?? 0;
    args = [port, loopback, ...(typeof callback === 'function' ? [callback] : [])];
  }
  return originalBind.apply(this, args);
};

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listen(...args) {
  // What this reports is a hint only: the backend checks in /proc that this run really holds the port (runs.ts).
  this.once('listening', () => {
    const address = originalAddress.call(this);
    if (!address || typeof address === 'string') return;
    const requested = this[REQUESTED] || address.port;
    own.add(requested);
    if (requested !== address.port) moved.set(requested, address.port);
    this.once('close', () => {
      own.delete(requested);
      moved.delete(requested);
    });
    if (typeof process.send === 'function' && process.connected) {
      process.send({
        pushlab: 'listening',
        port: requested,
        actualPort: address.port,
        address: address.address,
        http: this instanceof http.Server,
      });
    }
  });
  return originalListen.apply(this, args);
};

require('./wire-record.cjs');

if (process.channel) {
  process.on('disconnect', () => process.exit(0));
  // A 'disconnect' listener refs the channel (lib/internal/child_process.js), which would keep a finished script
  // alive forever; unref it so the child ends when the learner's code has nothing left to do, as plain `node` would.
  process.channel.unref();
}
