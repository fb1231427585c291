// One news feed, four ways to get it, all on one server on port 3000:
//   short polling  GET /news/short?since=<id>   answers at once, often with []
//   long polling   GET /news/long?since=<id>    held until there is news (or 25 s pass)
//   SSE            GET /news/sse                one response that never ends
//   WebSocket      ws://…/news/ws               one connection, a message per item
// A news item is published every 2 s or so (publishLater, at the end).
// Every item carries `t`, the time it was published (Date.now()): the page compares it with when it showed the item.
const http = require('http');
const WebSocket = require('ws');

const news = []; // the last 100 items: { id, t, text }
let nextId = 1;
let waiting = []; // long polls held open: { res, since, timer }
const streams = new Set(); // SSE responses still open

function after(id) {
  return news.filter((item) => item.id > id);
}

function sendJson(res, value) {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(value));
}

function sseEvent(item) {
  // id: lets a reconnecting EventSource say where it stopped (Last-Event-ID).
  return `id: ${item.id}\ndata: ${JSON.stringify(item)}\n\n`;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  // The cursor: the id of the last item the client has. Without it, news published while the client is between two
  // requests would be lost.
  const since = Number(url.searchParams.get('since')) || 0;

  if (url.pathname === '/news/short') {
    sendJson(res, after(since));
  } else if (url.pathname === '/news/long') {
    const ready = after(since);
    if (ready.length) return sendJson(res, ready);
    const held = { res, since, timer: null };
    // Answer before proxies give up on a quiet request (they often cut at 30 to 60 s).
    held.timer = setTimeout(() => {
      waiting = waiting.filter((w) => w !== held);
      sendJson(res, []);
    }, 25000);
    waiting.push(held);
    res.on('close', () => {
      clearTimeout(held.timer);
      waiting = waiting.filter((w) => w !== held);
    });
  } else if (url.pathname === '/news/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const last = Number(req.headers['last-event-id']) || 0;
    for (const item of after(last)) res.write(sseEvent(item));
    streams.add(res);
    res.on('close', () => streams.delete(res));
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }
});

const wss = new WebSocket.Server({ server, path: '/news/ws' });

function publish(text) {
  const item = { id: nextId++, t: Date.now(), text };
  news.push(item);
  if (news.length > 100) news.shift();
  const held = waiting;
  waiting = [];
  for (const w of held) {
    clearTimeout(w.timer);
    sendJson(w.res, after(w.since));
  }
  for (const res of streams) res.write(sseEvent(item));
  for (const ws of wss.clients) {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(item));
  }
}

// News does not keep a timetable: the next item comes 1 to 3 s after the last (2 s on average). A fixed period would
// march in step with the short poller's timer, which also starts with the run, and hide what polling costs in delay.
let n = 0;
function publishLater() {
  setTimeout(() => {
    n++;
    publish(`第 ${n} 条新闻`);
    publishLater();
  }, 1000 + Math.random() * 2000);
}
publishLater();

server.listen(3000, () => console.log('news on http://localhost:3000'));
