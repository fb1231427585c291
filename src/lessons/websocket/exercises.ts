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
    zh: '运行，然后观察客户端关闭（“closed by the client: …”）之后的服务器控制台：“sent” 每秒一行，照打不误，可客户端早就走了。请修改服务器，在连接关闭时停止它的定时器。',
  },
  hints: {
    en: ['`setInterval` returns an id; keep it in a variable.', "The server already listens for `ws.on('close', …)`: call `clearInterval(timer)` there."],
    zh: ['`setInterval` 会返回一个 id，把它存到变量里。', "服务器已经监听了 `ws.on('close', …)`，在里面调用 `clearInterval(timer)`。"],
  },
  solution: {
    'server.js': replaceOnce(
      replaceOnce(server, TIMER, TIMER.replace('  setInterval(', '  // Keep the id: the timer must stop when this connection closes.\n  const timer = setInterval(')),
      "    console.log('closed by the client:', code, reason.toString());",
      "    console.log('closed by the client:', code, reason.toString());\n    clearInterval(timer);",
    ),
  },
  watchMs: 7_000,
  check(o) {
    const close = clientEvents(o, 'ws').find((e) => e.kind === 'close');
    const sends = consoleTexts(o, 'server').filter((l) => /\bsent\b/.test(l.text));
    if (sends.length === 0) {
      return {
        pass: false,
        saw: t('no “sent” line in the server console', '服务器控制台里没有 “sent”'),
        expected: t('the server to log “sent” at each send, as the lesson’s server does', '服务器每次发送时打印 “sent”（课程的服务器就是这样）'),
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

/**
 * An application-level heartbeat: the server says 'ping', the client answers 'pong'. (ws's own ping() sends a control
 * frame the browser answers by itself, which page code and so the client tap never see.) The check wants at least
 * two pings, each answered before the next, or within a second for the last.
 */
const pingPong: Exercise = {
  id: 'ping-pong',
  title: { en: "Answer each 'ping' with 'pong'", zh: "对每个 'ping' 回复 'pong'" },
  task: {
    en: "Add a heartbeat the application can see: the server sends the text `ping` every second, and the client answers each `ping` with the text `pong` (and the server logs it). Careful: the client's `onmessage` parses everything as JSON, and `ping` is not JSON.",
    zh: "加一个应用层能看到的心跳：服务器每秒发送文本 `ping`，客户端对每个 `ping` 回复文本 `pong`（服务器打印收到的内容）。注意：客户端的 `onmessage` 把所有消息都当 JSON 解析，而 `ping` 不是 JSON。",
  },
  hints: {
    en: [
      "Server: a second timer, `setInterval(() => ws.send('ping'), 1000)`, cleared on 'close' like the first.",
      "Client: in `onmessage`, `if (e.data === 'ping') { ws.send('pong'); return; }` before `JSON.parse`.",
    ],
    zh: [
      "服务器：再开一个定时器 `setInterval(() => ws.send('ping'), 1000)`，和第一个一样在 'close' 时清除。",
      "客户端：在 `onmessage` 里，`JSON.parse` 之前先写 `if (e.data === 'ping') { ws.send('pong'); return; }`。",
    ],
  },
  solution: {
    'server.js': replaceOnce(
      server,
      "  ws.on('close', function (code, reason) {",
      "  // An application-level heartbeat: a client that stops answering 'pong' is gone.\n  const heartbeat = setInterval(() => ws.send('ping'), 1000);\n  ws.on('close', function (code, reason) {\n    clearInterval(heartbeat);",
    ),
    'client.js': replaceOnce(
      client,
      'ws.onmessage = function (e) {\n',
      "ws.onmessage = function (e) {\n  if (e.data === 'ping') {\n    ws.send('pong');\n    return;\n  }\n",
    ),
  },
  watchMs: 6_000,
  check(o) {
    const events = clientEvents(o, 'ws');
    const pings = events.filter((e) => e.direction === 's2c' && isText(e, 'ping'));
    const pongs = events.filter((e) => e.direction === 'c2s' && isText(e, 'pong'));
    const expected = t("at least two 'ping' frames from the server, each answered by a 'pong' frame from the client", "服务器至少发两个 'ping' 帧，客户端对每个都回复 'pong' 帧");
    if (pings.length === 0) return { pass: false, saw: t("no 'ping' frame from the server", "服务器没有发 'ping' 帧"), expected };
    const unanswered = pings.filter((ping, i) => {
      // By seq, not time: a pong sent from the ping's own handler often carries the very same (coarsened) time.
      const next = pings[i + 1]?.seq ?? Infinity;
      return !pongs.some((p) => p.seq > ping.seq && p.seq < next && p.time <= ping.time + 1_000);
    });
    // The last ping may be answered by a pong still on its way; one that had a full second and got none counts.
    const late = unanswered.filter((p) => o.elapsed - p.time >= 1_000);
    if (late.length > 0) {
      return {
        pass: false,
        saw: t("{n} 'ping' frame(s), {m} not answered (the first at {at})", "{n} 个 'ping' 帧，其中 {m} 个没有回复（第一个在 {at}）", {
          n: pings.length,
          m: late.length,
          at: seconds(late[0]!.time),
        }),
        expected,
      };
    }
    const answered = pings.length - unanswered.length;
    return answered >= 2 ? { pass: true } : { pass: false, saw: t("{n} 'ping' answered so far", "目前回复了 {n} 个 'ping'", { n: answered }), expected };
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
