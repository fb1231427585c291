/**
 * The page's relative URLs ('/test', '/socket.io/?EIO=4…') reach the learner's server through this proxy, streaming
 * both ways: an SSE response or a long poll must arrive event by event, never buffered until the end.
 *
 * Written on node:http and node:net rather than with http-proxy: that package is unmaintained (last release 2020,
 * deprecation warnings on current Node), and what is needed here is small: pipe a request and its response with
 * hop-by-hop headers dropped, and splice an Upgrade request onto a raw TCP connection so the child's own 101 answer,
 * and every WebSocket frame after it, pass through untouched.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProxyNetwork } from './network.js';
import type { ListeningPort } from './runs.js';

// RFC 9110 §7.6.1: connection-specific fields a proxy must not forward. Upgrade is handled by the tunnel below.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function connectHost(target: ListeningPort): string {
  // A server bound to the unspecified address accepts on loopback; an IPv6 one needs the IPv6 loopback.
  if (target.address === '0.0.0.0' || target.address === '') return '127.0.0.1';
  if (target.address === '::') return '::1';
  return target.address;
}

export function proxyRequest(
  req: IncomingMessage,
  res: ServerResponse,
  target: ListeningPort,
  onActivity: () => void,
  /** The network panel's conditions for this page, if it set any (server/network.ts). */
  network?: ProxyNetwork,
): void {
  // Offline, or lost before it was made: the browser's connection fails (fetch TypeError, EventSource 'error').
  if (network?.refusesConnection()) {
    req.socket.destroy();
    return;
  }
  // The request's header lines as the browser sent them, names, case and order (the Traffic views show the learner's
  // server reading these), less what a proxy must not forward; Node adds its own Connection line.
  const headers: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (!HOP_BY_HOP.has(name.toLowerCase())) headers.push(name, req.rawHeaders[i + 1]!);
    // This hop's own Connection line, in its place, saying what the browser said of its hop: without it Node's client
    // sends "Connection: close", and the learner's server answers "Connection: close" where a browser gets
    // "keep-alive" (the parity suite compares the heads Node writes in both runtimes).
    else if (name.toLowerCase() === 'connection') headers.push(name, /\bclose\b/i.test(req.rawHeaders[i + 1]!) ? 'close' : 'keep-alive');
  }
  onActivity();
  const upstream = request({
    host: connectHost(target),
    port: target.port,
    method: req.method,
    path: req.url,
    headers,
    agent: false, // one connection per request, like a browser's fresh one; no pool shared across runs
  });
  upstream.on('socket', (socket: Socket) => socket.setNoDelay(true));
  let responded = false;
  // The connection dies under the exchange (a kill, a lost piece): both sockets go, as when a server vanishes.
  const lose = () => {
    upstream.destroy();
    req.socket.destroy();
  };
  // A silent action (the network panel) leaves this exchange half-open: nothing more goes that way, an end included.
  const silentToClient = network?.silent('s2c') ?? (() => false);
  const silentToServer = network?.silent('c2s') ?? (() => false);
  const toClient = network?.sender(lose, silentToClient) ?? ((_bytes: number, send: () => void) => send());
  const forget = network?.carry({ destroy: lose });
  res.on('close', () => forget?.());
  upstream.on('response', (answer) => {
    responded = true;
    const raw: string[] = [];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) {
      const name = answer.rawHeaders[i]!;
      if (!HOP_BY_HOP.has(name.toLowerCase())) raw.push(name, answer.rawHeaders[i + 1]!);
    }
    const headSize = raw.reduce((n, part) => n + part.length + 2, 16);
    toClient(network ? headSize : 0, () => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, raw);
      // Send the head now: an SSE server may write its headers and then wait a long time before the first event.
      res.flushHeaders();
    });
    answer.on('data', (chunk: Buffer) => {
      onActivity();
      toClient(chunk.length, () => {
        if (!res.write(chunk)) {
          answer.pause();
          res.once('drain', () => answer.resume());
        }
      });
    });
    answer.on('end', () => {
      // One connection per request (agent: false): a kept-alive one would idle until the server's keep-alive timeout.
      // A request body still on its way (a server that answered before reading it) stops there, as it would not be read.
      upstream.socket?.destroy();
      toClient(0, () => res.end());
    });
    // The connection died under an answer not yet complete: the page's response is cut short too, as the browser's
    // would be (Node reports it on the answer as 'aborted' and an error; 'close' covers both).
    answer.on('close', () => {
      if (!answer.complete && !silentToClient()) res.destroy();
    });
    answer.on('error', () => {
      if (!silentToClient()) res.destroy();
    });
  });
  upstream.on('error', (err) => {
    // Once the answer has begun, the request's own trouble (a body still being written to a server that answered
    // without reading it, or the socket this proxy dropped after the answer) is not the page's: the answer's own
    // 'end' or 'error' decides how its response ends.
    if (responded || silentToClient()) return;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(`Pushlab: the server.js running in real Node did not answer (${err.message}).\n`);
  });
  // The page gave up (EventSource.close(), a closed tab): the learner's server must see its request 'close' too,
  // or its setInterval keeps writing to nobody (see PITFALLS: clear timers on the request's 'close').
  res.on('close', () => {
    if (!res.writableFinished && !silentToServer()) upstream.destroy();
  });
  if (network) {
    // The request's own trip: its head and body reach the child after the link's delay.
    const toServer = network.sender(lose, silentToServer);
    let size = `${req.method} ${req.url} HTTP/1.1\r\n\r\n`.length;
    for (let i = 0; i < req.rawHeaders.length; i++) size += req.rawHeaders[i]!.length + 2;
    toServer(size, () => {});
    req.on('data', (chunk: Buffer) => toServer(chunk.length, () => upstream.write(chunk)));
    req.on('end', () => toServer(0, () => upstream.end()));
    return;
  }
  req.pipe(upstream);
}

