// A Server-Sent Events endpoint: one HTTP response that stays open, one event per second.
const http = require('http');

const server = http.createServer((req, res) => {
  // /via-proxy/test is /test seen through a stand-in for a reverse proxy (see the end of the file).
  if (req.url.startsWith('/via-proxy/')) {
    req.url = req.url.slice('/via-proxy'.length);
    bufferLikeNginx(res);
  }
  if (req.url !== '/test') {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  // The one header that makes it an event stream.
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  console.log('client connected, Last-Event-ID:', req.headers['last-event-id']);

  // "retry:" tells the browser how long to wait before reconnecting (ms).
  // A line starting with ":" is a comment: the browser ignores it (servers send them as heartbeats).
  res.write('retry: 1000\n: welcome\n\n');

  let n = 0;
  const timer = setInterval(() => {
    n++;
    // "id:" names the event, "data:" carries it, and the blank line ("\n\n") ends it.
    res.write(`id: ${n}\ndata: 第 ${n} 条消息\n\n`);
    console.log('sent event', n);
    // Servers and proxies do end long responses (time-outs, restarts): this one ends after 3 events.
    if (n === 3) {
      clearInterval(timer);
      res.end();
    }
  }, 1000);
  // Without this the timer would go on writing after the client has left.
  res.on('close', () => clearInterval(timer));
});

server.listen(3000);

// ---- Not part of your server: a stand-in for the reverse proxy in front of it. ----
// nginx buffers what a server sends it (proxy_buffering, on by default): it passes the head on at once, then holds
// the body until a 4 or 8 KiB buffer is full or the response ends, unless the response says `X-Accel-Buffering: no`.
// This stand-in does the same to what this server writes for /via-proxy/…
const PROXY_BUFFER_BYTES = 4096;
function bufferLikeNginx(res) {
  const write = res.write.bind(res);
  const end = res.end.bind(res);
  const writeHead = res.writeHead.bind(res);
  let held = '';
  // The header as the response carries it: from setHeader, or from the object given to writeHead.
  let accel = '';
  res.writeHead = (...args) => {
    const headers = args.find((a) => a && typeof a === 'object' && !Array.isArray(a)) || {};
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'x-accel-buffering') accel = headers[name];
    return writeHead(...args);
  };
  const buffering = () => String(res.getHeader('X-Accel-Buffering') || accel || '').toLowerCase() !== 'no';
  res.write = (chunk) => {
    if (!buffering()) return write(chunk);
    if (!res.headersSent) res.flushHeaders();
    held += chunk;
    if (Buffer.byteLength(held) >= PROXY_BUFFER_BYTES) {
      write(held);
      held = '';
    }
    return true;
  };
  res.end = (chunk) => {
    if (chunk) held += chunk;
    if (held) write(held);
    held = '';
    return end();
  };
}
