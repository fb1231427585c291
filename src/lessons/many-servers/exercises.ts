import type { CheckResult, Exercise, Observation } from '../../shared/lesson.js';
import { replaceOnce } from '../checks/edit.js';
import { clientEvents, seconds, t } from '../checks/observe.js';
import { connectedSessions, sioEvents, socketIoPackets, type WirePacket } from '../checks/socket-io.js';
import server from './server.js?raw';

/**
 * Every check reads socket.io's packets from the client's own traffic (checks/socket-io.ts), so it holds in both
 * runtimes. Which server holds a connection is what that server says first: `42["hello","A"]`.
 */

/** The token server.js lets in, and the one the client's mallory guesses. */
export const TOKEN = 'let-me-in';

const ROUND_ROBIN = `let turn = 0;
function pick() {
  return servers[turn++ % servers.length];
}
`;

/** The shipped stickiness: the session id in each request's query names the server that made the session. */
const STICKY = `// Sticky sessions: a new session goes to the next server in turn. Every later request of that session (its
// polls, its posts, its WebSocket upgrade) carries ?sid=, and goes back to the server that made it.
let turn = 0;
const owner = new Map(); // Engine.IO session id → the server that holds it
for (const backend of servers) {
  backend.io.engine.on('connection', (conn) => {
    owner.set(conn.id, backend);
    conn.on('close', () => owner.delete(conn.id));
  });
}
function pick(req) {
  const sid = new URL(req.url, 'http://localhost').searchParams.get('sid');
  return owner.get(sid) || servers[turn++ % servers.length];
}
`;

function sticky(source: string): string {
  let s = replaceOnce(source, ROUND_ROBIN, STICKY);
  s = replaceOnce(s, '  const backend = pick();\n  console.log(`proxy: ${describe(req)}', '  const backend = pick(req);\n  console.log(`proxy: ${describe(req)}');
  return replaceOnce(s, '  const backend = pick();\n  console.log(`proxy: upgrade', '  const backend = pick(req);\n  console.log(`proxy: upgrade');
}

const LOCAL_BROADCAST = `    socket.on('say', (text) => {
      // Reaches every client of this server, and no client of the other one.
      io.emit('said', text);
    });
`;

const BUS = `// Stands for Redis pub/sub (or the cluster's IPC) between processes: every server hears what any server publishes.
const bus = new (require('events'))();

function startServer(name) {`;

function withBus(source: string): string {
  const s = replaceOnce(source, 'function startServer(name) {', BUS);
  return replaceOnce(
    replaceOnce(
      s,
      LOCAL_BROADCAST,
      `    socket.on('say', (text) => {
      // Published once; each server, this one included, hands it to its own clients.
      bus.emit('said', text);
    });
`,
    ),
    '  return { name, server, io };',
    "  bus.on('said', (text) => io.emit('said', text));\n\n  return { name, server, io };",
  );
}

const MIDDLEWARE = `  const io = new Server(server);

  // Runs before 'connection' for every new connection: next() lets it in, next(err) refuses it, and the client gets
  // 'connect_error' with err.message.
  io.use((socket, next) => {
    if (socket.handshake.auth.token === TOKEN) return next();
    console.log(\`server \${name}: refused \${socket.handshake.auth.name || socket.id}\`);
    next(new Error('invalid token'));
  });
`;

// ---- What the traffic says ----------------------------------------------------------------------------------------

/** Which server greeted each session: `42["hello","A"]`. */
function servedBy(packets: WirePacket[]): Map<string, string> {
  const by = new Map<string, string>();
  for (const p of sioEvents(packets, 's2c', 'hello')) if (p.sid && !by.has(p.sid)) by.set(p.sid, String(p.sio!.args[0]));
  return by;
}

function queryOf(url: string | undefined): URLSearchParams | undefined {
  try {
    return url ? new URL(url, 'http://x').searchParams : undefined;
  } catch {
    return undefined;
  }
}

/** Polling requests of a known session answered 400: the request reached a server that never made that session. */
function unknownSessions(o: Observation): number {
  return clientEvents(o, 'http').filter((e) => e.kind === 'response' && e.details.status === 400 && queryOf(e.details.url)?.has('sid')).length;
}

