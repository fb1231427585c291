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
import type { LessonFileName } from '../../src/shared/lesson.js';

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
    lesson: 'websocket',
    exercise: 'ping-pong',
    wrong: [
      { name: 'pings answered, nobody acts on silence', files: { 'server.js': HEARTBEAT_SERVER, 'client.js': PONG_ONLY_CLIENT }, saw: /nobody noticed/ },
      { name: 'reconnects on a timer whatever the pings', files: { 'server.js': HEARTBEAT_SERVER, 'client.js': TIMER_CLIENT }, saw: /the connection was alive/ },
    ],
    right: [{ name: 'addEventListener and an interval comparing times', files: { 'server.js': HEARTBEAT_SERVER, 'client.js': INTERVAL_CLIENT }, real: true }],
  },
];
