/**
 * The real chat on the backend's HTTP server: the page at /chat (dist/chat.html) and socket.io at /chat/socket.io/,
 * a path of its own so that a learner's server, which the backend proxies, keeps /socket.io/ to itself.
 *
 * Settings from the environment:
 *   PUSHLAB_CHAT_DB   the SQLite file for history (default .pushlab/chat.db in the project; created on first start)
 *   REDIS_URL         share rooms, broadcasts, sessions and history with other backends through Redis instead
 *
 * The engine is made by hand and bound to socket.io rather than attached to the HTTP server: attaching replaces the
 * server's request listeners and, by default, destroys every upgrade it does not own (engine.io's destroyUpgrade),
 * which would cut the learners' WebSocket tunnels. Here the backend routes to the chat, and nothing else changes.
 */
import { join } from 'node:path';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server as Engine } from 'engine.io';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { SOCKET_PATH } from '../../src/shared/chat-protocol.js';
import type { Access } from '../access.js';
import type { BackendMount } from '../backend.js';
import { StaticSite, type BackendMeta } from '../static-site.js';
import { attachChat, type ChatNamespace } from './chat-server.js';
import { addressKey, DEFAULT_LIMITS, MAX_PACKET_BYTES } from './limits.js';
import { RedisStore } from './redis-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { ChatStore } from './store.js';

/**
 * A client away for up to this long gets its session (rooms, missed packets) back from socket.io itself. The chat
 * re-enters and replays from the store after every reconnection anyway (chat-server.ts), which is what holds across
 * processes and restarts; a resumed session only gets its missed packets sooner.
 */
const RECOVERY_MS = 2 * 60_000;

export interface ChatConfig {
  dbPath: string;
  redisUrl: string | undefined;
}

export function chatConfig(env: NodeJS.ProcessEnv, root: string): ChatConfig {
  return { dbPath: env.PUSHLAB_CHAT_DB || join(root, '.pushlab', 'chat.db'), redisUrl: env.REDIS_URL || undefined };
}


export async function createChatMount(options: {
  access: Access;
  allowOrigins: readonly string[];
  distDir: string;
  /**
   * Ignored: the chat page needs no token, and handing the chat the backend's would only give a bug here a secret
   * that runs code. Kept optional until server/main.ts stops passing it.
   */
  meta?: BackendMeta;
  config: ChatConfig;
}): Promise<BackendMount> {
  const { access, config } = options;
  const site = new StaticSite(options.distDir);
  let store: ChatStore;
  let adapter: ReturnType<typeof createAdapter> | undefined;
  let redis: ReturnType<typeof createClient> | undefined;
  if (config.redisUrl) {
    redis = createClient({ url: config.redisUrl });
    // Without a listener, a lost Redis connection would be an uncaught 'error' and end the process; the client reconnects.
    redis.on('error', (err: Error) => console.error(`Pushlab chat: Redis: ${err.message}`));
    await redis.connect();
    adapter = createAdapter(redis);
    store = new RedisStore(redis);
  } else {
    store = new SqliteStore(config.dbPath);
  }

  // Transport connections per address, counted below socket.io: one that never says which namespace it wants never
  // reaches the chat's own limits (chat-server.ts), yet holds memory until socket.io's connect timeout. Twice the
  // chat's own limit, so that a page over that one is refused by the chat, which says why, and not here, where a
  // browser's WebSocket learns no reason.
  const transports = new Map<string, number>();
  const maxTransports = 2 * DEFAULT_LIMITS.connections.perAddress;
  const engine = new Engine({
    maxHttpBufferSize: MAX_PACKET_BYTES,
    // The backend's own rules: its Origin allowlist, and (in exec mode) a loopback Host against DNS rebinding; then
    // the address's share of connections (asked only at a handshake).
    allowRequest: (req, callback) =>
      callback(
        null,
        access.originAllowed(req) &&
          access.hostAllowed(req) &&
          (transports.get(addressKey(req.socket.remoteAddress)) ?? 0) < maxTransports,
      ),
    cors: options.allowOrigins.length > 0 ? { origin: [...options.allowOrigins], credentials: false } : undefined,
  });
  const io = new Server({
    path: SOCKET_PATH,
    serveClient: false,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_MS },
    // A transport connection that has not joined the chat by then is closed (the default is 45 s).
    connectTimeout: 10_000,
    ...(adapter ? { adapter } : {}),
  });
  io.bind(engine as unknown as Parameters<Server['bind']>[0]);
  engine.on('connection', (conn: { request: { socket: { remoteAddress?: string } }; once(e: 'close', f: () => void): void }) => {
    const address = addressKey(conn.request.socket.remoteAddress);
    transports.set(address, (transports.get(address) ?? 0) + 1);
    conn.once('close', () => {
      const left = (transports.get(address) ?? 1) - 1;
      if (left > 0) transports.set(address, left);
      else transports.delete(address);
    });
  });
  const chat = attachChat(io.of('/') as unknown as ChatNamespace, {
    store,
    log: (line) => console.error(`Pushlab chat: ${line}`),
  });
  console.log(`Pushlab chat: /chat, history in ${config.redisUrl ? 'Redis' : config.dbPath}`);

  const ours = (url: string | undefined) => (url ?? '').startsWith(SOCKET_PATH);
  return {
    async handleRequest(req, res, url) {
      if (ours(req.url)) {
        engine.handleRequest(req as Parameters<Engine['handleRequest']>[0], res);
        return true;
      }
      // dist/chat.html's asset URLs are relative (vite base './'), so the page must live at /chat, not /chat/.
      if (url.pathname === '/chat/') {
        res.writeHead(301, { location: `/chat${url.search}` }).end();
        return true;
      }
      if (url.pathname === '/chat') return site.serve(req, res, '/chat.html');
      return false;
    },
    handleUpgrade(req, socket, head) {
      if (!ours(req.url)) return false;
      engine.handleUpgrade(req as Parameters<Engine['handleUpgrade']>[0], socket, head);
      return true;
    },
    async close() {
      chat.close();
      await io.close();
      await store.close();
      if (redis) await redis.quit().catch(() => {});
    },
  };
}
