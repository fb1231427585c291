import { assert } from 'chai';
import type { io as ioType, Socket as ClientSocket } from 'socket.io-client';
import type { Socket } from '../../../src/mocks/socket.io/socket.js';
import { loadClient, once, serve, startRun, type Run } from './support.js';

const { io } = (await loadClient()) as { io: typeof ioType };

const TRANSPORTS: Array<[string, string[]]> = [
  ['websocket only', ['websocket']],
  ['polling only', ['polling']],
  ['polling then websocket', ['polling', 'websocket']],
];

suite('socket.io in the browser: the real socket.io-client', () => {
  let run: Run;
  const clients: ClientSocket[] = [];
  const client = (url: string, opts: Parameters<typeof ioType>[1] = {}) => {
    const socket = io(url, { forceNew: true, reconnection: false, ...opts });
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

  for (const [label, transports] of TRANSPORTS) {
    test(`${label}: connect, emit both ways with several args and binary, acks both ways`, async () => {
      const io = await serve(run, 3000);
      io.on('connection', (socket) => {
        socket.on('clientfn', (text: string, obj: object, bin: Uint8Array, ack: (r: unknown) => void) => {
          ack({ text, obj, size: bin.length });
          socket.emit('message', 'hello i am server', new Uint8Array([1, 2, 3]));
        });
      });
      const socket = client('http://localhost:3000', { transports });
      await once(socket, 'connect');
      const message = once<[string, ArrayBuffer]>(socket, 'message');
      const reply = await socket.emitWithAck('clientfn', 'hello i am client', { a: [1] }, new Uint8Array([9, 8]));
      assert.deepEqual(reply, { text: 'hello i am client', obj: { a: [1] }, size: 2 });
      const [text, bytes] = await message;
      assert.equal(text, 'hello i am server');
      assert.deepEqual([...new Uint8Array(bytes)], [1, 2, 3]);
      const [server] = await io.fetchSockets();
      socket.on('ask', (n: number, ack: (r: number) => void) => ack(n * 2));
      assert.equal(await server!.timeout(2000).emitWithAck('ask', 21), 42);
      if (transports.length === 2 && socket.io.engine.transport.name !== 'websocket') await once(socket.io.engine, 'upgrade');
      assert.equal(socket.io.engine.transport.name, transports[transports.length - 1]);
      assert.deepEqual(run.fatals, []);
    });
  }

  test("the course's example: io.connect(), emit 'clientfn', on 'message'", async () => {
    const server = run.http.createServer();
    const sio = run.socketIo(server);
    sio.on('connection', (socket) => {
      socket.on('clientfn', (data: string) => socket.emit('message', `server got: ${data}`));
    });
    server.listen(3000);
    // The course calls io.connect(): socket.io-client exports it as an alias of io().
    const socket = (io as typeof io & { connect: typeof io }).connect({ forceNew: true, reconnection: false });
    clients.push(socket);
    socket.emit('clientfn', 'hello i am client');
    const [text] = await once<[string]>(socket, 'message');
    assert.equal(text, 'server got: hello i am client');
  });

  test('broadcast reaches the others only; rooms', async () => {
    const sio = await serve(run, 3000);
    sio.on('connection', (socket) => {
      socket.on('shout', (t: string) => socket.broadcast.emit('heard', t));
      socket.on('join', (room: string, ack: () => void) => {
        socket.join(room);
        ack();
      });
      socket.on('room', (room: string, t: string) => socket.to(room).emit('heard', t));
    });
    const [a, b, c] = ['a', 'b', 'c'].map(() => client('http://localhost:3000', { transports: ['websocket'] })) as [ClientSocket, ClientSocket, ClientSocket];
    await Promise.all([a, b, c].map((s) => once(s, 'connect')));
    const heard: string[] = [];
    for (const [name, s] of [['a', a], ['b', b], ['c', c]] as const) s.on('heard', (t: string) => heard.push(`${name}:${t}`));
    a.emit('shout', 'hi');
    await Promise.all([once(b, 'heard'), once(c, 'heard')]);
    assert.deepEqual(heard.sort(), ['b:hi', 'c:hi']);
    heard.length = 0;
    await b.emitWithAck('join', 'r');
    a.emit('room', 'r', 'to r');
    await once(b, 'heard');
    assert.deepEqual(heard, ['b:to r']);
  });

  test('middleware rejection and namespaces', async () => {
    const sio = await serve(run, 3000);
    sio.of('/admin').use((socket, next) =>
      socket.handshake.auth.token === 'ok' ? next() : next(Object.assign(new Error('not authorized'), { data: { code: 7 } })),
    );
    const bad = client('http://localhost:3000/admin', { auth: { token: 'no' } });
    const [err] = await once<[Error & { data: unknown }]>(bad, 'connect_error');
    assert.equal(err.message, 'not authorized');
    assert.deepEqual(err.data, { code: 7 });
    const good = client('http://localhost:3000/admin', { auth: { token: 'ok' } });
    await once(good, 'connect');
  });

  test('server conn.close() → the client reconnects by itself; reasons on both sides', async () => {
    const sio = await serve(run, 3000);
    const socket = client('http://localhost:3000', { reconnection: true, reconnectionDelay: 50 });
    const [first] = await once<[Socket]>(sio, 'connection');
    const serverReason = once<[string]>(first, 'disconnect');
    first.conn.close();
    assert.equal((await once<[string]>(socket, 'disconnect'))[0], 'transport close');
    assert.equal((await serverReason)[0], 'forced close');
    const [second] = await once<[Socket]>(sio, 'connection');
    assert.notEqual(second.id, first.id);
    const clientReason = once<[string]>(socket, 'disconnect');
    second.disconnect();
    assert.equal((await clientReason)[0], 'io server disconnect');
  });

  test('ping timeout when the client stops answering', async () => {
    const sio = await serve(run, 3000, { pingInterval: 100, pingTimeout: 100 });
    const socket = client('http://localhost:3000', { transports: ['websocket'] });
    const [server] = await once<[Socket]>(sio, 'connection');
    await once(socket, 'connect');
    socket.io.engine.transport.send = () => {};
    assert.equal((await once<[string]>(server, 'disconnect'))[0], 'ping timeout');
  });

  test('a plain WebSocket sees the handshake packet; its own text closes the connection (parse error)', async () => {
    const sio = await serve(run, 3000);
    const closed = new Promise<string>((r) => sio.engine!.once('connection', (c: Socket['conn']) => c.once('close', r)));
    const ws = new WebSocket('ws://localhost:3000/socket.io/?EIO=4&transport=websocket');
    const first = await new Promise<MessageEvent>((r) => ws.addEventListener('message', r, { once: true }));
    assert.match(String(first.data), /^0\{"sid":"[^"]+","upgrades":\[\],"pingInterval":25000/);
    ws.send('hello');
    assert.equal(await closed, 'parse error');
    assert.match(run.logs.join('\n'), /malformed Engine\.IO packet "hello" \(parse error\)/);
    await new Promise((r) => ws.addEventListener('close', r, { once: true }));
  });

  test('traffic: raw Engine.IO/Socket.IO packets and decoded events, linked', async () => {
    const sio = await serve(run, 3000);
    sio.on('connection', (socket) => socket.on('hi', (n: number, ack: (r: string) => void) => ack('ok' + n)));
    const socket = client('http://localhost:3000', { transports: ['websocket'] });
    await socket.emitWithAck('hi', 1);
    const mine = run.events.filter((e) => e.transport === 'socket.io');
    const frames = mine.filter((e) => e.kind === 'frame').map((e) => `${e.direction} ${e.preview}`);
    assert.match(frames[0]!, /^s2c 0\{"sid"/);
    assert.include(frames, 'c2s 40');
    assert.include(frames, 'c2s 420["hi",1]');
    assert.include(frames, 's2c 430["ok1"]');
    const event = mine.find((e) => e.kind === 'message' && e.details.event === 'hi')!;
    assert.include(event.details, { sioType: 'EVENT', nsp: '/', ackId: 0 });
    const raw = mine.find((e) => e.kind === 'frame' && e.preview === '420["hi",1]')!;
    assert.equal(event.details.note, `decodes ${raw.details.note!.split(' ')[0]}`);
    assert.equal(event.conn, raw.conn);
  });
});