/** A WebSocket (or any Upgrade) request: replay its head to the child, then join the two sockets byte for byte. */
export function proxyUpgrade(
  req: IncomingMessage,
  client: Duplex,
  head: Buffer,
  target: ListeningPort,
  onActivity: () => void,
  /** The network panel's conditions for this page, if it set any (server/network.ts). */
  network?: ProxyNetwork,
): void {
  // Offline, or lost before it was made: the handshake fails ('error', then close 1006 in the browser).
  if (network?.refusesConnection()) {
    client.destroy();
    return;
  }
  onActivity();
  const silentToClient = network?.silent('s2c') ?? (() => false);
  const silentToServer = network?.silent('c2s') ?? (() => false);
  const upstream = connect({ host: connectHost(target), port: target.port });
  upstream.setNoDelay(true);
  const fail = () => {
    if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    upstream.destroy();
  };
  upstream.once('error', fail);
  upstream.once('connect', () => {
    upstream.off('error', fail);
    let headText = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) headText += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    upstream.write(headText + '\r\n');
    if (head.length > 0) upstream.write(head);
    upstream.on('data', onActivity);
    client.on('data', onActivity);
    const close = () => {
      upstream.destroy();
      client.destroy();
    };
    if (network) {
      // Each piece of the stream waits for its trip; a lost one takes the connection with it (the browser: 1006).
      const forget = network.carry({ destroy: close });
      client.on('close', forget);
      const toClient = network.sender(close, silentToClient);
      const toServer = network.sender(close, silentToServer);
      // Backpressure as pipe() has it: a side that cannot take more pauses the other, so a server that writes faster
      // than the page reads sees write() return false, as it would without the proxy in between.
      const forward = (from: Duplex, to: Duplex, send: (bytes: number, run: () => void) => void) =>
        from.on('data', (chunk: Buffer) =>
          send(chunk.length, () => {
            if (!to.write(chunk)) {
              from.pause();
              to.once('drain', () => from.resume());
            }
          }),
        );
      forward(upstream, client, toClient);
      forward(client, upstream, toServer);
    } else {
      upstream.pipe(client);
      client.pipe(upstream);
    }
    // Half-open (a silent action): the end of one side does not reach the other, as a reset lost on a dead path.
    const upstreamEnded = () => (silentToClient() ? upstream.destroy() : close());
    const clientEnded = () => (silentToServer() ? client.destroy() : close());
    upstream.on('error', upstreamEnded);
    client.on('error', clientEnded);
    upstream.on('close', upstreamEnded);
    client.on('close', clientEnded);
  });
}
