'use strict';
/*
 * Loaded with `node -r` before a learner's server.js, in the child process the backend starts.
 *
 * 1. A listen without a host binds 127.0.0.1. Node's default is the unspecified address (all interfaces), so
 *    `server.listen(3000)` from a lesson would put the learner's code on the network. Unspecified and non-loopback
 *    addresses ('0.0.0.0', '::', a LAN address) are narrowed to 127.0.0.1 too: the learner's server is for this
 *    machine's browser only.
 * 2. Every server that starts listening is reported to the backend over the IPC channel (port, address, whether it is
 *    an HTTP server), so the backend knows where to proxy the page's requests without the learner saying it.
 * 3. When the backend goes away (its IPC channel closes, even on SIGKILL) the child ends too: nothing is left listening.
 *
 * This file is plain CommonJS on purpose: it runs in the child's own `node`, without tsx or any loader.
 */
const net = require('net');
const http = require('http');

const LOOPBACK = '127.0.0.1';

function isLoopback(host) {
  return host === 'localhost' || host === '::1' || (typeof host === 'string' && /^127\./.test(host));
}

/** Mirrors the argument forms of net.Server#listen (see Node's lib/net.js normalizeArgs). */
function narrowHost(args) {
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    // listen(handle) / listen({fd}) / listen({path}): not a TCP port we choose the address of.
    if (first._handle || first.handle || first.fd !== undefined || first.path !== undefined) return args;
    if (first.host !== undefined && isLoopback(first.host)) return args;
    return [Object.assign({}, first, { host: LOOPBACK }), ...args.slice(1)];
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return args; // a pipe or Unix socket path
  if (args.length === 0 || typeof first === 'function') return [0, LOOPBACK, ...args];
  const rest = args.slice(1);
  if (typeof rest[0] === 'string' || rest[0] === null || rest[0] === undefined) {
    if (typeof rest[0] === 'string' && isLoopback(rest[0])) return args;
    if (rest.length > 0) rest.shift();
  }
  return [first, LOOPBACK, ...rest];
}

const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listen(...args) {
  this.once('listening', () => {
    const address = this.address();
    if (!address || typeof address === 'string') return;
    if (typeof process.send === 'function' && process.connected) {
      process.send({
        pushlab: 'listening',
        port: address.port,
        address: address.address,
        http: this instanceof http.Server,
      });
    }
  });
  return originalListen.apply(this, narrowHost(args));
};

if (process.channel) {
  process.on('disconnect', () => process.exit(0));
  // A 'disconnect' listener refs the channel (lib/internal/child_process.js), which would keep a finished script
  // alive forever; unref it so the child ends when the learner's code has nothing left to do, as plain `node` would.
  process.channel.unref();
}