/**
 * WebSockets that asked to upgrade a session (`sid=` in the URL) and closed without one frame from the server: the
 * upgrade reached the other server. (Real Node refuses it with 400 before the 101; the in-browser one closes it.)
 */
function failedUpgrades(o: Observation): number {
  const events = clientEvents(o, 'ws');
  const url = new Map<string, string>();
  for (const e of events) if (e.details.url) url.set(e.conn, e.details.url);
  const answered = new Set(events.filter((e) => e.kind === 'frame' && e.direction === 's2c').map((e) => e.conn));
  const closed = new Set(events.filter((e) => e.kind === 'close' && e.direction !== 'c2s').map((e) => e.conn));
  return [...closed].filter((conn) => queryOf(url.get(conn))?.has('sid') && !answered.has(conn)).length;
}

const connectTime = (packets: WirePacket[], sid: string) =>
  packets.find((p) => p.sid === sid && p.direction === 's2c' && p.sio?.type === 'CONNECT')?.time ?? Infinity;

const fail = (saw: [string, string, Record<string, string | number>?], expected: [string, string]): CheckResult => ({
  pass: false,
  saw: t(saw[0], saw[1], saw[2]),
  expected: t(...expected),
});

/** Connections on both servers, or what is missing for that. */
function onBothServers(packets: WirePacket[]): { sessions: string[]; by: Map<string, string> } | CheckResult {
  const sessions = connectedSessions(packets);
  const by = servedBy(packets);
  const servers = new Set(sessions.map((s) => by.get(s)).filter(Boolean));
  if (servers.size >= 2) return { sessions, by };
  return fail(
    sessions.length === 0
      ? ['no connection got through the load balancer', '没有一条连接通过负载均衡器']
      : ['{n} connection(s), all served by {s}', '{n} 条连接，全部由 {s} 服务', { n: sessions.length, s: [...servers].join(', ') || '?' }],
    ['connections served by both A and B (42["hello","A"], 42["hello","B"])', '两台服务器都有连接（42["hello","A"] 和 42["hello","B"]）'],
  );
}

// ---- 1. Sticky sessions -------------------------------------------------------------------------------------------

