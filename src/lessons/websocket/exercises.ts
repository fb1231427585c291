import type { Exercise } from '../../shared/lesson.js';
import type { TrafficEvent } from '../../shared/traffic.js';
import { replaceOnce } from '../checks/edit.js';
import { clientEvents, consoleTexts, quoteSome, seconds, t } from '../checks/observe.js';
import client from './client.js?raw';
import server from './server.js?raw';

/** The setInterval of the course's server, as the lesson ships it. */
const TIMER = `  setInterval(() => {
    let somedata = {
      name: '张三',
      age: 20,
    };
    ws.send(JSON.stringify(somedata));
    console.log('sent');
  }, 1000);`;

/**
 * The course's server starts a timer per connection and never clears it, and ws drops a send on a closed socket
 * without a word. The lesson's server logs each send, so the leak shows in the server console; the check looks for
 * sends logged well after the client's close.
 */
const stopTheTimer: Exercise = {
  id: 'stop-the-timer',
  title: { en: 'Stop the timer when the client leaves', zh: '客户端离开时停止定时器' },
  task: {
    en: "Run, and watch the server console after the client has closed (“closed by the client: …”): “sent” goes on, once a second, for a client that is gone. Make the server stop its timer when the connection closes.",
    zh: '运行，然后观察客户端关闭（“closed by the client: …”）之后的服务器控制台：“sent”每秒一行，照打不误，可客户端早就走了。请修改服务器，在连接关闭时停止它的定时器。',
  },
  hints: {
    en: ['`setInterval` returns an id; keep it in a variable.', "The server already listens for `ws.on('close', …)`: call `clearInterval(timer)` there."],
    zh: ['`setInterval` 会返回一个 id，把它存到变量里。', "服务器已经监听了 `ws.on('close', …)`，在里面调用 `clearInterval(timer)`。"],
  },
  solution: {
    'server.js': replaceOnce(
      replaceOnce(server, TIMER, TIMER.replace('  setInterval(', '  // Keep the id: the timer must stop when this connection closes.\n  const timer = setInterval(')),
      "  ws.on('close', function (code, reason) {\n",
      "  ws.on('close', function (code, reason) {\n    clearInterval(timer);\n",
    ),
  },
  watchMs: 7_000,
  // Must reject: the starting server (sends logged after the close); a timer stopped only seconds later. Must accept:
  // clearInterval in 'close', or a timer that checks ws.readyState and clears itself.
  check(o) {
    const close = clientEvents(o, 'ws').find((e) => e.kind === 'close');
    const sends = consoleTexts(o, 'server').filter((l) => /\bsent\b/.test(l.text));
    if (sends.length === 0) {
      return {
        pass: false,
        saw: t('no “sent” line in the server console', '服务器控制台里没有“sent”'),
        expected: t('the server to log “sent” at each send, as the lesson’s server does', '服务器每次发送时打印“sent”（课程的服务器就是这样）'),
      };
    }
    if (!close) {
      return {
        pass: false,
        saw: t('{n} sends, and the client has not closed yet', '发送了 {n} 次，客户端还没有关闭', { n: sends.length }),
        expected: t('the client to close (the lesson’s client does after 3.5 s)', '客户端关闭连接（课程的客户端 3.5 秒后关闭）'),
      };
    }
    // A send already on its way when the client closed may still be logged; one interval later, none should be.
    const late = sends.filter((l) => l.time > close.time + 1_200);
    if (late.length > 0) {
      return {
        pass: false,
        saw: t('{n} sends logged after the client closed', '客户端关闭后仍打印了 {n} 次发送', { n: late.length }),
        expected: t('no sends once the connection is closed', '连接关闭后不再发送'),
      };
    }
    const watched = o.elapsed - close.time;
    return watched >= 2_500
      ? { pass: true }
      : { pass: false, saw: t('watching the server after the close…', '正在观察关闭后的服务器…'), expected: t('2.5 s without sends after the close', '关闭后 2.5 秒内没有发送') };
  },
};

