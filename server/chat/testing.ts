/** Test support: the chat's logic on a real socket.io server on a free port, and page clients (ChatClient) talking to it. */
import { once } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { ChatClient, newClientId } from '../../src/chat/chat-client.js';
import { SOCKET_PATH } from '../../src/shared/chat-protocol.js';
import { attachChat, type Chat, type ChatNamespace, type ChatOptions } from './chat-server.js';
import { MAX_PACKET_BYTES } from './limits.js';
import { MemoryStore } from './memory-store.js';

export interface ChatHarness {
  url: string;
  io: Server;
  store: ChatOptions['store'];
  client(clientId?: string): ChatClient;
  /** Stops the server, sessions and all, and starts a new one on the same port and store: a restarted process. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

async function listen(port: number, options: ChatOptions): Promise<{ http: HttpServer; io: Server; chat: Chat }> {
  const http = createServer();
  // The real chat's packet cap (mount.ts), so an oversize packet does here what it does there.
  const io = new Server(http, { path: SOCKET_PATH, serveClient: false, connectionStateRecovery: {}, maxHttpBufferSize: MAX_PACKET_BYTES });
  const chat = attachChat(io.of('/') as unknown as ChatNamespace, { onlineDelayMs: 5, ...options });
  http.listen(port, '127.0.0.1');
  await once(http, 'listening');
  return { http, io, chat };
}

export async function startChat(options: Partial<ChatOptions> = {}): Promise<ChatHarness> {
  const all: ChatOptions = { ...options, store: options.store ?? new MemoryStore() };
  let server = await listen(0, all);
  const port = (server.http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const clients: ChatClient[] = [];
  const stop = async () => {
    server.chat.close();
    await server.io.close();
  };
  return {
    url,
    get io() {
      return server.io;
    },
    store: all.store,
    client(clientId = newClientId()) {
      const c = new ChatClient(url, clientId, { transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 });
      clients.push(c);
      return c;
    },
    async restart() {
      await stop();
      server = await listen(port, all);
    },
    async close() {
      for (const c of clients) c.close();
      await stop();
    },
  };
}

export function connected(client: ChatClient): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve) => client.socket.once('connect', () => resolve()));
}
