// A Server-Sent Events endpoint: one response that never ends, one event per second.
const http = require('http');

const server = http.createServer((req, res) => {
  if (req.url !== '/test') {
    res.statusCode = 404;
    res.end('not found');
    return;
  }
  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  let n = 0;
  const timer = setInterval(() => {
    n++;
    // "data:" starts the data, a blank line ends the event.
    res.write(`id: ${n}\ndata: 第 ${n} 条消息\n\n`);
  }, 1000);
  // Without this, the timer would go on writing after the client has left.
  req.on('close', () => clearInterval(timer));
});

server.listen(3000);