/**
 * close(code, reason) from the page: the tap reports the call with what it was given (a call the browser rejected
 * threw before the tap reports it), so the check reads the code and reason the page sent.
 */
const closeWithCode: Exercise = {
  id: 'close-4000',
  title: { en: 'Close with code 4000 and a reason', zh: '用 4000 和原因关闭连接' },
  task: {
    en: 'Make the client close the connection with the code **4000** and a reason of your own (say, why it is leaving). The server console shows what it received.',
    zh: '让客户端用代码 **4000** 关闭连接，并给出你自己写的原因（比如为什么离开）。服务器控制台会显示它收到的内容。',
  },
  hints: {
    en: [
      '`ws.close(code, reason)`: the page may use 1000 or a code from 3000 to 4999 (3000–3999 are registered with IANA for libraries; 4000–4999 are private use, for your application); anything else throws `InvalidAccessError`.',
      'The reason may be at most 123 bytes of UTF-8: a Chinese character takes 3, so at most 41 of them. A longer one throws `SyntaxError`.',
    ],
    zh: [
      '`ws.close(code, reason)`：页面只能用 1000 或 3000 到 4999 之间的代码（3000–3999 在 IANA 登记给库和框架用，4000–4999 是私有用途，留给你的应用），其他的会抛出 `InvalidAccessError`。',
      '原因最多 123 个字节（UTF-8）：一个汉字占 3 个字节，所以最多 41 个汉字。超长会抛出 `SyntaxError`。',
    ],
  },
  solution: {
    'client.js': replaceOnce(client, '  ws.close();', "  // 4000–4999 are private use, for applications to define (3000–3999 are registered for libraries); the reason is at most 123 UTF-8 bytes.\n  ws.close(4000, '用户离开了页面');"),
  },
  watchMs: 6_000,
  // Must reject: the starting close() (1005); close(4000) without a reason; another code. Must accept: close(4000, any
  // reason), from a timer or a handler.
  check(o) {
    const closes = clientEvents(o, 'ws').filter((e) => e.kind === 'close');
    if (closes.some((e) => e.direction === 'c2s' && e.details.code === 4000 && e.details.reason)) return { pass: true };
    const expected = t('the page to call close() with the code 4000 and a reason', '页面调用 close()，代码为 4000，并带有原因');
    if (closes.length === 0) return { pass: false, saw: t('no close yet', '还没有关闭'), expected };
    const shown = (none: string) => quoteSome(closes.map((e) => `${e.details.code ?? none}${e.details.reason ? ' ' + e.details.reason : ''}`));
    return { pass: false, saw: { en: `closes: ${shown('no code')}`, zh: `关闭：${shown('无代码')}` }, expected };
  },
};

function isText(e: TrafficEvent, text: string): boolean {
  return e.kind === 'frame' && !e.details.binary && !e.details.note && (e.body ?? e.preview).trim() === text;
}

/** The lesson's server with a real heartbeat, and the stand-in for a server that hangs on the first connection. */
export const HEARTBEAT_SERVER = replaceOnce(
  replaceOnce(
    server,
    "wss.on('connection', function (ws, req) {\n",
    `// Numbers the connections, for the stand-in below.
let connections = 0;

wss.on('connection', function (ws, req) {
  const number = ++connections;
  // Heartbeat: 'ping' every second. A connection that did not answer the last ping with 'pong' is dead (a closed
  // laptop lid, a lost network): terminate() it, without a closing handshake that would never complete.
  let answered = true;
  let pings = 0;
  const heartbeat = setInterval(() => {
    if (!answered) {
      console.log('no pong: terminating connection', number);
      return ws.terminate();
    }
    // A stand-in for a server that hangs: the first connection gets three pings, then never another.
    if (number === 1 && pings >= 3) return;
    answered = false;
    pings++;
    ws.send('ping');
  }, 1000);
  ws.on('message', (message) => {
    if (message.toString() === 'pong') answered = true;
  });
`,
  ),
  "  ws.on('close', function (code, reason) {\n",
  "  ws.on('close', function (code, reason) {\n    clearInterval(heartbeat);\n",
);