const stickySessions: Exercise = {
  id: 'sticky-sessions',
  title: { en: 'Sticky sessions, with long polling kept on', zh: '粘性会话，保留长轮询' },
  task: {
    en: 'Run the lesson as it is: the client console fills with `connect_error: xhr post error`, and in the Traffic tab requests that carry `sid=` come back `400` with `{"code":1,"message":"Session ID unknown"}`. Change the load balancer so that every request of a session, and its WebSocket upgrade, reaches the server that made the session, while new sessions still go to A and B in turn. Keep long polling on: the client stays as it is.',
    zh: '先按原样运行：客户端控制台不断出现 `connect_error: xhr post error`，“网络流量”面板里带 `sid=` 的请求返回 `400` 和 `{"code":1,"message":"Session ID unknown"}`。修改负载均衡器，让同一个会话的每个请求以及它的 WebSocket 升级请求，都回到创建这个会话的服务器；新会话仍然轮流分给 A 和 B。保留长轮询：客户端不要改。',
  },
  hints: {
    en: [
      'Every request after the handshake names its session in the query: `/socket.io/?EIO=4&transport=polling&sid=…`. Read it with `new URL(req.url, "http://localhost").searchParams.get("sid")`.',
      "Each server learns of a new session in `io.engine.on('connection', (conn) => …)`, and `conn.id` is that sid. Keep a `Map` from sid to server, or look the sid up in each server's `io.engine.clients`.",
      'The `upgrade` handler must use the same choice as the request handler: the WebSocket carries the same `sid`.',
    ],
    zh: [
      '握手之后的每个请求都在查询参数里带着会话 ID：`/socket.io/?EIO=4&transport=polling&sid=…`。用 `new URL(req.url, "http://localhost").searchParams.get("sid")` 读出来。',
      "每台服务器在 `io.engine.on('connection', (conn) => …)` 里得知新会话，`conn.id` 就是这个 sid。用一个 `Map` 记下 sid 属于哪台服务器，或者到每台服务器的 `io.engine.clients` 里查。",
      '`upgrade` 处理函数要和请求处理函数用同一套选择：WebSocket 请求带的是同一个 `sid`。',
    ],
  },
  solution: { 'server.js': sticky(server) },
  watchMs: 8_000,
  // Must reject: the round robin as shipped (400 Session ID unknown); polling turned off in the client; every session
  // sent to one server; sticky requests with a round-robin upgrade. Must accept: a sid→server map, or a lookup in
  // each server's engine.clients.
  check(o) {
    const unknown = unknownSessions(o);
    if (unknown > 0) {
      return fail(
        ['{n} request(s) of a session answered 400 (Session ID unknown): they reached the server that did not make it', '{n} 个会话内的请求收到 400（Session ID unknown）：它们到了没有创建这个会话的服务器', { n: unknown }],
        ['every request with ?sid= to reach the server that made that session', '每个带 ?sid= 的请求都到达创建该会话的服务器'],
      );
    }
    const upgrades = failedUpgrades(o);
    if (upgrades > 0) {
      return fail(
        ['{n} WebSocket upgrade(s) with ?sid= closed without an answer: the upgrade went to the other server', '{n} 个带 ?sid= 的 WebSocket 升级没有得到任何回应就关闭了：升级请求到了另一台服务器', { n: upgrades }],
        ['the upgrade to go where the session lives, as its polling requests do', '升级请求和轮询请求一样，去会话所在的服务器'],
      );
    }
    const packets = socketIoPackets(o);
    const both = onBothServers(packets);
    if ('pass' in both) return both;
    const polled = both.sessions.filter((sid) => packets.some((p) => p.sid === sid && p.via === 'polling'));
    if (polled.length === 0) {
      return fail(
        ['every connection went straight to WebSocket: long polling is off', '所有连接都直接用 WebSocket：长轮询被关掉了'],
        ['long polling kept on (the client as shipped), with sticky routing in the load balancer', '保留长轮询（客户端保持原样），在负载均衡器里做粘性路由'],
      );
    }
    // A wrong server answers within a moment of the connection; watch a little before saying yes.
    const last = Math.max(...both.sessions.map((sid) => connectTime(packets, sid)));
    if (o.elapsed - last < 1_500) {
      return fail(
        ['{n} connections on A and B; watching for refused requests…', 'A 和 B 上共 {n} 条连接；继续观察有没有被拒绝的请求…', { n: both.sessions.length }],
        ['no request of a session to reach the wrong server', '会话内的请求没有一个到错服务器'],
      );
    }
    return { pass: true };
  },
};

// ---- 2. A broadcast that reaches everyone, once --------------------------------------------------------------------

