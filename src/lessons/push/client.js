// The same news, subscribed to four ways at once. Each item is shown in its way's column as soon as it arrives,
// with how long it took since the server published it (item.t). Open the Compare tab while this runs: requests,
// bytes and delays there are counted from the wire, not from this code.
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
const seen = { short: 0, long: 0, sse: 0, ws: 0 }; // the id of the last item each way has shown
const replies = { short: 0, long: 0 }; // answers to the two polling ways…
const empty = { short: 0, long: 0 }; // …and how many of them carried no news at all

function show(way, item) {
  if (item.id <= seen[way]) return;
  seen[way] = item.id;
  const li = document.createElement('li');
  // textContent, never innerHTML: news text is data, not markup.
  li.textContent = `#${item.id} ${item.text} (${Date.now() - item.t} ms)`;
  lists[way].append(li);
  console.log(way, item.id, item.text, Date.now() - item.t, 'ms');
}

// Polling asks; whatever comes back, news or not, was a full request and a full response.
function received(way, items) {
  replies[way]++;
  if (items.length === 0) empty[way]++;
  for (const item of items) show(way, item);
}

// 1. Short polling: ask every 2 s, whether or not there is news. The server answers at once, often with [].
setInterval(async () => {
  const res = await fetch('/news/short?since=' + seen.short);
  received('short', await res.json());
}, 2000);

// 2. Long polling: ask again as soon as an answer arrives; the server holds the request until there is news.
async function longPoll() {
  try {
    const res = await fetch('/news/long?since=' + seen.long);
    received('long', await res.json());
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

// Every 10 s, what the two polling ways got back. SSE and WebSocket have no replies to count: nothing was asked.
setInterval(() => {
  console.log(
    `replies so far: short ${replies.short} (${empty.short} empty), long ${replies.long} (${empty.long} empty)`,
  );
}, 10000);
