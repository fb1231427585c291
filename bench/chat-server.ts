/**
 * A server process for `npm run bench:chat`: `chat` is the real chat's logic on SQLite (what /chat runs, with the rate
 * limit lifted so the bench measures delivery, not the limiter); `reference` is the smallest socket.io broadcast server
 * that does the same job without persisting anything. Prints `port <n>`; answers 'memory' on IPC after a full GC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SOCKET_PATH } from '../src/chat/protocol.js';
import { attachChat, type ChatNamespace } from '../server/chat/chat-server.js';
import { SqliteStore } from '../server/chat/sqlite-store.js';

const mode = process.argv[2];
const http = createServer();
const io = new Server(http, { path: SOCKET_PATH, serveClient: false, transports: ['websocket'], connectionStateRecovery: {} });
if (mode === 'chat') {
  const store = new SqliteStore(process.argv[3]!);
  attachChat(io.of('/') as unknown as ChatNamespace, { store, rate: { perSecond: 1e9, burst: 1e9 } });
} else {
  io.on('connection', (socket) => {
    socket.on('join', (_request: unknown, ack: (r: unknown) => void) => {
      void socket.join('bench');
      ack({ ok: true });
    });
    socket.on('message', (m: { id: string; text: string }, ack: (r: unknown) => void) => {
      io.to('bench').emit('message', { id: m.id, text: m.text, time: Date.now() });
      ack({ ok: true });
    });
  });
}
http.listen(0, '127.0.0.1', () => console.log(`port ${(http.address() as AddressInfo).port}`));
process.on('message', (m) => {
  if (m !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send!(process.memoryUsage());
});