const everyServer: Exercise = {
  id: 'broadcast-every-server',
  title: { en: 'A broadcast to every client on both servers, once', zh: '广播到两台服务器上的每个客户端，各一次' },
  task: {
    en: "With sticky sessions in place (the first exercise), watch alice's `say`: `io.emit('said', …)` reaches only the people on alice's server. Give the two servers a shared bus, the job the Redis adapter does between processes, so that every `say` reaches **every** connected client on both servers, **exactly once**.",
    zh: "先做好粘性会话（第一个练习），再看 alice 的 `say`：`io.emit('said', …)` 只送到和 alice 在同一台服务器上的人。给两台服务器加一条共享的消息总线（进程之间由 Redis 适配器做这件事），让每条 `say` 送到两台服务器上**每一个**已连接的客户端，而且**只送一次**。",
  },
  hints: {
    en: [
      'First make the connections work: the first exercise.',
      "An `EventEmitter` shared by both servers stands in for Redis pub/sub here: `const bus = new (require('events'))();`.",
      "On `say`, publish once (`bus.emit('said', text)`); in each server, `bus.on('said', (text) => io.emit('said', text))`. Do not also `io.emit` locally, or alice's neighbours get it twice.",
    ],
    zh: [
      '先让连接能用：见第一个练习。',
      "在这里，两台服务器共用的一个 `EventEmitter` 代替 Redis 的发布订阅：`const bus = new (require('events'))();`。",
      "收到 `say` 时只发布一次（`bus.emit('said', text)`）；每台服务器里写 `bus.on('said', (text) => io.emit('said', text))`。不要再在本机 `io.emit` 一次，否则和 alice 同一台服务器的人会收到两份。",
    ],
  },
  solution: { 'server.js': withBus(sticky(server)) },
  watchMs: 9_000,
  // Must reject: the local io.emit (the other server's clients get nothing); a local io.emit plus the bus (twice on the
  // sender's server); the round robin (nobody connects). Must accept: the bus, or a loop over every server's io.emit.
  check(o) {
    const packets = socketIoPackets(o);
    const both = onBothServers(packets);
    if ('pass' in both) return both;
    const says = sioEvents(packets, 'c2s', 'say');
    const said = sioEvents(packets, 's2c', 'said');
    const same = (a: WirePacket, b: WirePacket) => JSON.stringify(a.sio!.args) === JSON.stringify(b.sio!.args);
    // Judge a say once every connection was up when it was sent, and a second has passed for the copies to arrive.
    // Up "when it was sent" allows a moment: a client that speaks in its 'connect' handler acts on a poll's answer
    // before the XHR tap, listening for 'load' after socket.io's own handler, records that answer.
    const judged = says.filter((s) => o.elapsed - s.time >= 1_000 && both.sessions.every((sid) => connectTime(packets, sid) <= s.time + 250));
    for (const say of judged) {
      const copies = both.sessions.map((sid) => ({ sid, n: said.filter((p) => p.sid === sid && same(p, say) && p.time >= say.time).length }));
      const twice = copies.find((c) => c.n > 1);
      if (twice) {
        return fail(
          ['a connection on {s} got {text} {n} times', '{s} 上的一条连接收到 {text} {n} 次', { s: both.by.get(twice.sid) ?? '?', text: String(say.sio!.args[0]), n: twice.n }],
          ['each connection to get each message once: publish once, and let every server deliver it', '每条连接每条消息只收一次：只发布一次，由每台服务器各自投递'],
        );
      }
      const missing = copies.filter((c) => c.n === 0);
      if (missing.length) {
        const on = [...new Set(missing.map((c) => both.by.get(c.sid) ?? '?'))].join(', ');
        return fail(
          ['{text} reached {got} of {all} connections; none on {on}', '{text} 只送到 {all} 条连接中的 {got} 条；{on} 上一条也没有', { text: String(say.sio!.args[0]), got: copies.length - missing.length, all: copies.length, on }],
          ['every connection, on both servers, to receive it: a shared bus between the servers', '两台服务器上的每条连接都收到：服务器之间要有共享的消息总线'],
        );
      }
    }
    if (judged.length === 0) {
      return fail(
        says.length
          ? ['{n} “say” sent; waiting for one sent after every connection was up…', '已发出 {n} 个“say”；等待所有连接都建立之后发出的那一个…', { n: says.length }]
          : ['no 42["say",…] sent yet', '还没有发出 42["say",…]'],
        ['a “say” delivered to every connection once', '一个“say”送到每条连接各一次'],
      );
    }
    return { pass: true };
  },
};

// ---- 3. Who may connect --------------------------------------------------------------------------------------------

