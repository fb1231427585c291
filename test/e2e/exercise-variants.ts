/**
 * Solutions a learner might plausibly write, beside the shipped one: wrong ones each check must refuse (and say what
 * it saw), and right ones written differently from the shipped solution that it must accept. Each is the files as
 * the learner leaves them (only those that change). exercises.test.ts runs them in the browser, a few in real Node.
 * The same cases, as observations, are in test/unit/checks/*: those are cheap; these prove it in a real run.
 */
import { replaceOnce } from '../../src/lessons/checks/edit.js';
import longPollingServer from '../../src/lessons/long-polling/server.js?raw';
import shortPollingClient from '../../src/lessons/short-polling/client.js?raw';
import sseClient from '../../src/lessons/sse/client.js?raw';
import sseServer from '../../src/lessons/sse/server.js?raw';
import { HEARTBEAT_SERVER } from '../../src/lessons/websocket/exercises.js';
import manyServersClient from '../../src/lessons/many-servers/client.js?raw';
import { exercises as manyServersExercises } from '../../src/lessons/many-servers/exercises.js';
import fetchStreamClient from '../../src/lessons/fetch-stream/client.js?raw';
import { exercises as fetchStreamExercises, parserClient, stopClient } from '../../src/lessons/fetch-stream/exercises.js';
import fetchStreamServer from '../../src/lessons/fetch-stream/server.js?raw';
import type { LessonFileName } from '../../src/shared/lesson.js';
import stayingClient from '../../src/lessons/staying-connected/client.js?raw';
import stayingServer from '../../src/lessons/staying-connected/server.js?raw';
import chatClient from '../../src/lessons/chat/steps/4-history/client.js?raw';
import chatPage from '../../src/lessons/chat/steps/4-history/index.html?raw';
import chatServer from '../../src/lessons/chat/steps/4-history/server.js?raw';
import onlineClient from '../../src/lessons/chat/steps/3-online/client.js?raw';
import onlinePage from '../../src/lessons/chat/steps/3-online/index.html?raw';
import onlineServer from '../../src/lessons/chat/steps/3-online/server.js?raw';
import { exercises as stayingExercises, stayingServerExport } from '../../src/lessons/staying-connected/exercises.js';

type Files = Partial<Record<LessonFileName, string>>;

export interface Variant {
  name: string;
  files: Files;
  /** For a wrong solution: what the check's "Saw:" must say. */
  saw?: RegExp;
  /** Also run it in real Node. */
  real?: boolean;
}

export interface ExerciseVariants {
  lesson: string;
  exercise: string;
  wrong: Variant[];
  right: Variant[];
}

// ---- short polling: one request at a time, then a cursor -------------------------------------------------------
const serial = (fetchUrl: string) =>
  replaceOnce(
    replaceOnce(shortPollingClient, 'fetch(`/news?poller=${name}`)', fetchUrl),
    '  tick();\n  setInterval(tick, every);\n',
    '  async function next() {\n    try {\n      await tick();\n    } catch (err) {\n      console.warn(err.message);\n    } finally {\n      setTimeout(next, every);\n    }\n  }\n  next();\n',
  );

// ---- long polling: the server's hold under the proxy's limit --------------------------------------------------
const holdFor = (ms: number) => replaceOnce(longPollingServer, 'const HOLD_MS = 6000;', `const HOLD_MS = ${ms};`);

// ---- SSE: resume after Last-Event-ID --------------------------------------------------------------------------
const resumeAt = (expression: string) => replaceOnce(sseServer, '  let n = 0;', `  let n = ${expression};`);
/** The SSE server with a line added after its headers are set; the client reading through the proxy stand-in. */
const proxiedServer = (line: string) => replaceOnce(sseServer, "  res.setHeader('Cache-Control', 'no-cache');\n", `  res.setHeader('Cache-Control', 'no-cache');\n${line}`);
const PROXIED_SSE_CLIENT = replaceOnce(sseClient, "new EventSource('/test')", "new EventSource('/via-proxy/test')");

