/**
 * `npm run bench:chat [-- --clients 1000 --idle 5000]`: the real chat's delivery against a minimal socket.io broadcast
 * server, in the same run, on loopback:
 * - latency p50/p95 of 100-byte messages reaching every one of N clients in one room, at a paced 10 messages/s;
 * - deliveries/s when one sender keeps 32 messages in flight for a few seconds (the ratio to the reference is the
 *   cost of storing history and the chat's checks);
 * - server memory per connection with `idle` clients connected and doing nothing (heap after a full GC, and RSS).
 * The clients all run in this one process, so on a small machine they, not the server, may set the ceiling; both
 * servers meet the same ceiling, which is why the ratio is the figure to read. Goals (issue 8): ratio ≥ 0.8, p95 < 50 ms.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH } from '../src/chat/protocol.js';

const { values } = parseArgs({ options: { clients: { type: 'string' }, idle: { type: 'string' }, seconds: { type: 'string' } } });
const CLIENTS = Number(values.clients ?? 1000);
const IDLE = Number(values.idle ?? 5000);
const SECONDS = Number(values.seconds ?? 3);
const TEXT_BYTES = 100;

interface ServerProcess {
  url: string;
  child: ChildProcess;
  memory(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

async function startServer(mode: 'chat' | 'reference', dbPath: string): Promise<ServerProcess> {
  const child = fork(join(import.meta.dirname, 'chat-server.ts'), [mode, dbPath], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      const m = /port (\d+)/.exec(c.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as NodeJS.MemoryUsage));
        child.send('memory');
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

let clientSeq = 0;
function connect(url: string, clientId: string): Promise<Socket> {
  const socket = io(url, { path: SOCKET_PATH, transports: ['websocket'], auth: { clientId }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function connectMany(url: string, n: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  // In batches: a thousand handshakes at once would measure the accept queue, not the server.
  for (let i = 0; i < n; i += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, () => connect(url, `bench-client-${String(clientSeq++).padStart(8, '0')}`)),
    );
    sockets.push(...batch);
  }
  return sockets;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

interface Figures {
  deliveriesPerSecond: number;
  p50: number;
  p95: number;
  heapPerConnection: number;
  rssPerConnection: number;
}

async function measure(mode: 'chat' | 'reference', dbPath: string): Promise<Figures> {
  const server = await startServer(mode, dbPath);
  try {
    const receivers = await connectMany(server.url, CLIENTS);
    for (let i = 0; i < receivers.length; i++) {
      const r = (await receivers[i]!.timeout(10_000).emitWithAck('join', { room: 'bench', nick: `u${i}` })) as { ok: boolean };
      if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r)}`);
    }
    const [sender] = await connectMany(server.url, 1);
    await sender!.timeout(10_000).emitWithAck('join', { room: 'bench', nick: 'sender' });
    // Each message's text is its send time, padded to 100 bytes: the receivers read their latency from it.
    const textAt = (t: number) => `${t.toFixed(3)} `.padEnd(TEXT_BYTES, 'x');
    let delivered = 0;
    let latencies: number[] = [];
    for (const r of receivers) {
      r.on('message', (m: { text: string }) => {
        delivered++;
        latencies.push(performance.now() - Number(m.text.slice(0, m.text.indexOf(' '))));
      });
    }
    let seq = 0;
    const send = () => sender!.timeout(30_000).emitWithAck('message', { id: `m${mode}${seq++}`, text: textAt(performance.now()) });
    // Let join notices and online lists settle before measuring.
    await new Promise((r) => setTimeout(r, 500));

    // Latency, paced: 10 messages a second.
    delivered = 0;
    latencies = [];
    const paced = SECONDS * 10;
    for (let i = 0; i < paced; i++) {
      await send();
      await new Promise((r) => setTimeout(r, 100));
    }
    while (delivered < paced * CLIENTS) await new Promise((r) => setTimeout(r, 20));
    const sorted = latencies.sort((a, b) => a - b);
    const p50 = percentile(sorted, 0.5);
    const p95 = percentile(sorted, 0.95);

    // Throughput: 32 in flight for SECONDS, then wait for the last deliveries.
    delivered = 0;
    latencies = [];
    const start = performance.now();
    let sent = 0;
    const worker = async () => {
      while (performance.now() - start < SECONDS * 1000) {
        sent++;
        await send();
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    while (delivered < sent * CLIENTS) await new Promise((r) => setTimeout(r, 20));
    const deliveriesPerSecond = delivered / ((performance.now() - start) / 1000);
    for (const s of [...receivers, sender!]) s.disconnect();

    // Memory: idle connections, no room, nothing sent.
    await new Promise((r) => setTimeout(r, 300));
    const before = await server.memory();
    const idle = await connectMany(server.url, IDLE);
    await new Promise((r) => setTimeout(r, 500));
    const after = await server.memory();
    for (const s of idle) s.disconnect();
    return {
      deliveriesPerSecond,
      p50,
      p95,
      heapPerConnection: (after.heapUsed - before.heapUsed) / IDLE,
      rssPerConnection: (after.rss - before.rss) / IDLE,
    };
  } finally {
    await server.stop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pushlab-bench-chat-'));
try {
  console.log(`bench:chat: ${CLIENTS} clients in one room, ${TEXT_BYTES}-byte messages, ${IDLE} idle connections, loopback`);
  const chat = await measure('chat', join(dir, 'chat.db'));
  const reference = await measure('reference', '');
  const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  const row = (name: string, f: Figures) =>
    `${name.padEnd(28)} ${Math.round(f.deliveriesPerSecond).toString().padStart(10)} deliveries/s   ` +
    `p50 ${f.p50.toFixed(1)} ms  p95 ${f.p95.toFixed(1)} ms   heap ${kb(f.heapPerConnection)}/conn  rss ${kb(f.rssPerConnection)}/conn`;
  console.log(row('chat (SQLite history)', chat));
  console.log(row('reference (plain broadcast)', reference));
  const ratio = chat.deliveriesPerSecond / reference.deliveriesPerSecond;
  console.log(`throughput ratio chat/reference: ${ratio.toFixed(2)} (goal ≥ 0.8); chat p95 ${chat.p95.toFixed(1)} ms (goal < 50 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
