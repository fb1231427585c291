/**
 * The network panel's conditions and actions on the in-browser runtime, observed as a lesson's client would: a real
 * EventSource, fetch, the run's browser-true WebSocket and the real socket.io-client against the learner-side shims.
 *
 * What "the server vanished" looks like was measured in Chromium 156 against Node (sockets destroyed or reset):
 * WebSocket close 1006 with wasClean false and no 'error' event; EventSource 'error' in CONNECTING, then a
 * reconnection; a held fetch rejects with TypeError. The tests hold the runtime to that.
 */
import { assert } from 'chai';
import type { io as ioType, Socket as ClientSocket } from 'socket.io-client';
import { until } from '../http/fake-context.js';
import { loadClient, once, serve, startRun, type Run } from '../socket.io/support.js';

const { io } = (await loadClient()) as { io: typeof ioType };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function events(socket: WebSocket) {
  const seen: string[] = [];
  let close: CloseEvent | undefined;
  socket.addEventListener('open', () => seen.push('open'));
  socket.addEventListener('message', (e) => seen.push(`message ${(e as MessageEvent).data}`));
  socket.addEventListener('error', () => seen.push('error'));
  socket.addEventListener('close', (e) => {
    close = e as CloseEvent;
    seen.push(`close ${close.code} ${close.wasClean}`);
  });
  return { seen, close: () => close };
}