/** The client side of the heartbeat: answer pings, and treat 3 s without one as a dead connection. */
export const HEARTBEAT_CLIENT = `// A client with a heartbeat: it answers each 'ping' with 'pong', and 3 s without a ping means the server (or the
// way to it) is gone: close, and connect again, waiting longer after each failed try.
var SILENCE_MS = 3000;
var ws;
var watchdog;
var attempt = 0; // tries since the last ping came: each one waits twice as long

function connect() {
  var socket = new WebSocket('ws://localhost:8181');
  ws = socket;
  socket.onopen = function () {
    console.log('open');
    expectPing(socket);
  };
  socket.onmessage = function (e) {
    if (e.data === 'ping') {
      attempt = 0; // the server is really back
      socket.send('pong');
      expectPing(socket);
      return;
    }
    console.log(JSON.parse(e.data));
  };
  socket.onclose = function (e) {
    console.log('closed', e.code, e.reason);
    // Closed by the server or the network: connect again (the watchdog below already did for its own close).
    if (socket === ws) {
      clearTimeout(watchdog);
      reconnect();
    }
  };
}

function expectPing(socket) {
  clearTimeout(watchdog);
  watchdog = setTimeout(function () {
    console.log('no ping for ' + SILENCE_MS / 1000 + ' s: closing and connecting again');
    // Do not wait for the closing handshake: a dead server never completes it.
    ws = undefined;
    socket.close(4000, 'no ping');
    reconnect();
  }, SILENCE_MS);
}

// Exponential backoff with a cap, and jitter: after a server restart, every client must not come back in the same
// instant (and again, all together, each time it fails).
function reconnect() {
  var delay = Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2);
  attempt++;
  console.log('reconnecting in ' + (delay / 1000).toFixed(2) + ' s (attempt ' + attempt + ')');
  setTimeout(connect, delay);
}

connect();
`;

interface WsConnection {
  conn: string;
  openTime?: number;
  pings: TrafficEvent[];
  pongs: TrafficEvent[];
  /** The page's own close() of this connection, if it made one. */
  clientClose?: TrafficEvent;
  /** The connection's end as the page saw it (any close). */
  closed?: TrafficEvent;
}

function wsConnections(events: TrafficEvent[]): WsConnection[] {
  const byConn = new Map<string, WsConnection>();
  for (const e of events) {
    let c = byConn.get(e.conn);
    if (!c) byConn.set(e.conn, (c = { conn: e.conn, pings: [], pongs: [] }));
    if (e.kind === 'open') c.openTime ??= e.time;
    else if (e.direction === 's2c' && isText(e, 'ping')) c.pings.push(e);
    else if (e.direction === 'c2s' && isText(e, 'pong')) c.pongs.push(e);
    else if (e.kind === 'close') {
      if (e.direction === 'c2s') c.clientClose ??= e;
      c.closed ??= e;
    }
  }
  return [...byConn.values()].sort((a, b) => (a.openTime ?? Infinity) - (b.openTime ?? Infinity));
}

/** Pings not answered by a pong before the next ping (by seq) or within 1 s. */
function unansweredPings(c: WsConnection): TrafficEvent[] {
  return c.pings.filter((ping, i) => {
    // By seq, not time: a pong sent from the ping's own handler often carries the very same (coarsened) time.
    const next = c.pings[i + 1]?.seq ?? Infinity;
    return !c.pongs.some((p) => p.seq > ping.seq && p.seq < next && p.time <= ping.time + 1_000);
  });
}

/**
 * A heartbeat both sides act on. The server pings every second and terminates a connection that missed a pong; the
 * client answers each ping, and when pings stop (the task's stand-in: the server hangs on the first connection after
 * three) it closes that connection itself and connects again.
 *
 * Must reject: the starting code (no ping at all); pings and pongs with no one acting on silence (the pings stop and
 * the connection stays open); a client that closes on a timer whatever the pings (it closes a live connection); a
 * client that closes the silent connection and never connects again; pings left unanswered on a connection.
 * Must accept: any client that answers every ping, closes the silent connection 1.5–6 s after its last ping, and has
 * pings answered on a new connection, however it is written (onmessage or addEventListener, a timeout reset on each
 * ping or an interval comparing times, reconnecting at once or after a pause).
 */
