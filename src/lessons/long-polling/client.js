// Long polling: ask, wait as long as the server holds the request, show what came, ask again at once.
let lastId = 0; // the newest item shown so far

async function poll() {
  const asked = Date.now();
  const res = await fetch('/news');
  // 204 No Content is an empty answer too, and it has no body: res.json() would throw on it.
  const items = res.status === 204 ? [] : await res.json();
  const held = ((Date.now() - asked) / 1000).toFixed(1);
  if (items.length === 0) console.log(`held ${held} s: nothing new`);
  for (const item of items) {
    // Ids go up by one: a jump means something was published that never reached us.
    if (lastId && item.id > lastId + 1) {
      console.warn(`missed #${lastId + 1}${item.id > lastId + 2 ? '–#' + (item.id - 1) : ''}: published while we were asking again`);
    }
    lastId = Math.max(lastId, item.id);
    console.log(`held ${held} s → #${item.id} ${item.text} (${Date.now() - item.t} ms after it was published)`);
  }
  poll(); // ask again at once
}

poll();