// ---- WebSocket: a heartbeat both sides act on -----------------------------------------------------------------
/** Pongs, but no deadline: the exercise's old solution. */
const PONG_ONLY_CLIENT = `var ws = new WebSocket('ws://localhost:8181');
ws.onmessage = function (e) {
  if (e.data === 'ping') return ws.send('pong');
  console.log(JSON.parse(e.data));
};
`;
/** Reconnects every 4 s whatever the pings: it closes a live connection. */
const TIMER_CLIENT = `function connect() {
  var ws = new WebSocket('ws://localhost:8181');
  ws.onmessage = function (e) {
    if (e.data === 'ping') return ws.send('pong');
  };
  setTimeout(function () {
    ws.close(4000, 'time to reconnect');
    connect();
  }, 4000);
}
connect();
`;
/** Right, written differently: addEventListener, an interval comparing times, a pause before reconnecting. */
const INTERVAL_CLIENT = `let socket;
let lastPing = 0;

function open() {
  const ws = new WebSocket('ws://localhost:8181');
  socket = ws;
  lastPing = Date.now();
  ws.addEventListener('message', (event) => {
    if (event.data !== 'ping') return;
    lastPing = Date.now();
    ws.send('pong');
  });
}

setInterval(() => {
  if (!socket || Date.now() - lastPing < 3000) return;
  const dead = socket;
  socket = undefined;
  dead.close(4001, 'silent');
  setTimeout(open, 500);
}, 250);

open();
`;

// ---- fetch-stream: a parser, a Stop, an error mid-stream -------------------------------------------------------
/** The starting client, with the pieces it cannot parse skipped instead of thrown on. */
const SKIPPING_CLIENT = replaceOnce(
  fetchStreamClient,
  '      const { delta } = JSON.parse(data);',
  '      let delta;\n      try {\n        delta = JSON.parse(data).delta;\n      } catch {\n        continue; // not JSON: a piece, skip it\n      }',
);
/** A buffering parser over bytes decoded chunk by chunk without { stream: true }: a character cut in two breaks. */
const NO_STREAM_DECODER_CLIENT = replaceOnce(
  parserClient,
  '  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();',
  `  const bytes = res.body.getReader();
  const reader = {
    async read() {
      const r = await bytes.read();
      return r.done ? r : { done: false, value: new TextDecoder().decode(r.value) };
    },
  };`,
);
const FETCH_HEAD = `  const res = await fetch('/v1/chat', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer demo-key' },
    body: JSON.stringify({ question }),
  });`;
/** Survives any chunking by waiting for the end: nothing shows while the answer streams. */
const WHOLE_BODY_CLIENT = `async function ask(question) {
  console.log('问：', question);
${FETCH_HEAD}
  const text = await res.text();
  for (const block of text.split('\\n\\n')) {
    if (!block.startsWith('data: ') || block === 'data: [DONE]') continue;
    console.log('token:', JSON.parse(block.slice(6)).delta);
  }
}
ask('什么是服务器推送？');
`;
/** Right, written differently: a line reader on TextDecoder({ stream: true }) that logs the answer so far. */
const LINE_READER_CLIENT = `async function ask(question) {
  console.log('问：', question);
${FETCH_HEAD}
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  let pending = '';
  let data = [];
  let answer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    const lines = pending.split('\\n');
    pending = lines.pop();
    for (const line of lines) {
      if (line.startsWith('data:')) {
        data.push(line.slice(5).trimStart());
        continue;
      }
      // A blank line ends the event.
      if (line !== '' || data.length === 0) continue;
      const text = data.join('\\n');
      data = [];
      if (text === '[DONE]') continue;
      const piece = JSON.parse(text).delta;
      if (piece === undefined) continue;
      answer += piece;
      console.log(answer);
    }
  }
}
ask('什么是服务器推送？');
`;
const TAKE_EVENT = "      if (event.type !== 'message' || event.data === '[DONE]') continue;";
/** The shipped solution of an exercise, for a run in real Node too (the suite runs only the first one there). */
const fetchStreamSolution = (id: string) => fetchStreamExercises.find((e) => e.id === id)!.solution;
/** Stop by cancelling the reader, and a server that looks at res.destroyed on each tick. */
const CANCEL_CLIENT = replaceOnce(parserClient, '      stopped = true;', '      stopped = true;\n      reader.cancel();');
const DESTROYED_SERVER = replaceOnce(
  fetchStreamServer,
  '        if (answer.error && i === answer.tokens.length) {',
  "        if (res.destroyed) {\n          console.log('client gone');\n          return;\n        }\n        if (answer.error && i === answer.tokens.length) {",
);
const REQ_CLOSE_SERVER = replaceOnce(fetchStreamServer, '      }, 120);\n', "      }, 120);\n      req.on('close', () => clearTimeout(timer));\n");

