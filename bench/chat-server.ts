/**
 * A server process for `npm run bench:chat`: `chat` is the real chat's logic on SQLite (what /chat runs, with the rate
 * limits lifted so the bench measures delivery, not the limiter); `redis` is the same on Redis (REDIS_URL), with the
 * socket.io Redis streams adapter as mount.ts sets it up, one of several processes sharing a chat; `reference` is the smallest socket.io broadcast server
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
import { RedisStore } from '../server/chat/redis-store.js';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';

const mode = process.argv[2];
const http = createServer();
const redis: ReturnType<typeof createClient> | undefined = mode === 'redis' ? createClient({ url: process.env.REDIS_URL }) : undefined;
if (redis) await redis.connect();
const io = new Server(http, {
  path: SOCKET_PATH,
  serveClient: false,
  transports: ['websocket'],
  connectionStateRecovery: {},
  ...(redis ? { adapter: createAdapter(redis) } : {}),
});
if (redis) {
  attachChat(io.of('/') as unknown as ChatNamespace, { store: new RedisStore(redis), limits: NO_LIMITS });
} else if (mode === 'chat') {
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
