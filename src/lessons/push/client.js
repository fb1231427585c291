// The same news, subscribed to four ways at once. Each item is shown in its way's column as soon as it arrives,
// with how long it took since the server published it (item.t).
const ways = ['short', 'long', 'sse', 'ws'];
const lists = {};
for (const way of ways) {
  const column = document.createElement('section');
  const title = document.createElement('h3');
  title.textContent = way;
  lists[way] = document.createElement('ol');
  column.append(title, lists[way]);
  document.body.append(column);
}
const seen = { short: 0, long: 0, sse: 0, ws: 0 };

function show(way, item) {
  if (item.id <= seen[way]) return;
  seen[way] = item.id;
  const li = document.createElement('li');
  // textContent, never innerHTML: news text is data, not markup.
  li.textContent = `#${item.id} ${item.text} (${Date.now() - item.t} ms)`;
  lists[way].append(li);
  console.log(way, item.id, item.text, Date.now() - item.t, 'ms');
}

// 1. Short polling: ask every 2 s, whether or not there is news.
setInterval(async () => {
  const res = await fetch('/news/short?since=' + seen.short);
  for (const item of await res.json()) show('short', item);
}, 2000);

// 2. Long polling: ask again as soon as an answer arrives; the server holds the request until there is news.
async function longPoll() {
  try {
    const res = await fetch('/news/long?since=' + seen.long);
    for (const item of await res.json()) show('long', item);
  } catch (error) {
    console.log('long poll failed, retrying in 1 s', error.message);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  longPoll();
}
longPoll();

// 3. Server-Sent Events: one request, the server writes each item down it.
const source = new EventSource('/news/sse');
source.onmessage = (event) => show('sse', JSON.parse(event.data));

// 4. WebSocket on the same server and port (the page's own origin, ws: instead of http:).
const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/news/ws');
ws.onmessage = (event) => show('ws', JSON.parse(event.data));
