// Long polling: GET /news is answered at once if there is news the client has not seen, and otherwise held open
// until news is published or HOLD_MS pass.
const http = require('http');

// Demo time runs ten times faster than real time, so you can watch it happen.
// How long a request may wait when there is no news. A real server holds about 25 s (here: 2.5 s would match).
const HOLD_MS = 6000;

const news = []; // the last 100 items: { id, t, text }; t is when it was published (Date.now())
let nextId = 1;
let waiting = []; // requests held open: { res, since }

function sendJson(res, items) {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(items));
}

function after(id) {
  return news.filter((item) => item.id > id);
}

function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/news') {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return res.end('not found');
  }
  // The cursor: the id of the last item the client has. Without it the server can only send what happens next.
  const param = url.searchParams.get('since');
  const since = param === null ? undefined : Number(param);
  if (since !== undefined) {
    const ready = after(since);
    if (ready.length) return sendJson(res, ready);
  }
  const held = { res, since };
  waiting.push(held);
  console.log(`holding a request (${waiting.length} waiting)`);
  // Every held request costs the server an open connection, this entry and a timer, for as long as it waits.
  const timer = setTimeout(() => {
    if (!res.writableEnded) sendJson(res, []); // "nothing new": the client simply asks again
  }, HOLD_MS);
  // 'close' comes when the response is sent and when the client goes away: either way, stop waiting for it.
  res.on('close', () => {
    clearTimeout(timer);
    waiting = waiting.filter((w) => w !== held);
  });
}

function publish(text) {
  const item = { id: nextId++, t: Date.now(), text };
  news.push(item);
  if (news.length > 100) news.shift();
  const answered = waiting.filter((w) => !w.res.writableEnded);
  waiting = [];
  // Without a cursor a held request gets only this item; with one, everything after the client's cursor.
  for (const w of answered) sendJson(w.res, w.since === undefined ? [item] : after(w.since));
  console.log(`published #${item.id}, answered ${answered.length} waiting request(s)`);
}

// The news: a story and its follow-up, published back to back, at 1 s and 3 s of every 15 s.
let story = 0;
function newsBurst() {
  story++;
  publish(`第 ${story} 条新闻`);
  publish(`第 ${story} 条新闻·后续`);
}
function schedule() {
  setTimeout(newsBurst, 1000);
  setTimeout(newsBurst, 3000);
}
schedule();
setInterval(schedule, 15000);

// ---- Not part of your server: a stand-in for the reverse proxy (nginx, a load balancer) in front of it. ----
// Proxies give up on a request that stays quiet too long (often 30 to 60 s; 3 s in demo time) and answer
// 504 Gateway Timeout in the server's place, closing the server's side of the connection.
const PROXY_LIMIT_MS = 3000;
function behindProxy(req, res) {
  const cut = setTimeout(() => {
    if (res.headersSent) return;
    console.log(`proxy: no answer after ${PROXY_LIMIT_MS} ms, sending 504`);
    res.writeHead(504, { 'Content-Type': 'text/plain' });
    res.end('504 Gateway Timeout');
  }, PROXY_LIMIT_MS);
  res.on('close', () => clearTimeout(cut));
  handle(req, res);
}

http.createServer(behindProxy).listen(3000, () => console.log('news on http://localhost:3000/news'));
