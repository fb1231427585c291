import { assert } from 'chai';
import type { Server as ServerType, WebSocket as WebSocketType } from 'mock-socket';
// mock-socket's package.json names only its UMD build, which a browser cannot import; its ES build sits beside it,
// with the same exports and no declaration file of its own.
// @ts-expect-error -- typed through the main entry just below
import * as esBuild from 'mock-socket/dist/mock-socket.es.mjs';

const { Server, WebSocket: MockWebSocket } = esBuild as { Server: typeof ServerType; WebSocket: typeof WebSocketType };
import { record } from './tap-recorder.js';

/** A WebSocket written in JavaScript (as browser mode's is) rather than native: the wrapper must work over it too. */
suite('client taps over mock-socket', () => {
  test('open, frames both ways and close are reported; the learner sees the same socket', async () => {
    const server = new Server('ws://localhost:8181');
    server.on('connection', (socket) => {
      socket.on('message', (data) => socket.send(`echo ${String(data)}`));
    });
    const win = { WebSocket: MockWebSocket, location: window.location } as unknown as Window & typeof globalThis;
    const rec = record(win);
    try {
      const ws = new win.WebSocket('ws://localhost:8181');
      assert.instanceOf(ws, MockWebSocket);
      assert.equal(win.WebSocket.OPEN, 1);
      const echoed = new Promise<string>((resolve) => (ws.onmessage = (e) => resolve(e.data as string)));
      ws.onopen = () => ws.send('hi');
      assert.equal(await echoed, 'echo hi');
      ws.close(1000, 'done');
      await rec.until((e) => e.kind === 'close' && e.direction === 'none');
      assert.deepEqual(rec.kinds(), ['open', 'frame', 'frame', 'close', 'close']);
      assert.deepEqual(
        rec.events.filter((e) => e.kind === 'frame').map((e) => [e.direction, e.body]),
        [
          ['c2s', 'hi'],
          ['s2c', 'echo hi'],
        ],
      );
    } finally {
      rec.uninstall();
      server.stop();
    }
  });
});
