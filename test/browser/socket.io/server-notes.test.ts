/**
 * The in-browser server's own notes on its traffic are in the run's language, and what the views tell apart (the end
 * of a response, the packet a socket.io event was decoded from) is marked in the details, never read from the words.
 * One runtime per language, as the run frame starts it: http (an event stream), ws and socket.io together.
 */
import { assert } from 'chai';
import type { io as ioType } from 'socket.io-client';
import type { TrafficInput } from '../../../src/shared/traffic.js';
import { loadClient, serve, startRun, type Run } from './support.js';

const { io } = (await loadClient()) as { io: typeof ioType };

async function until(check: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 3000;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An event stream with a heartbeat, a bad retry, an unknown field and an unfinished block; a socket.io ack; a refused WebSocket. */
async function exercise(run: Run): Promise<{ sse: TrafficInput[]; sio: TrafficInput[]; ws: TrafficInput[] }> {
  const http = run.runtime.require('http') as {
    createServer(h: (req: unknown, res: { writeHead(s: number, h: Record<string, string>): void; end(b: string): void }) => void): { listen(p: number): void };
  };
  http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.end(': ping\n\nretry: soon\ndata: a\n\nflavour: x\ndata: b\n\ndata: unfinished');
  }).listen(3002);
  const response = await fetch('http://localhost:3002/events');
  await response.text();

  const sio = await serve(run, 3000);
  sio.on('connection', (socket) => {
    socket.on('hi', (n: number, ack: (r: string) => void) => ack('ok' + n));
    socket.on('bin', (_data: unknown, ack: () => void) => ack());
  });
  const client = io('http://localhost:3000', { forceNew: true, reconnection: false, transports: ['websocket'] });
  await client.emitWithAck('hi', 1);
  await client.emitWithAck('bin', new Uint8Array([1, 2, 3]));
  client.disconnect();

  const { WebSocketServer } = run.runtime.require('ws') as { WebSocketServer: new (o: object) => { close(): void } };
  const wss = new WebSocketServer({ port: 3003, verifyClient: () => false });
  const refused = new WebSocket('ws://localhost:3003/private');
  await new Promise((r) => refused.addEventListener('close', r, { once: true }));
  wss.close();

  await until(() => run.events.some((e) => e.observer === 'server' && e.transport === 'sse' && e.kind === 'close'), 'the stream to end');
  const all = run.events.filter((e) => e.observer === 'server');
  return {
    sse: all.filter((e) => e.transport === 'sse'),
    sio: all.filter((e) => e.transport === 'socket.io'),
    ws: all.filter((e) => e.transport === 'ws'),
  };
}

const notes = (events: TrafficInput[]) => events.map((e) => e.details.note).filter((n): n is string => !!n);

suite('the in-browser server’s notes, in the learner’s language', () => {
  let run: Run | undefined;
  teardown(async () => {
    await run?.stop();
    run = undefined;
  });

  test('in Chinese: the stream’s notes, the response’s end, socket.io’s link and the refused handshake', async () => {
    run = await startRun('zh');
    const { sse, sio, ws } = await exercise(run);
    const said = notes(sse).join('\n');
    assert.include(said, '注释（心跳：不会有事件到达客户端）');
    assert.include(said, '浏览器忽略了这一行：retry 只接受数字，这里是 "soon"');
    assert.include(said, '浏览器忽略了这一行：未知字段 "flavour"');
    assert.include(said, '未派发：事件流结束时，这个事件还没等到结尾的空行');
    const end = sse.at(-1)!;
    assert.deepInclude(end, { kind: 'close', preview: '响应结束' });
    assert.isTrue(end.details.responseEnded);
    // No English word of the runtime's own is left in these notes (a quoted value or a protocol name may be).
    for (const n of [...notes(sse), ...notes(sio), ...notes(ws)]) assert.notMatch(n, /\b(ignored|ended|comment|decodes|session|refused|attachment)\b/, n);

    const event = sio.find((e) => e.kind === 'message' && e.details.event === 'hi')!;
    const raw = sio.find((e) => e.kind === 'frame' && e.preview === '420["hi",1]')!;
    const n = Number(/^#(\d+)/.exec(raw.details.note!)![1]);
    assert.equal(event.details.decodes, n);
    assert.equal(event.details.note, `解码自 #${n}`);
    assert.match(notes(sio).join('\n'), /Engine\.IO 会话 \S+，经由 websocket/);
    const bin = sio.find((e) => e.kind === 'message' && e.details.event === 'bin')!;
    assert.equal(bin.body, '["<二进制，3 字节>"]');
    assert.equal(bin.preview, 'bin("<二进制，3 字节>")');
    assert.include(notes(ws), 'verifyClient 拒绝了 /private：401 Unauthorized');
  });

  test('in English, the same run says the same in English, with the same marks', async () => {
    run = await startRun('en');
    const { sse, sio, ws } = await exercise(run);
    const said = notes(sse).join('\n');
    assert.include(said, 'comment (a heartbeat: no event reaches the client)');
    assert.include(said, 'ignored by the browser: retry takes only digits, not "soon"');
    assert.include(said, 'ignored by the browser: unknown field "flavour"');
    assert.include(said, 'not dispatched: the stream ended before the blank line that ends an event');
    assert.deepInclude(sse.at(-1)!, { kind: 'close', preview: 'response ended' });
    assert.isTrue(sse.at(-1)!.details.responseEnded);
    const event = sio.find((e) => e.kind === 'message' && e.details.event === 'hi')!;
    assert.match(event.details.note!, /^decodes #\d+$/);
    assert.isNumber(event.details.decodes);
    assert.equal(sio.find((e) => e.kind === 'message' && e.details.event === 'bin')!.body, '["<binary 3 bytes>"]');
    assert.include(notes(ws), 'verifyClient refused /private: 401 Unauthorized');
  });
});
