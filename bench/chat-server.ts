/**
 * A server process for `npm run bench:chat`: `chat` is the real chat's logic on SQLite (what /chat runs, with the rate
 * limits lifted so the bench measures delivery, not the limiter); `reference` is the smallest socket.io broadcast server
 * that does the same job without persisting anything: the same room fan-out (`io.to(room).emit`, which encodes the
 * packet once for all recipients), the same connection state recovery, and the same message shape on the wire, so the
 * two differ only by what the chat does per message. Prints `port <n>`; answers 'memory' on IPC after a full GC, and 'cpu' with
 * process.cpuUsage().
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { SOCKET_PATH } from '../src/shared/chat-protocol.js';
import { attachChat, type ChatNamespace } from '../server/chat/chat-server.js';
import { NO_LIMITS } from '../server/chat/limits.js';
import { SqliteStore } from '../server/chat/sqlite-store.js';

const mode = process.argv[2];
const http = createServer();
const io = new Server(http, { path: SOCKET_PATH, serveClient: false, transports: ['websocket'], connectionStateRecovery: {} });
if (mode === 'chat') {
  const store = new SqliteStore(process.argv[3]!);
  // Every client of the bench comes from 127.0.0.1: the per-address limits would refuse all but a few.
  attachChat(io.of('/') as unknown as ChatNamespace, { store, limits: NO_LIMITS });
} else {
  let offset = 0;
  io.on('connection', (socket) => {
    socket.on('join', (_request: unknown, ack: (r: unknown) => void) => {
      void socket.join('bench');
      ack({ ok: true });
    });
    socket.on('message', (m: { id: string; text: string }, ack: (r: unknown) => void) => {
      const message = { offset: ++offset, id: m.id, room: 'bench', from: 'sender', text: m.text, time: Date.now() };
      io.to('bench').emit('message', message);
      ack({ ok: true, offset: message.offset });
    });
  });
}
http.listen(0, '127.0.0.1', () => console.log(`port ${(http.address() as AddressInfo).port}`));
process.on('message', (m) => {
  if (m === 'cpu') process.send!(process.cpuUsage());
  if (m !== 'memory') return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send!(process.memoryUsage());
});
// An orderly exit, so that `--cpu-prof` (bench:chat --profile) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