suite('network panel in browser mode: what a client observes', () => {
  let run: Run;
  const cleanup: Array<() => void> = [];
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    for (const c of cleanup.splice(0)) c();
    await run.stop();
  });

  const http = () => run.runtime.require('http') as Loose;
  const ws = () => run.runtime.require('ws') as Loose;
  const listen = (server: Loose, port: number) => new Promise<void>((resolve) => server.listen(port, () => resolve()));

  test('kill: an open WebSocket gets close 1006, wasClean false, without error; the ws server hears 1006 too', async () => {
    const wss = new (ws().WebSocketServer)({ port: 8181 });
    await once(wss, 'listening');
    const serverClose = new Promise<number>((resolve) => wss.on('connection', (s: Loose) => s.on('close', (code: number) => resolve(code))));
    const socket = new WebSocket('ws://localhost:8181');
    cleanup.push(() => socket.close());
    const seen = events(socket);
    await until(() => seen.seen.includes('open'), 3000, 'open');
    run.runtime.network.kill();
    await until(() => seen.close() !== undefined, 3000, 'close');
    assert.deepEqual(seen.seen, ['open', 'close 1006 false']);
    assert.equal(socket.readyState, WebSocket.CLOSED);
    assert.equal(await serverClose, 1006);
    // The server is still there: a new connection opens.
    const again = new WebSocket('ws://localhost:8181');
    cleanup.push(() => again.close());
    await new Promise((resolve) => again.addEventListener('open', resolve));
  });

  test('kill: an EventSource gets error (CONNECTING), reconnects by itself with Last-Event-ID', async () => {
    const lastIds: Array<string | undefined> = [];
    let closes = 0;
    const server = http().createServer((req: Loose, res: Loose) => {
      lastIds.push(req.headers['last-event-id']);
      req.on('close', () => closes++);
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(`retry: 50\nid: ${lastIds.length}\ndata: hello ${lastIds.length}\n\n`);
    });
    await listen(server, 3000);
    const source = new EventSource('/events');
    cleanup.push(() => source.close());
    const seen: string[] = [];
    source.onopen = () => seen.push(`open ${source.readyState}`);
    source.onmessage = (e) => seen.push(`message ${e.data}`);
    source.onerror = () => seen.push(`error ${source.readyState}`);
    await until(() => seen.includes('message hello 1'), 3000, 'first event');
    run.runtime.network.kill();
    await until(() => seen.includes('message hello 2'), 5000, 'the reconnection').catch((e) => {
      throw new Error(e.message + JSON.stringify(seen) + JSON.stringify(lastIds));
    });
    assert.deepEqual(seen, ['open 1', 'message hello 1', 'error 0', 'open 1', 'message hello 2']);
    assert.deepEqual(lastIds, [undefined, '1']);
    assert.equal(closes, 1, "the server's first request saw 'close'");
  });

  test('kill: a held long poll and a stream being read fail with TypeError; the handler sees the request close', async () => {
    let aborted = 0;
    const server = http().createServer((req: Loose, res: Loose) => {
      req.on('close', () => aborted++);
      if (req.url === '/stream') res.write('part one');
      // '/poll' is held: no answer yet.
    });
    await listen(server, 3000);
    const poll = fetch('/poll').then(
      () => 'answered',
      (e: Error) => `${e.name}: ${e.message}`,
    );
    const stream = await fetch('/stream');
    const reader = stream.body!.getReader();
    const first = await reader.read();
    assert.equal(new TextDecoder().decode(first.value), 'part one');
    await until(() => true);
    run.runtime.network.kill();
    assert.equal(await poll, 'TypeError: Failed to fetch');
    const rest = await reader.read().then(
      () => 'more',
      (e: Error) => e.name,
    );
    assert.equal(rest, 'TypeError');
    await until(() => aborted === 2, 3000, "both requests' close");
    // The server did not go away: the next request is answered.
    const after = await fetch('/stream');
    assert.equal(after.status, 200);
    await after.body?.cancel();
  });

  test('latency delays every trip, keeps order, and a burst travels together', async () => {
    const wss = new (ws().WebSocketServer)({ port: 8181 });
    await once(wss, 'listening');
    wss.on('connection', (s: Loose) => s.on('message', (m: Loose) => s.send(String(m))));
    const socket = new WebSocket('ws://localhost:8181');
    cleanup.push(() => socket.close());
    await new Promise((resolve) => socket.addEventListener('open', resolve));
    const arrivals: Array<{ data: string; at: number }> = [];
    socket.addEventListener('message', (e) => arrivals.push({ data: String(e.data), at: performance.now() }));

    const roundTrip = async (label: string) => {
      const start = performance.now();
      socket.send(label);
      await until(() => arrivals.some((a) => a.data === label), 5000, label);
      return arrivals.find((a) => a.data === label)!.at - start;
    };
    const plain = await roundTrip('plain');
    const latency = 120;
    run.runtime.network.set({ latencyMs: latency });
    const slowed = await roundTrip('slowed');
    assert.isAtLeast(slowed, 2 * latency, 'a round trip crosses the link twice');
    assert.isAbove(slowed, plain + latency);

    const burst = ['b1', 'b2', 'b3', 'b4', 'b5'];
    const start = performance.now();
    for (const b of burst) socket.send(b);
    await until(() => arrivals.filter((a) => a.data.startsWith('b')).length === 5, 5000, 'burst');
    const got = arrivals.filter((a) => a.data.startsWith('b'));
    assert.deepEqual(got.map((a) => a.data), burst, 'in order');
    assert.isAtLeast(got[0]!.at - start, 2 * latency);
    // Had each message waited behind the one before, the last would come 4 latencies after the first.
    assert.isBelow(got[4]!.at - got[0]!.at, latency);

    // HTTP: the response comes after the request's and the response's trips.
    await listen(http().createServer((_req: Loose, res: Loose) => res.end('ok')), 3000);
    const t0 = performance.now();
    assert.equal(await (await fetch('/hello')).text(), 'ok');
    assert.isAtLeast(performance.now() - t0, 2 * latency);
  });

  test('bandwidth paces bytes: a bigger response takes longer than a small one', async () => {
    await listen(
      http().createServer((req: Loose, res: Loose) => res.end(req.url === '/big' ? 'x'.repeat(4000) : 'x')),
      3000,
    );
    run.runtime.network.set({ bandwidthKbps: 64 }); // 8 bytes per ms
    const time = async (url: string) => {
      const t0 = performance.now();
      await (await fetch(url)).text();
      return performance.now() - t0;
    };
    const small = await time('/small');
    const big = await time('/big');
    assert.isAtLeast(big, 4000 / 8, '4000 bytes at 8 bytes/ms');
    assert.isAbove(big, small);
  });

  test('offline: open connections die, new ones fail (fetch TypeError, WebSocket error then 1006) until online', async () => {
    await listen(http().createServer((_req: Loose, res: Loose) => res.end('ok')), 3000);
    const wss = new (ws().WebSocketServer)({ port: 8181 });
    await once(wss, 'listening');
    const open = new WebSocket('ws://localhost:8181');
    cleanup.push(() => open.close());
    const openSeen = events(open);
    await until(() => openSeen.seen.includes('open'), 3000, 'open');

    run.runtime.network.setOffline(true);
    await until(() => openSeen.close() !== undefined, 3000, 'close');
    assert.deepEqual(openSeen.seen, ['open', 'close 1006 false']);
    const failed = await fetch('/x').then(
      () => 'answered',
      (e: Error) => e.name,
    );
    assert.equal(failed, 'TypeError');
    const refused = new WebSocket('ws://localhost:8181');
    const refusedSeen = events(refused);
    await until(() => refusedSeen.close() !== undefined, 3000, 'refused close');
    assert.deepEqual(refusedSeen.seen, ['error', 'close 1006 false']);

    run.runtime.network.setOffline(false);
    assert.equal(await (await fetch('/x')).text(), 'ok');
  });

  test('silent: the connections open at that moment stay open and carry nothing, their end included; new ones work', async () => {
    const wss = new (ws().WebSocketServer)({ port: 8181 });
    await once(wss, 'listening');
    const heard: string[] = [];
    const serverSockets: Loose[] = [];
    wss.on('connection', (s: Loose) => {
      serverSockets.push(s);
      s.on('message', (m: Loose) => {
        heard.push(String(m));
        if (String(m) === 'terminate') return s.terminate();
        s.send(`echo ${m}`);
      });
    });
    const open = async () => {
      const socket = new WebSocket('ws://localhost:8181');
      cleanup.push(() => socket.close());
      const seen = events(socket);
      await until(() => seen.seen.includes('open'), 3000, 'open');
      return { socket, seen };
    };
    const echo = async (c: { socket: WebSocket; seen: { seen: string[] } }, text: string) => {
      c.socket.send(text);
      await until(() => c.seen.seen.includes(`message echo ${text}`), 3000, `echo ${text}`);
    };

    const both = await open();
    assert.isTrue(run.runtime.network.silence('silent'));
    both.socket.send('lost');
    serverSockets[0].send('also lost');
    // A connection made afterwards is not affected; its echo also gives the lost ones time to arrive.
    const fresh = await open();
    await echo(fresh, 'after');
    assert.deepEqual(both.seen.seen, ['open']);
    assert.deepEqual(heard, ['after']);
    assert.equal(both.socket.readyState, WebSocket.OPEN);
    // What the page sends into a silent link stays counted as not yet sent.
    assert.isAbove(both.socket.bufferedAmount, 0);

    // Toward the client only: the server hears it and terminates it; the end never reaches the client.
    const oneWay = await open();
    run.runtime.network.silence('silent-to-client');
    oneWay.socket.send('terminate');
    await until(() => heard.includes('terminate'), 3000, 'the server hears the client');
    const probe = await open();
    await echo(probe, 'probe');
    assert.deepEqual(oneWay.seen.seen, ['open']);
    assert.equal(oneWay.socket.readyState, WebSocket.OPEN);

    // An HTTP stream being read at a silent action: no more chunks, and no end; a new request is answered.
    let writes = 0;
    const server = http().createServer((req: Loose, res: Loose) => {
      if (req.url !== '/stream') return res.end('ok');
      res.write('part 1');
      const timer = setInterval(() => res.write(`part ${++writes + 1}`), 20);
      req.on('close', () => clearInterval(timer));
    });
    await listen(server, 3000);
    const reader = (await fetch('/stream')).body!.getReader();
    await reader.read();
    run.runtime.network.silence('silent');
    const before = writes;
    let settled = false;
    void reader.read().then(
      () => (settled = true),
      () => (settled = true),
    );
    await until(() => writes >= before + 3, 3000, 'the server writes on');
    assert.equal(await (await fetch('/x')).text(), 'ok');
    assert.isFalse(settled, 'a chunk or an end reached the client through a silent link');
    void reader.cancel();
  });

  test('drop rate 1: the first message loses the WebSocket connection (1006), not just the message', async () => {
    const wss = new (ws().WebSocketServer)({ port: 8181 });
    await once(wss, 'listening');
    const heard: string[] = [];
    wss.on('connection', (s: Loose) => s.on('message', (m: Loose) => heard.push(String(m))));
    const socket = new WebSocket('ws://localhost:8181');
    cleanup.push(() => socket.close());
    const seen = events(socket);
    await until(() => seen.seen.includes('open'), 3000, 'open');
    run.runtime.network.set({ dropRate: 1 });
    socket.send('lost');
    await until(() => seen.close() !== undefined, 3000, 'close');
    assert.deepEqual(seen.seen, ['open', 'close 1006 false']);
    assert.deepEqual(heard, []);
  });

  test('restart: socket.io-client reconnects by itself to the fresh server, and emits made meanwhile arrive', async () => {
    const start = async (generation: number) => {
      const sio = await serve(run, 3000);
      sio.on('connection', (socket) => {
        socket.emit('hello', generation);
        socket.on('note', (text: string) => notes.push(`${generation}: ${text}`));
      });
    };
    const notes: string[] = [];
    await start(1);
    const client: ClientSocket = io('http://localhost:3000', { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    cleanup.push(() => client.disconnect());
    const hellos: number[] = [];
    const reasons: string[] = [];
    client.on('hello', (g: number) => hellos.push(g));
    client.on('disconnect', (reason) => reasons.push(reason));
    await until(() => hellos.length === 1, 5000, 'first hello');
    if (client.io.engine.transport.name !== 'websocket') await once(client.io.engine, 'upgrade');
    const firstId = client.id;

    run.runtime.network.restart();
    // What the frame does after a restart: evaluate server.js again (here, the same set-up).
    await start(2);
    await until(() => reasons.length === 1, 5000, 'disconnect');
    client.emit('note', 'sent while disconnected');
    await until(() => hellos.length === 2, 5000, 'reconnected');
    assert.deepEqual(hellos, [1, 2]);
    // A WebSocket closed with 1006 (a held polling request would fail as 'transport error' instead).
    assert.equal(reasons[0], 'transport close');
    assert.notEqual(client.id, firstId, 'a new server knows nothing of the old session');
    await until(() => notes.length === 1, 5000, 'buffered emit');
    assert.deepEqual(notes, ['2: sent while disconnected']);
    assert.deepEqual(run.fatals, []);
  });
});