// ---- many-servers: sticky sessions, a bus between the servers, a token middleware -------------------------------
const manyServers = (id: string) => manyServersExercises.find((e) => e.id === id)!.solution['server.js']!;
const STICKY_SERVER = manyServers('sticky-sessions');
const PICK_BY_SID = `function pick(req) {
  const sid = new URL(req.url, 'http://localhost').searchParams.get('sid');
  return owner.get(sid) || servers[turn++ % servers.length];
}`;
/** Sticky requests, but the upgrade handler still picks in turn: the WebSocket reaches the other server. */
const STICKY_REQUESTS_ONLY = replaceOnce(
  replaceOnce(STICKY_SERVER, PICK_BY_SID, `${PICK_BY_SID}\nfunction next() {\n  return servers[turn++ % servers.length];\n}`),
  '  const backend = pick(req);\n  console.log(`proxy: upgrade',
  '  const backend = next();\n  console.log(`proxy: upgrade',
);
const SAY_HANDLER = `    socket.on('say', (text) => {
      // Reaches every client of this server, and no client of the other one.
      io.emit('said', text);
    });`;
const BUS_SERVER = manyServers('broadcast-every-server');
const MIDDLEWARE_SERVER = manyServers('token-middleware');
const TOKEN_CHECK = '    if (socket.handshake.auth.token === TOKEN) return next();';

const MANY_SERVERS_VARIANTS: ExerciseVariants[] = [
  {
    lesson: 'many-servers',
    exercise: 'sticky-sessions',
    wrong: [
      {
        name: "long polling turned off in the client (transports: ['websocket'])",
        files: { 'client.js': replaceOnce(manyServersClient, 'reconnection: false });', "reconnection: false, transports: ['websocket'] });") },
        saw: /long polling is off/,
        real: true,
      },
      { name: 'sticky requests, a round-robin upgrade', files: { 'server.js': STICKY_REQUESTS_ONLY }, saw: /closed without an answer/, real: true },
      { name: 'every connection sent to server A', files: { 'server.js': replaceOnce(STICKY_SERVER, PICK_BY_SID, 'function pick() {\n  return servers[0];\n}') }, saw: /all served by A/ },
    ],
    right: [
      {
        name: "the session looked up in each server's io.engine.clients",
        files: {
          'server.js': replaceOnce(
            STICKY_SERVER,
            PICK_BY_SID,
            `function pick(req) {
  const sid = new URL(req.url, 'http://localhost').searchParams.get('sid');
  const holder = sid && servers.find((s) => s.io.engine.clients[sid]);
  if (holder) return holder;
  turn = (turn + 1) % servers.length;
  return servers[turn];
}`,
          ),
        },
        real: true,
      },
    ],
  },
  {
    lesson: 'many-servers',
    exercise: 'broadcast-every-server',
    wrong: [
      { name: "sticky sessions only: io.emit stays on the sender's server", files: { 'server.js': STICKY_SERVER }, saw: /none on [AB]/, real: true },
      {
        name: 'a local io.emit as well as the bus',
        files: { 'server.js': replaceOnce(BUS_SERVER, "      bus.emit('said', text);", "      io.emit('said', text);\n      bus.emit('said', text);") },
        saw: /got hello, everyone 2 times/,
      },
    ],
    right: [
      {
        name: "a loop over every server's io.emit",
        files: { 'server.js': replaceOnce(STICKY_SERVER, SAY_HANDLER, "    socket.on('say', (text) => {\n      for (const other of servers) other.io.emit('said', text);\n    });") },
        real: true,
      },
    ],
  },
  {
    lesson: 'many-servers',
    exercise: 'token-middleware',
    wrong: [
      { name: 'no middleware: mallory gets in', files: { 'server.js': STICKY_SERVER }, saw: /was let in/, real: true },
      {
        name: 'the token read from the query string',
        files: { 'server.js': replaceOnce(MIDDLEWARE_SERVER, TOKEN_CHECK, '    if (socket.handshake.query.token === TOKEN) return next();') },
        saw: /right token was refused/,
      },
      {
        name: 'a middleware that never calls next for a wrong token',
        files: { 'server.js': replaceOnce(MIDDLEWARE_SERVER, "    next(new Error('invalid token'));\n", '') },
        saw: /no answer/,
      },
    ],
    right: [
      {
        name: 'an async middleware with a set of tokens and an error carrying data',
        files: {
          'server.js': replaceOnce(
            replaceOnce(MIDDLEWARE_SERVER, TOKEN_CHECK, '    if (await allowed(socket.handshake.auth.token)) return next();'),
            '  io.use((socket, next) => {',
            "  const allowed = async (token) => new Set([TOKEN, 'also-fine']).has(token);\n  io.use(async (socket, next) => {",
          ),
        },
        real: true,
      },
    ],
  },
];

