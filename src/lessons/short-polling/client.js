// Short polling, the course's 循环ajax请求: ask for the news on a timer, whether or not there is any.
// Three pollers run side by side, every 1 s, 5 s and 30 s, each counting what it costs.
// (?poller= only labels the requests so you can tell them apart in the Traffic tab; the server ignores it.)
const stats = {};

function poll(name, every) {
  const s = (stats[name] = {
    requests: 0, empty: 0, // answers, and answers with nothing new
    bytes: 0, headerBytes: 0, // received, and how much of it was the status line and headers
    repeats: 0, missed: 0, // items received again, items never received
    worstDelay: 0, // ms from an item's publication to its arrival, at worst
  });
  const seen = new Set();
  let newest = 0;

  async function tick() {
    const res = await fetch(`/news?poller=${name}`);
    const body = await res.text();
    const items = JSON.parse(body);
    s.requests++;
    // What this answer cost on the wire: status line, headers and body (HTTP/1.1, as the Traffic tab counts).
    let head = `HTTP/1.1 ${res.status} ${res.statusText}\r\n`.length + 2;
    res.headers.forEach((value, key) => (head += `${key}: ${value}\r\n`.length));
    s.headerBytes += head;
    s.bytes += head + new TextEncoder().encode(body).length;

    const fresh = items.filter((item) => !seen.has(item.id));
    s.repeats += items.length - fresh.length;
    if (fresh.length === 0) s.empty++;
    for (const item of fresh) {
      // Ids go up by one: a jump means items were published that this poller never got.
      if (newest && item.id > newest + 1) s.missed += item.id - newest - 1;
      newest = Math.max(newest, item.id);
      seen.add(item.id);
      s.worstDelay = Math.max(s.worstDelay, Date.now() - item.t);
    }
    console.log(`[${name}] ${items.length} item(s): ${fresh.map((i) => '#' + i.id).join(' ') || 'nothing new'}` +
      (items.length > fresh.length ? ` (+${items.length - fresh.length} seen before)` : ''));
  }

  tick();
  setInterval(tick, every);
}

poll('1s', 1000);
poll('5s', 5000);
poll('30s', 30000);

// Every 10 s: what each poller has paid so far, from what it observed.
const start = Date.now();
setInterval(() => {
  console.log(`── after ${Math.round((Date.now() - start) / 1000)} s ──`);
  for (const [name, s] of Object.entries(stats)) {
    console.log(`every ${name}: ${s.requests} requests, ${s.empty} with nothing new, ` +
      `${(s.bytes / 1024).toFixed(1)} KB received (${Math.round((100 * s.headerBytes) / Math.max(1, s.bytes))}% headers), ` +
      `${s.repeats} repeats, ${s.missed} missed, worst delay ${(s.worstDelay / 1000).toFixed(1)} s`);
  }
}, 10000);
