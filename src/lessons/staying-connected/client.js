// Twenty clients in one page, as twenty open tabs would be: each its own WebSocket to the same server.
const CLIENTS = 20;

// How long a client waits before it tries again, after its connection closed or failed to open.
const RETRY_MS = 500;

// Client 1's first connection stands for a laptop whose lid was closed: it stays open, and answers nothing more.
let lidClosed = true;

function connect(n, failures) {
  const ws = new WebSocket('ws://localhost:8181/client/' + n);
  const asleep = n === 1 && lidClosed;
  if (n === 1) lidClosed = false;

  ws.onopen = () => {
    if (failures > 0) console.log('client ' + n + ' is back, after ' + failures + ' tries');
    failures = 0;
  };

  ws.onmessage = (e) => {
    if (e.data === 'ping' && !asleep) ws.send('pong');
  };

  ws.onclose = () => {
    setTimeout(() => connect(n, failures + 1), RETRY_MS);
  };
}

for (let n = 1; n <= CLIENTS; n++) connect(n, 0);

// The export, read as a slow client reads it (a phone on a bad network): about 100 KB a second.
async function readExport() {
  const res = await fetch('/export');
  const reader = res.body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    await new Promise((resolve) => setTimeout(resolve, value.length / 100));
  }
  console.log('export: ' + bytes + ' bytes read');
}

readExport();