// ---- staying connected: a watchdog on the server, backoff and jitter on twenty clients ------------------------
const STAYING_HEARTBEAT = `    const heartbeat = setInterval(() => {
      ws.send('ping');
    }, HEARTBEAT_MS);`;
const STAYING_PONG = '        // The client is alive.\n';
const stayingServerWith = (heartbeat: string, onPong: string) =>
  replaceOnce(replaceOnce(stayingServer, STAYING_HEARTBEAT, heartbeat), STAYING_PONG, onPong);
/** A deadline that no pong resets: it cuts every client, answering or not. */
const DEADLINE_SERVER = stayingServerWith(`${STAYING_HEARTBEAT}
    const deadline = setTimeout(() => ws.terminate(), 1500);
    ws.on('close', () => clearTimeout(deadline));`, STAYING_PONG);
/** Tolerates five missed pings: the sleeper is found, but far too late. */
const PATIENT_SERVER = stayingServerWith(`    let missed = 0;
    const heartbeat = setInterval(() => {
      if (missed >= 5) return ws.terminate();
      missed++;
      ws.send('ping');
    }, HEARTBEAT_MS);`, '        missed = 0;\n');
/** Right, written differently: the time of the last pong against the clock, and close() rather than terminate(). */
const CLOCK_SERVER = stayingServerWith(`    let lastPong = Date.now();
    const heartbeat = setInterval(() => {
      if (Date.now() - lastPong > 1.5 * HEARTBEAT_MS) return ws.close(4001, 'no pong');
      ws.send('ping');
    }, HEARTBEAT_MS);`, '        lastPong = Date.now();\n');

const STAYING_RETRY = '    setTimeout(() => connect(n, failures + 1), RETRY_MS);';
const stayingRetry = (code: string) => replaceOnce(stayingClient, STAYING_RETRY, code);
const LINEAR_CLIENT = stayingRetry('    setTimeout(() => connect(n, failures + 1), 200 * (failures + 1));');
const FIXED_LONG_CLIENT = stayingRetry('    setTimeout(() => connect(n, failures + 1), 2000);');
/** Backoff without jitter, as the back-off exercise's solution has it. */
const DOUBLING_CLIENT = stayingRetry('    setTimeout(() => connect(n, failures + 1), Math.min(5000, 200 * 2 ** failures));');
/** One random factor drawn once for the whole page: every client still waits the same. */
const SHARED_RANDOM_CLIENT = stayingRetry(`    const share = SHARED;
    setTimeout(() => connect(n, failures + 1), Math.min(5000, 200 * 2 ** failures) * (0.5 + share / 2));`).replace(
  'const CLIENTS = 20;',
  'const CLIENTS = 20;\nconst SHARED = Math.random();',
);
/** A random factor per client, drawn when the page loads and kept: the clients spread, in one order at every try. */
const PER_CLIENT_RANDOM_CLIENT = stayingRetry(`    const factor = FACTORS[n];
    setTimeout(() => connect(n, failures + 1), Math.min(5000, 200 * 2 ** failures) * (0.5 + factor / 2));`).replace(
  'const CLIENTS = 20;',
  'const CLIENTS = 20;\nconst FACTORS = Array.from({ length: CLIENTS + 1 }, () => Math.random());',
);
/**
 * Right, written differently: half the doubled wait plus a random half, with Math.pow. ("Full" jitter, a random wait
 * anywhere up to the doubled one, is accepted by the checks' unit tests; in a real run on a loaded machine its mean
 * waits are too noisy for the backoff check one time in a few, so it is not one of these.)
 */
