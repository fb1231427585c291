// Short polling: GET /news answers at once with the latest news, whether or not there is anything new.
const http = require('http');

const news = []; // the last 100 items: { id, t, text }; t is when it was published (Date.now())
let nextId = 1;

function publish(text) {
  const item = { id: nextId++, t: Date.now(), text };
  news.push(item);
  if (news.length > 100) news.shift();
  console.log(`published #${item.id}`);
}

// Three stories are already there when the page opens; then one every 3 s.
for (let i = 0; i < 3; i++) publish(`第 ${nextId} 条新闻`);
setInterval(() => publish(`第 ${nextId} 条新闻`), 3000);

// Every 10 s the database is busy for 2 s (a backup, a report) and answers take 2.5 s. The demo counts from the
// first request, so the first busy spell comes 2 s after the page starts polling.
let started;
function busy() {
  started ??= Date.now();
  const s = ((Date.now() - started) % 10000) / 1000;
  return s >= 2 && s < 4;
}

http
  .createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname !== '/news') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    // ?since=<id> asks only for items after that id (the client's cursor); without it, the latest 5.
    const since = url.searchParams.get('since');
    const items = since === null ? news.slice(-5) : news.filter((item) => item.id > Number(since));
    const answer = () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(items));
    };
    if (busy()) setTimeout(answer, 2500);
    else answer();
  })
  .listen(3000, () => console.log('news on http://localhost:3000/news'));
