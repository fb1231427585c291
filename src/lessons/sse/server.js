// A Server-Sent Events endpoint: one HTTP response that stays open, one event per second.
const http = require('http');

const server = http.createServer((req, res) => {
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