const HALF_JITTER_CLIENT = stayingRetry(`    const backoff = Math.min(5000, 200 * Math.pow(2, failures));
    setTimeout(() => connect(n, failures + 1), backoff / 2 + Math.random() * (backoff / 2));`);

/** Listens for 'drain', but the loop goes on: everything is written at once, as before. */
export const DRAIN_IGNORED_SERVER = stayingServerExport(`  for (let n = 1; n <= RECORDS; n++) {
    if (!send(record(n))) res.once('drain', () => console.log('drained'));
  }
  res.end();
`);
/** Paces itself by the clock, 100 records every 100 ms, whatever write() says. */
export const BATCHES_SERVER = stayingServerExport(`  let n = 1;
  function batch() {
    for (let i = 0; i < 100 && n <= RECORDS; i++) send(record(n++));
    if (n <= RECORDS) setTimeout(batch, 100);
    else res.end();
  }
  batch();
`);
/** Right, written differently: an async loop that awaits the next 'drain' whenever write() says false. */
export const AWAIT_DRAIN_SERVER = stayingServerExport(`  (async () => {
    for (let n = 1; n <= RECORDS; n++) {
      if (!send(record(n))) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  })();
`);

const STAYING_CONNECTED_VARIANTS: ExerciseVariants[] = [
  {
    lesson: 'staying-connected',
    exercise: 'find-the-sleeper',
    wrong: [
      { name: 'a deadline no pong resets: it cuts every client', files: { 'server.js': DEADLINE_SERVER }, saw: /answered every ping were cut before the restart/ },
      { name: 'five missed pings allowed: found after six seconds', files: { 'server.js': PATIENT_SERVER }, saw: /after its last answer/ },
    ],
    right: [{ name: 'the last pong’s time against the clock, and close(4001)', files: { 'server.js': CLOCK_SERVER }, real: true }],
  },
  {
    lesson: 'staying-connected',
    exercise: 'back-off',
    wrong: [
      { name: 'a wait that grows by 200 ms a try', files: { 'client.js': LINEAR_CLIENT }, saw: /mean wait before each try/ },
      { name: 'a fixed 2 s', files: { 'client.js': FIXED_LONG_CLIENT }, saw: /mean wait before each try/ },
    ],
    right: [{ name: 'half the doubled wait plus a random half, with Math.pow', files: { 'client.js': HALF_JITTER_CLIENT }, real: true }],
  },
  {
    lesson: 'staying-connected',
    exercise: 'jitter',
    wrong: [
      { name: 'backoff without jitter', files: { 'client.js': DOUBLING_CLIENT }, saw: /waited nearly as long as one another/ },
      { name: 'one Math.random() for the whole page', files: { 'client.js': SHARED_RANDOM_CLIENT }, saw: /waited nearly as long as one another/, real: true },
      { name: 'one random factor per client, drawn once', files: { 'client.js': PER_CLIENT_RANDOM_CLIENT }, saw: /kept its place among the waits/, real: true },
    ],
    right: [{ name: 'half the doubled wait plus a random half', files: { 'client.js': HALF_JITTER_CLIENT }, real: true }],
  },
  {
    lesson: 'staying-connected',
    exercise: 'wait-for-drain',
    wrong: [
      { name: 'the starting server: write() ignored', files: { 'server.js': stayingServer }, saw: /the server held up to 30\d{4} bytes/, real: true },
      { name: "a 'drain' listener, but the loop goes on", files: { 'server.js': DRAIN_IGNORED_SERVER }, saw: /the server held up to \d+ bytes/ },
      { name: 'setTimeout pacing, 100 records every 100 ms', files: { 'server.js': BATCHES_SERVER }, saw: /the server held up to \d+ bytes/, real: true },
    ],
    right: [
      { name: 'an async loop awaiting the next drain', files: { 'server.js': AWAIT_DRAIN_SERVER }, real: true },
      { name: 'the shipped solution, in real Node too', files: { 'server.js': stayingExercises.find((e) => e.id === 'wait-for-drain')!.solution['server.js']! }, real: true },
    ],
  },
];

