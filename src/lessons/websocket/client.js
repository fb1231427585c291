// The handshake starts here: an HTTP request with "Upgrade: websocket", answered by 101.
var ws = new WebSocket('ws://localhost:8181');
console.log('readyState', ws.readyState); // 0: CONNECTING

// Too early: send() while CONNECTING throws.
try {
  ws.send('客户端数据');
} catch (err) {
  console.log('send() before open:', err.name);
}

ws.onopen = function () {
  console.log('open, readyState', ws.readyState); // 1: OPEN
  ws.send('客户端数据');
};

ws.onmessage = function (e) {
  console.log(JSON.parse(e.data));
};

ws.onclose = function (e) {
  console.log('closed', e.code, e.reason, 'wasClean', e.wasClean, 'readyState', ws.readyState); // 3: CLOSED
};

// After close() nothing can be sent any more.
setTimeout(() => {
  ws.close();
  console.log('close() called, readyState', ws.readyState); // 2: CLOSING
}, 3500);