const pingPong: Exercise = {
  id: 'ping-pong',
  title: { en: 'A heartbeat that notices a dead server', zh: '能发现对端已死的心跳' },
  task: {
    en: "Build a heartbeat both sides act on. **Server:** send the text `ping` every second, and `ws.terminate()` a connection that has not answered the previous one with `pong`. To have a dead peer to notice, make the server hang on its **first** connection after three pings: `if (number === 1 && pings >= 3) return;` in the ping timer, `number` counting connections. **Client:** answer each `ping` with `pong` (before `JSON.parse`: `ping` is not JSON), and when no `ping` came for 3 s, close the connection and connect again. Passes when the silent connection is closed by the client and a new one has its pings answered.",
    zh: "做一个两端都会据此行动的心跳。**服务器**：每秒发送文本 `ping`，上一个 `ping` 没有收到 `pong` 回应的连接，就 `ws.terminate()` 掉。为了有一个“死掉的对端”可供发现，让服务器在**第一条**连接上发完三个 `ping` 之后就挂住：在发 ping 的定时器里加上 `if (number === 1 && pings >= 3) return;`，`number` 是连接的序号。**客户端**：对每个 `ping` 回应 `pong`（要在 `JSON.parse` 之前处理：`ping` 不是 JSON）；3 秒没有收到 `ping`，就关闭这条连接并重连。沉默的连接被客户端关闭、新连接上的 ping 都得到回应，即为通过。",
  },
  hints: {
    en: [
      "Server: in 'connection', `let answered = true, pings = 0;` and a `setInterval` that terminates when `!answered`, else sets `answered = false`, counts and sends `'ping'`; a 'message' of `pong` sets `answered = true`. Clear the interval on 'close'.",
      'Client: put the socket and its handlers in a `connect()` function. On each ping, `clearTimeout(watchdog); watchdog = setTimeout(…, 3000)`; when it fires, `close()` that socket and call `connect()` at once: a dead server never completes the closing handshake.',
    ],
    zh: [
      "服务器：在 'connection' 里写 `let answered = true, pings = 0;`，再开一个 `setInterval`：`!answered` 时 terminate，否则把 `answered` 设为 false、计数并发送 `'ping'`；收到内容为 `pong` 的 'message' 时把 `answered` 设为 true。在 'close' 里清除这个定时器。",
      '客户端：把创建 socket 和注册处理函数放进一个 `connect()` 函数。每收到一个 ping，就 `clearTimeout(watchdog); watchdog = setTimeout(…, 3000)`；定时器触发时，`close()` 这个 socket 并立刻调用 `connect()`：死掉的服务器永远不会完成关闭握手。',
    ],
  },
  solution: { 'server.js': HEARTBEAT_SERVER, 'client.js': HEARTBEAT_CLIENT },
  watchMs: 13_000,
  check(o) {
    const connections = wsConnections(clientEvents(o, 'ws'));
    const expected = t(
      'pings answered with pongs; when pings stop, the client closes that connection itself (about 3 s later) and a new connection has its pings answered',
      'ping 都有 pong 回应；ping 停了之后，客户端自己关闭这条连接（约 3 秒后），新连接上的 ping 也都得到回应',
    );
    const allPings = connections.flatMap((c) => c.pings);
    if (allPings.length === 0) return { pass: false, saw: t("no 'ping' frame from the server", "服务器没有发 'ping' 帧"), expected };
    for (const c of connections) {
      // A ping still within its second may be answered by a pong on its way; one that had a full second and got none counts.
      const late = unansweredPings(c).filter((p) => (c.closed?.time ?? o.elapsed) - p.time >= 1_000);
      if (late.length > 0) {
        return {
          pass: false,
          saw: t("{conn}: {n} 'ping' frame(s) not answered with 'pong' (the first at {at})", "{conn}：{n} 个 'ping' 帧没有回应 'pong'（第一个在 {at}）", {
            conn: c.conn,
            n: late.length,
            at: seconds(late[0]!.time),
          }),
          expected,
        };
      }
    }
    const first = connections.find((c) => c.pings.length > 0)!;
    const lastPing = first.pings[first.pings.length - 1]!;
    if (first.clientClose && first.clientClose.time - lastPing.time < 1_500) {
      return {
        pass: false,
        saw: t('the client closed {conn} at {at}, only {gap} after a ping: the connection was alive', '客户端在 {at} 关闭了 {conn}，距上一个 ping 只有 {gap}：这条连接明明还活着', {
          conn: first.conn,
          at: seconds(first.clientClose.time),
          gap: seconds(first.clientClose.time - lastPing.time),
        }),
        expected,
      };
    }
    if (!first.clientClose) {
      const silent = o.elapsed - lastPing.time;
      if (first.closed) {
        return {
          pass: false,
          saw: t('{conn} was closed by the server or the network at {at}, not by the client', '{conn} 在 {at} 被服务器或网络关闭，而不是客户端自己关闭的', {
            conn: first.conn,
            at: seconds(first.closed.time),
          }),
          expected,
        };
      }
      return {
        pass: false,
        saw:
          silent > 6_000
            ? t('pings on {conn} stopped at {at}, and {s} later the connection is still open: nobody noticed', '{conn} 上的 ping 在 {at} 停了，{s} 之后连接仍然开着：没有人发现', {
                conn: first.conn,
                at: seconds(lastPing.time),
                s: seconds(silent),
              })
            : t('{n} ping(s) on {conn} so far; waiting for them to stop (the server hangs after three)', '{conn} 上目前有 {n} 个 ping；正在等它们停下（服务器发完三个后挂住）', {
                conn: first.conn,
                n: first.pings.length,
              }),
        expected,
      };
    }
    if (first.clientClose.time - lastPing.time > 6_000) {
      return {
        pass: false,
        saw: t('the client closed {conn} {gap} after its last ping: too late', '客户端在最后一个 ping 之后 {gap} 才关闭 {conn}：太晚了', {
          conn: first.conn,
          gap: seconds(first.clientClose.time - lastPing.time),
        }),
        expected,
      };
    }
    const next = connections.find((c) => c !== first && (c.openTime ?? -Infinity) >= lastPing.time && c.pings.length > 0 && c.pongs.length > 0);
    if (!next) {
      return {
        pass: false,
        saw: t('the client closed the silent {conn} at {at}, and no new connection has answered a ping since', '客户端在 {at} 关闭了沉默的 {conn}，但之后没有新连接回应过 ping', {
          conn: first.conn,
          at: seconds(first.clientClose.time),
        }),
        expected,
      };
    }
    return { pass: true };
  },
};