// ---- chat: the history each window shows, as text, once ---------------------------------------------------------
/** The whole chat with its client changed: what a learner has after the last exercise, one mistake in it. */
const chatWith = (find: string, replace: string): Files => ({
  'server.js': chatServer,
  'index.html': chatPage,
  'client.js': replaceOnce(chatClient, find, replace),
});
/** The whole chat with several changes to its client, each made once. */
const chatWithAll = (edits: [string, string][]): Files => ({
  'server.js': chatServer,
  'index.html': chatPage,
  'client.js': edits.reduce((code, [find, replace]) => replaceOnce(code, find, replace), chatClient),
});
const CHAT_HISTORY_VARIANTS: ExerciseVariants[] = [
  {
    lesson: 'chat',
    exercise: 'online',
    wrong: [
      {
        // Every 'online' packet is right; the window logs the list instead of showing it.
        name: 'the list received but only logged',
        files: {
          'server.js': onlineServer,
          'index.html': onlinePage,
          'client.js': replaceOnce(onlineClient, "$('online').textContent = say.online + nicks.join(', ');", 'console.log(say.online, nicks);'),
        },
        saw: /received the whole list but does not show/,
      },
    ],
    right: [],
  },
  {
    lesson: 'chat',
    exercise: 'history',
    wrong: [
      // The join answer's offsets are all right, so only what the windows show can refuse it.
      { name: 'the join answer’s messages never shown', files: chatWith('  result.messages.forEach(receive);\n', ''), saw: /does not show “Welcome to the lobby!/, real: true },
      { name: 'messages rendered with innerHTML', files: chatWith('item.textContent = text;', 'item.innerHTML = text;'), saw: /markup was rendered as HTML/ },
      {
        name: 'each history message shown twice (forEach run again after the join)',
        files: chatWith("    console.log(`joined ${room} as ${nick}`);", "    result.messages.forEach((m) => line(`${m.from}: ${m.text}`));\n    console.log(`joined ${room} as ${nick}`);"),
        saw: /shows “Welcome to the lobby! .*” 2 times/,
      },
      // The scene (exercises.ts): client 2 types and sends, the windows hear nothing while client 3 sends, then all are cut.
      {
        name: 'reconnects without its offset (auth without serverOffset)',
        files: chatWith('auth: (cb) => cb({ clientId, room, nick, serverOffset }),', 'auth: (cb) => cb({ clientId, room, nick }),'),
        saw: /reconnected with auth \{clientId, room, nick\}: no serverOffset, though it had been sent messages up to offset \d/,
        real: true,
      },
      {
        name: 'auth an object, read once before the join',
        files: chatWith('auth: (cb) => cb({ clientId, room, nick, serverOffset }),', 'auth: { clientId, room, nick, serverOffset },'),
        saw: /reconnected with auth \{clientId\}: no serverOffset/,
      },
      {
        name: 'joins again on every connection and keeps no offsets: the replay shown twice',
        files: chatWithAll([
          ['  if (m.room !== room || seen.has(m.offset)) return;', '  if (m.room !== room) return;'],
          ['  if (room === undefined) join();', '  join();'],
        ]),
        saw: / 2 times/,
      },
      {
        name: 'typing: false ignored, the line ends by its time-out only',
        files: chatWithAll([
          ["  if (t.room !== room) return;\n  stopTyping(t.nick);", "  if (t.room !== room || !t.typing) return;\n  stopTyping(t.nick);"],
          ['  stopTyping(m.from);\n', ''],
        ]),
        saw: /ended “guest-\w+ is typing…” only \d\.\d s after the server said/,
      },
      {
        name: 'the typing line set on every typing event, never cleared',
        files: chatWith(
          "  if (t.room !== room) return;\n  stopTyping(t.nick);\n  // A window that vanishes mid-word never sends `false`: the indicator times out by itself.\n  if (t.typing) typingTimers.set(t.nick, setTimeout(() => stopTyping(t.nick), 4000));\n  showTyping();\n",
          "  if (t.room === room) $('typing').textContent = say.typing([t.nick]);\n",
        ),
        saw: /still shows “guest-\w+ is typing…” \d+\.\d s after the server said/,
        real: true,
      },
    ],
    right: [
      { name: 'a text node appended instead of textContent', files: chatWith('item.textContent = text;', 'item.append(document.createTextNode(text));'), real: true },
      {
        // The socket.io tutorial's way: an auth object the page keeps up to date, read at each reconnection.
        name: 'socket.auth updated in place',
        files: chatWithAll([
          ['const socket = io({\n  // A function, so it is read again at every reconnection.\n  auth: (cb) => cb({ clientId, room, nick, serverOffset }),\n});', 'const socket = io({ auth: { clientId } });'],
          ['  serverOffset = Math.max(serverOffset ?? 0, m.offset);\n', '  serverOffset = Math.max(serverOffset ?? 0, m.offset);\n  socket.auth.serverOffset = serverOffset;\n'],
          ['  nick = result.nick;\n', '  nick = result.nick;\n  Object.assign(socket.auth, { room, nick, serverOffset });\n'],
        ]),
        real: true,
      },
      { name: 'the shipped solution, in real Node too', files: { 'server.js': chatServer, 'index.html': chatPage, 'client.js': chatClient }, real: true },
    ],
  },
];