const tokenMiddleware: Exercise = {
  id: 'token-middleware',
  title: { en: 'Let the right token in, keep the wrong one out', zh: '放行正确的令牌，挡住错误的' },
  task: {
    en: "The client sends a token in the handshake: `io({ auth: { name, token } })`, and the Traffic tab shows it in the client's `40{…}`. Alice and bob have `let-me-in` (the server's `TOKEN`); mallory guessed. With sticky sessions in place, add a middleware with `io.use` on the servers that lets in a connection whose `socket.handshake.auth.token` is `TOKEN` and refuses any other with an error, so mallory's client gets `connect_error` (`44{\"message\":…}` on the wire) and never `connect`.",
    zh: "客户端在握手时发送令牌：`io({ auth: { name, token } })`，在“网络流量”面板里能看到客户端发出的 `40{…}` 里带着它。alice 和 bob 的令牌是 `let-me-in`（服务器的 `TOKEN`），mallory 是猜的。先做好粘性会话，再用 `io.use` 给服务器加一个中间件：`socket.handshake.auth.token` 等于 `TOKEN` 的连接放行，其他的用一个错误拒绝，这样 mallory 的客户端收到 `connect_error`（线路上是 `44{\"message\":…}`），永远等不到 `connect`。",
  },
  hints: {
    en: [
      'First make the connections work: the first exercise.',
      '`io.use((socket, next) => …)` runs for every new connection before `connection`. Put it inside `startServer`, so both servers have it.',
      "`if (socket.handshake.auth.token === TOKEN) return next(); next(new Error('invalid token'));` — a middleware that never calls `next` leaves the client waiting with no answer.",
    ],
    zh: [
      '先让连接能用：见第一个练习。',
      '`io.use((socket, next) => …)` 对每个新连接都会在 `connection` 之前执行。写在 `startServer` 里，两台服务器就都有了。',
      "`if (socket.handshake.auth.token === TOKEN) return next(); next(new Error('invalid token'));`——从不调用 `next` 的中间件会让客户端一直等，什么回应都没有。",
    ],
  },
  solution: { 'server.js': replaceOnce(sticky(server), '  const io = new Server(server);\n', MIDDLEWARE) },
  watchMs: 7_000,
  // Must reject: no middleware (mallory connects); a token read from the query or a header (everyone refused); a
  // middleware that never calls next for mallory (no connect_error); a disconnect after 'connection' (she was in).
  // Must accept: io.use with next(err), sync or async, whatever the error's text.
  check(o) {
    const packets = socketIoPackets(o);
    const tokenOf = new Map<string, unknown>();
    for (const p of packets) {
      if (p.direction === 'c2s' && p.sio?.type === 'CONNECT' && p.sid) tokenOf.set(p.sid, (p.sio.args[0] as { token?: unknown } | undefined)?.token);
    }
    const admitted = new Set(connectedSessions(packets));
    const refused = new Set(packets.filter((p) => p.direction === 's2c' && p.sio?.type === 'CONNECT_ERROR' && p.sid).map((p) => p.sid!));
    const tried = [...tokenOf.entries()];
    const good = tried.filter(([, token]) => token === TOKEN);
    const bad = tried.filter(([, token]) => token !== TOKEN);
    const badIn = bad.filter(([sid]) => admitted.has(sid));
    if (badIn.length) {
      return fail(
        ['a connection with the token {tok} was let in (40{"sid":…})', '令牌为 {tok} 的连接被放行了（40{"sid":…}）', { tok: JSON.stringify(badIn[0]![1]) ?? 'undefined' }],
        ['io.use to refuse it with next(new Error(…))', '用 io.use 调用 next(new Error(…)) 拒绝它'],
      );
    }
    const goodOut = good.filter(([sid]) => refused.has(sid));
    if (goodOut.length) {
      return fail(
        ['a connection with the right token was refused ({n} of {all})', '带正确令牌的连接也被拒绝了（{all} 条中的 {n} 条）', { n: goodOut.length, all: good.length }],
        ['the token read from socket.handshake.auth.token, and the right one let in', '从 socket.handshake.auth.token 读令牌，正确的放行'],
      );
    }
    if (!good.some(([sid]) => admitted.has(sid))) {
      return fail(
        good.length
          ? ['the connections with the right token got no answer to their 40 yet', '带正确令牌的连接发出的 40 还没有得到回应']
          : ['no connection sent the token {tok} in 40{…}', '没有连接在 40{…} 里发送令牌 {tok}', { tok: TOKEN }],
        ['a connection with the right token let in', '带正确令牌的连接被放行'],
      );
    }
    const badRefused = bad.filter(([sid]) => refused.has(sid));
    if (bad.length === 0) {
      return fail(['every connection had the right token', '所有连接的令牌都是对的'], ['a connection with a wrong token, refused (keep mallory in the client)', '有一条令牌错误的连接被拒绝（客户端里保留 mallory）']);
    }
    if (badRefused.length < bad.length) {
      const waited = Math.min(...bad.filter(([sid]) => !refused.has(sid)).map(([sid]) => o.elapsed - (packets.find((p) => p.sid === sid && p.direction === 'c2s' && p.sio?.type === 'CONNECT')?.time ?? 0)));
      return fail(
        ['a connection with a wrong token has had no answer for {s}', '一条令牌错误的连接已经 {s} 没有得到回应', { s: seconds(waited) }],
        ['44{"message":…}: call next(new Error(…)), so the client gets connect_error', '44{"message":…}：调用 next(new Error(…))，让客户端收到 connect_error'],
      );
    }
    return { pass: true };
  },
};

export const exercises: Exercise[] = [stickySessions, everyServer, tokenMiddleware];

/** For the tests: the lesson's server.js edited as the solutions are. */
export const solutionEdits = { sticky, withBus, STICKY, ROUND_ROBIN, LOCAL_BROADCAST };
