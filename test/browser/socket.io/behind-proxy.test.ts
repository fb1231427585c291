import { assert } from 'chai';
import type { io as ioType, Socket as ClientSocket } from 'socket.io-client';
import type { Server } from '../../../src/mocks/socket.io/server.js';
import { loadClient, once, startRun, type Run } from './support.js';

const { io } = (await loadClient()) as { io: typeof ioType };

type Handler = (...args: unknown[]) => void;
interface HttpServer {
  listen(port: number, cb?: () => void): unknown;
  emit(ev: string, ...args: unknown[]): boolean;
  on(ev: string, fn: Handler): unknown;
}

/**
 * The many-servers lesson's set-up, as learner code writes it: two socket.io servers on http servers that never
 * listen, and a proxy on port 3000 that hands each request and each WebSocket upgrade to one of them
 * (`backend.emit('request', req, res)`, `backend.emit('upgrade', req, socket, head)`).
 */
suite('socket.io behind a proxy written in server.js (two servers, one port)', () => {
  let run: Run;
  const clients: ClientSocket[] = [];
  const client = (opts: Parameters<typeof ioType>[1] = {}) => {
    const socket = io('http://localhost:3000', { forceNew: true, reconnection: false, ...opts });
    clients.push(socket);
    return socket;
  };
  setup(async () => {
    run = await startRun();
  });
  teardown(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await run.stop();
  });

  function backends(): Array<{ name: string; server: HttpServer; io: Server }> {
    return ['A', 'B'].map((name) => {
      const server = (run.http.createServer as unknown as () => HttpServer)();
      const sio = new run.socketIo.Server(server);
      sio.on('connection', (socket) => socket.emit('hello', name));
      return { name, server, io: sio };
    });
  }

  async function proxy(pick: (req: { url: string }) => { server: HttpServer }, onUpgrade?: Handler): Promise<void> {
    const front = (run.http.createServer as unknown as (h: Handler) => HttpServer)((req, res) =>
      pick(req as { url: string }).server.emit('request', req, res),
    );
    front.on('upgrade', onUpgrade ?? ((req, socket, head) => pick(req as { url: string }).server.emit('upgrade', req, socket, head)));
    await new Promise<void>((resolve) => front.listen(3000, () => resolve()));
  }

  test('round robin, WebSocket only: each connection lives on one server, and both servers get some', async () => {
    const servers = backends();
    let turn = 0;
    await proxy(() => servers[turn++ % 2]!);
    const heard = await Promise.all([0, 1, 2].map(() => once<[string]>(client({ transports: ['websocket'] }), 'hello')));
    assert.deepEqual(heard.map(([name]) => name).sort(), ['A', 'A', 'B']);
    assert.deepEqual(run.fatals, []);
  });

  test('round robin with long polling: a request of the session lands on the other server, 400 Session ID unknown', async () => {
    const servers = backends();
    let turn = 0;
    await proxy(() => servers[turn++ % 2]!);
    const answers: Array<{ status: number; body: string }> = [];
    const origin = window.fetch;
    // The polling request that names the session goes to the server that did not make it.
    const first = await origin('http://localhost:3000/socket.io/?EIO=4&transport=polling');
    const sid = (JSON.parse((await first.text()).slice(1)) as { sid: string }).sid;
    const second = await origin(`http://localhost:3000/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', body: '40' });
    answers.push({ status: second.status, body: await second.text() });
    assert.deepEqual(answers, [{ status: 400, body: '{"code":1,"message":"Session ID unknown"}' }]);
    const [err] = await once<[Error]>(client({ transports: ['polling'] }), 'connect_error');
    assert.match(err.message, /xhr (post|poll) error/);
  });

  test('sticky by session id (engine.clients): polling, then the upgrade, reach the server that holds the session', async () => {
    const servers = backends();
    let turn = 0;
    await proxy((req) => {
      const sid = new URL(req.url, 'http://x').searchParams.get('sid');
      return servers.find((s) => sid && s.io.engine!.clients[sid]) ?? servers[turn++ % 2]!;
    });
    const sockets = [0, 1, 2].map(() => client());
    const heard = await Promise.all(sockets.map((s) => once<[string]>(s, 'hello')));
    assert.deepEqual(heard.map(([name]) => name).sort(), ['A', 'A', 'B']);
    for (const s of sockets) if (s.io.engine.transport.name !== 'websocket') await once(s.io.engine, 'upgrade');
    assert.deepEqual(sockets.map((s) => s.io.engine.transport.name), ['websocket', 'websocket', 'websocket']);
    assert.deepEqual(run.fatals, []);
  });

  test("an 'upgrade' listener that destroys the socket refuses the WebSocket: the client's connect_error", async () => {
    const servers = backends();
    await proxy(() => servers[0]!, (_req, socket) => (socket as { destroy(): void }).destroy());
    const [err] = await once<[Error]>(client({ transports: ['websocket'] }), 'connect_error');
    assert.equal(err.message, 'websocket error');
  });

  test('a plain ws server on an http server that never listens takes what the proxy hands it', async () => {
    const ws = run.runtime.require('ws') as { WebSocketServer: new (o: object) => { on(ev: string, fn: Handler): void } };
    const hidden = (run.http.createServer as unknown as () => HttpServer)();
    const wss = new ws.WebSocketServer({ server: hidden, path: '/echo' });
    wss.on('connection', (socket, req) => {
      const s = socket as { send(t: string): void; on(ev: string, fn: Handler): void };
      s.send(`hello ${(req as { url: string }).url}`);
      s.on('message', (m) => s.send(`echo ${String(m)}`));
    });
    await proxy(() => ({ server: hidden }));
    const got: string[] = [];
    const socket = new WebSocket('ws://localhost:3000/echo?x=1');
    await new Promise<void>((resolve, reject) => {
      socket.onmessage = (e) => {
        got.push(String(e.data));
        if (got.length === 1) socket.send('hi');
        else resolve();
      };
      socket.onerror = () => reject(new Error('WebSocket error'));
    });
    socket.close();
    assert.deepEqual(got, ['hello /echo?x=1', 'echo hi']);
  });
});