/** The bytes of a binary frame as the taps keep them (hex pairs), at most `max`. */
function bytesOf(e: TrafficEvent, max = 16): number[] {
  return (e.body ?? '')
    .split(' ')
    .filter((h) => /^[0-9a-f]{2}$/i.test(h))
    .slice(0, max)
    .map((h) => parseInt(h, 16));
}

/**
 * Binary both ways, and the client reading the bytes: a received binary frame is a Blob unless binaryType is
 * 'arraybuffer', and logging a Blob shows no bytes. The check wants a client console line, after the binary frame
 * arrived, holding its byte values in order (however they are printed: a Uint8Array, an array, a join).
 */
const binaryEcho: Exercise = {
  id: 'binary-echo',
  title: { en: 'Send binary and read it back as bytes', zh: '发送二进制并按字节读回' },
  task: {
    en: 'Make the client send the bytes `1, 2, 3, 4` as a **binary** message once the connection is open, make the server send every binary message it receives back to that client, and make the client print the bytes it gets back, as numbers.',
    zh: '连接建立后，让客户端把字节 `1, 2, 3, 4` 作为**二进制**消息发出去；让服务器把收到的每条二进制消息原样发回给这个客户端；再让客户端把收回的字节以数字形式打印出来。',
  },
  hints: {
    en: [
      'Client: `ws.send(new Uint8Array([1, 2, 3, 4]))` sends binary; a string would be a text frame.',
      "Server: the 'message' listener gets `(message, isBinary)`; `if (isBinary) ws.send(message)` sends the Buffer back as binary.",
      "Client: set `ws.binaryType = 'arraybuffer'` (the default is `'blob'`), then in `onmessage`, when `e.data` is not a string, print `new Uint8Array(e.data)`. Keep `JSON.parse` for the strings.",
    ],
    zh: [
      '客户端：`ws.send(new Uint8Array([1, 2, 3, 4]))` 发送的是二进制；字符串会成为文本帧。',
      "服务器：'message' 监听函数的参数是 `(message, isBinary)`；`if (isBinary) ws.send(message)` 会把这个 Buffer 作为二进制发回去。",
      "客户端：设置 `ws.binaryType = 'arraybuffer'`（默认是 `'blob'`），然后在 `onmessage` 里，`e.data` 不是字符串时打印 `new Uint8Array(e.data)`。字符串仍然用 `JSON.parse`。",
    ],
  },
  solution: {
    'server.js': replaceOnce(
      server,
      "  ws.on('message', function (message) {",
      "  ws.on('message', function (message, isBinary) {\n    // Echo binary messages: a Buffer is sent as a binary frame.\n    if (isBinary) ws.send(message);",
    ),
    'client.js': replaceOnce(
      replaceOnce(
        replaceOnce(client, "var ws = new WebSocket('ws://localhost:8181');\n", "var ws = new WebSocket('ws://localhost:8181');\n// Binary messages arrive as ArrayBuffer instead of Blob.\nws.binaryType = 'arraybuffer';\n"),
        "  ws.send('客户端数据');\n};",
        "  ws.send('客户端数据');\n  ws.send(new Uint8Array([1, 2, 3, 4]));\n};",
      ),
      'ws.onmessage = function (e) {\n',
      "ws.onmessage = function (e) {\n  if (typeof e.data !== 'string') {\n    console.log('bytes back:', new Uint8Array(e.data));\n    return;\n  }\n",
    ),
  },
  watchMs: 5_000,
  // Must reject: the starting code (no binary); binary sent but not echoed; a Blob logged (no bytes). Must accept: any client
  // line after the echo holding the bytes in order (a Uint8Array, an array, a join).
  check(o) {
    const frames = clientEvents(o, 'ws').filter((e) => e.kind === 'frame' && e.details.binary && !e.details.note);
    const sent = frames.filter((e) => e.direction === 'c2s');
    const back = frames.filter((e) => e.direction === 's2c');
    const expected = t('a binary frame each way, and a client console line with the received bytes as numbers', '两个方向各有一个二进制帧，客户端控制台打印出收到的字节（数字）');
    if (sent.length === 0) return { pass: false, saw: t('no binary frame from the client', '客户端没有发送二进制帧'), expected };
    if (back.length === 0) return { pass: false, saw: t('a binary frame sent, none received back', '发出了二进制帧，但没有收到回来的二进制帧'), expected };
    const lines = consoleTexts(o, 'client');
    for (const frame of back) {
      const bytes = bytesOf(frame);
      if (bytes.length === 0) continue;
      const pattern = new RegExp('(^|\\D)' + bytes.join('\\D+') + '(\\D|$)');
      if (lines.some((l) => l.time >= frame.time && pattern.test(l.text))) return { pass: true };
    }
    const after = lines.filter((l) => l.time >= back[0]!.time).map((l) => l.text);
    return {
      pass: false,
      saw: t('binary received back ({hex}); client lines after it: {lines}', '收回了二进制（{hex}）；之后客户端打印了：{lines}', {
        hex: back[0]!.body ?? '',
        lines: quoteSome(after),
      }),
      expected,
    };
  },
};

export const exercises: Exercise[] = [stopTheTimer, closeWithCode, pingPong, binaryEcho];