export const VARIANTS: ExerciseVariants[] = [
  {
    lesson: 'short-polling',
    exercise: 'since-cursor',
    wrong: [
      { name: 'since=Date.now(): ahead of every id, so nothing arrives', files: { 'client.js': serial('fetch(`/news?poller=${name}&since=${Date.now()}`)') }, saw: /no poller received a new item/ },
      { name: 'since=newest + 1: skips an item', files: { 'client.js': serial('fetch(`/news?poller=${name}&since=${newest + 1}`)') }, saw: /never arrived: the cursor skips|no poller received a new item/ },
    ],
    right: [
      {
        name: 'URLSearchParams and the largest id seen',
        files: { 'client.js': serial("fetch('/news?' + new URLSearchParams({ poller: name, since: String(Math.max(0, ...seen)) }))") },
      },
    ],
  },
  {
    lesson: 'long-polling',
    exercise: 'hold-under-proxy-limit',
    wrong: [
      {
        name: 'the proxy stand-in raised instead of the server',
        files: { 'server.js': replaceOnce(longPollingServer, 'const PROXY_LIMIT_MS = 3000;', 'const PROXY_LIMIT_MS = 10000;') },
        saw: /longer than the 3 s the proxy allows/,
        real: true,
      },
      { name: 'HOLD_MS = 0: short polling again', files: { 'server.js': holdFor(0) }, saw: /no empty answer from the server yet/ },
    ],
    right: [
      {
        name: '204 No Content after 2.5 s',
        files: { 'server.js': replaceOnce(holdFor(2500), '    if (!res.writableEnded) sendJson(res, []);', '    if (!res.writableEnded) {\n      res.writeHead(204);\n      res.end();\n    }') },
        real: true,
      },
    ],
  },
  {
    lesson: 'sse',
    exercise: 'resume-from-last-event-id',
    wrong: [
      { name: 'one past Last-Event-ID: an event lost', files: { 'server.js': resumeAt("Number(req.headers['last-event-id']) + 1 || 0") }, saw: /were lost/ },
      {
        name: 'the client drops repeats: they still crossed the wire',
        files: {
          'client.js': replaceOnce(
            sseClient,
            "source.onmessage = function (event) {\n  console.log('数据是: ', event.data);",
            "const seen = new Set();\nsource.onmessage = function (event) {\n  if (seen.has(event.lastEventId)) return;\n  seen.add(event.lastEventId);\n  console.log('数据是: ', event.data);",
          ),
        },
        saw: /received twice/,
      },
    ],
    right: [
      {
        name: 'parseInt with a NaN check, in a helper',
        files: { 'server.js': resumeAt("(() => {\n    const last = parseInt(req.headers['last-event-id'] ?? '', 10);\n    return Number.isNaN(last) ? 0 : last;\n  })()") },
        real: true,
      },
    ],
  },
  {
    lesson: 'sse',
    exercise: 'through-the-proxy',
    wrong: [
      { name: 'X-Accel-Buffering: yes', files: { 'server.js': proxiedServer("  res.setHeader('X-Accel-Buffering', 'yes');\n"), 'client.js': PROXIED_SSE_CLIENT }, saw: /held together/, real: true },
      { name: 'flushHeaders: the head goes at once, the events still wait', files: { 'server.js': proxiedServer('  res.flushHeaders();\n'), 'client.js': PROXIED_SSE_CLIENT }, saw: /held together/ },
      { name: 'the header set, the client still around the proxy', files: { 'server.js': proxiedServer("  res.setHeader('X-Accel-Buffering', 'no');\n") }, saw: /around the proxy/ },
    ],
    right: [
      {
        name: "the header in writeHead's object, any case",
        files: {
          'server.js': replaceOnce(
            sseServer,
            "  res.setHeader('Content-Type', 'text/event-stream');\n  res.setHeader('Cache-Control', 'no-cache');\n",
            "  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'x-accel-buffering': 'No' });\n",
          ),
          'client.js': PROXIED_SSE_CLIENT,
        },
        real: true,
      },
    ],
  },
  {
    lesson: 'websocket',
    exercise: 'ping-pong',
    wrong: [
      { name: 'pings answered, nobody acts on silence', files: { 'server.js': HEARTBEAT_SERVER, 'client.js': PONG_ONLY_CLIENT }, saw: /nobody noticed/ },
      { name: 'reconnects on a timer whatever the pings', files: { 'server.js': HEARTBEAT_SERVER, 'client.js': TIMER_CLIENT }, saw: /the connection was alive/ },
    ],
    right: [{ name: 'addEventListener and an interval comparing times', files: { 'server.js': HEARTBEAT_SERVER, 'client.js': INTERVAL_CLIENT }, real: true }],
  },
  {
    lesson: 'fetch-stream',
    exercise: 'parse-any-chunking',
    wrong: [
      { name: 'the pieces it cannot parse skipped: tokens lost', files: { 'client.js': SKIPPING_CLIENT }, saw: /never shown in the client console/, real: true },
      { name: 'TextDecoder without { stream: true }: a character cut in two', files: { 'client.js': NO_STREAM_DECODER_CLIENT }, saw: /never shown in the client console/ },
      { name: 'res.text(), then parse: nothing while it streams', files: { 'client.js': WHOLE_BODY_CLIENT }, saw: /not as it streamed/ },
    ],
    right: [{ name: 'a line reader that dispatches at the blank line and logs the answer so far', files: { 'client.js': LINE_READER_CLIENT }, real: true }],
  },
  {
    lesson: 'fetch-stream',
    exercise: 'stop-generating',
    wrong: [
      { name: 'abort() with the server unchanged: it generates on', files: { 'client.js': stopClient }, saw: /the server went on/, real: true },
      { name: "the server stops on req's 'close': it never answers", files: { 'client.js': stopClient, 'server.js': REQ_CLOSE_SERVER }, saw: /no answer was stopped/ },
    ],
    right: [
      { name: 'reader.cancel(), and a server that checks res.destroyed', files: { 'client.js': CANCEL_CLIENT, 'server.js': DESTROYED_SERVER }, real: true },
      { name: 'the shipped solution', files: fetchStreamSolution('stop-generating'), real: true },
    ],
  },
  {
    lesson: 'fetch-stream',
    exercise: 'show-stream-error',
    wrong: [
      {
        name: 'an error of its own, without the server’s message',
        files: { 'client.js': replaceOnce(parserClient, TAKE_EVENT, "      if (event.type === 'error') throw new Error('服务器出错了');\n" + TAKE_EVENT) },
        saw: /the client console then said/,
        real: true,
      },
    ],
    right: [
      {
        name: 'an error field read from the data, shown with console.error',
        files: {
          'client.js': replaceOnce(
            parserClient,
            TAKE_EVENT,
            "      const payload = event.data && event.data !== '[DONE]' ? JSON.parse(event.data) : {};\n      if (payload.error) {\n        console.error('model error:', payload.error.message);\n        return;\n      }\n" + TAKE_EVENT,
          ),
        },
        real: true,
      },
      { name: 'the shipped solution', files: fetchStreamSolution('show-stream-error'), real: true },
    ],
  },
  ...MANY_SERVERS_VARIANTS,
  ...STAYING_CONNECTED_VARIANTS,
  ...CHAT_HISTORY_VARIANTS,
];
