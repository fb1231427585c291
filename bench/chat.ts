/**
 * `npm run bench:chat [-- --clients 1000 --crowd 10000 --idle 5000 --seconds 3 --rounds 5 --profile DIR --only fill]`: the real
 * chat's delivery against a minimal socket.io broadcast server (bench/chat-server.ts), in the same run, on loopback:
 * - a room filling up: `clients` and then `crowd` clients, already connected, join one room 100 at a time, timed until
 *   every join is answered, and until every client knows that all have joined (the room has settled), against the
 *   reference doing the same; with the server's and the clients' CPU time over it (the load disturbs those least);
 * - the same chat as two processes sharing it through Redis (Debian's redis-server, started on a free port), half the
 *   receivers on each: deliveries/s and p95 beside the one-process chat's (skipped without redis-server);
 * - latency p50/p95 of 100-byte messages reaching every one of N clients in one room, at a paced 10 messages/s;
 * - deliveries/s when one sender keeps 32 messages in flight for a few seconds (the ratio to the reference is the
 *   cost of storing history and the chat's checks);
 * - server memory per connection with `idle` clients connected and doing nothing (heap after a full GC, and RSS).
 *
 * Why it is arranged this way: the clients all run in this one process, on a machine other people share, so the
 * ceiling (the clients' parsing, and whatever else runs) moves by a factor of three within a minute. Measuring one
 * server after the other compared two different machines; here both servers are up with their own N clients, both
 * are warmed up (JIT, and the chat's N join notices and online lists delivered and quiet) before anything is counted,
 * and the windows alternate, chat then reference then reference then chat…: a paced latency window each per round,
 * then the throughput in half-second slices taken in turn, so that the ratio compares neighbouring seconds. The ratio
 * printed is of the deliveries/s summed over all slices; the server CPU per message (process.cpuUsage around each
 * slice) is printed beside it, as the figure that the machine's load disturbs least. `--profile DIR` runs both servers under
 * `node --cpu-prof` and leaves the .cpuprofile files in DIR/chat and DIR/reference (the larger is the main thread).
 * Goals (issue 8): ratio ≥ 0.8, p95 < 50 ms. `--only fill` times the room filling up and stops there.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { SOCKET_PATH } from '../src/shared/chat-protocol.js';
import { freePort } from '../server/testing/backend-process.js';
import { median } from './median.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string' },
    crowd: { type: 'string' },
    idle: { type: 'string' },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    profile: { type: 'string' },
    only: { type: 'string' },
  },
});
const CLIENTS = Number(values.clients ?? 1000);
const CROWD = Number(values.crowd ?? 10_000);
const IDLE = Number(values.idle ?? 5000);
const SECONDS = Number(values.seconds ?? 3);
const ROUNDS = Number(values.rounds ?? 5);
const PROFILE_DIR = values.profile === undefined ? undefined : resolve(values.profile);
const TEXT_BYTES = 100;
const IN_FLIGHT = 32;
const SLICE_SECONDS = 0.5;
const PACED_PER_SECOND = 10;
/** A window that has not delivered everything by then is a hung server, not a slow one. */
const DRAIN_TIMEOUT_MS = 120_000;

type Mode = 'chat' | 'reference' | 'redis';

interface ServerProcess {
  url: string;
  memory(): Promise<NodeJS.MemoryUsage>;
  /** The server's CPU time so far (user + system), in ms. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(mode: Mode, dbPath: string): Promise<ServerProcess> {
  // A directory per server: tsx's loader thread writes a profile of its own next to the main thread's.
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, mode)}`] : [];
  const child: ChildProcess = fork(join(import.meta.dirname, 'chat-server.ts'), [mode, dbPath], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...profile],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, REDIS_URL: redisUrl },
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
    memory: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as NodeJS.MemoryUsage));
        child.send('memory');
      }),
    cpu: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(((m as NodeJS.CpuUsage).user + (m as NodeJS.CpuUsage).system) / 1000));
        child.send('cpu');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}


let redisUrl = '';
let redisServer: ChildProcess | undefined;
/** Debian's redis-server on a free port, keeping nothing on disk; false if it is not installed. */
async function startRedis(): Promise<boolean> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return false;
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  redisServer = proc;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  redisUrl = `redis://127.0.0.1:${port}`;
  return true;
}

let clientSeq = 0;
function connect(url: string): Promise<Socket> {
  const clientId = `bench-client-${String(clientSeq++).padStart(8, '0')}`;
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
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => connect(url)))));
  }
  return sockets;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

/** One server with its N receivers and one sender, counting what reaches the receivers. */
class Target {
  delivered = 0;
  latencies: number[] = [];
  /** Any packet at all (message, notice, online list): what "quiet" is measured against. */
  lastPacketAt = performance.now();
  /** Throughput slices so far, summed; `round` is since the current round began. */
  readonly total = { delivered: 0, ms: 0, sent: 0, cpuMs: 0 };
  round = { delivered: 0, ms: 0 };
  readonly pacedLatencies: number[] = [];
  /**
   * Per paced message, its latency to the first receiver: the time through the server up to the fan-out, which is
   * where the chat's own work (checks, SQLite) shows; the rest of the latency is the fan-out, the same for both.
   */
  readonly firstArrival = new Map<string, number>();
  private seq = 0;
  private pacing = false;

  private constructor(
    readonly mode: Mode,
    readonly servers: ServerProcess[],
    readonly receivers: Socket[],
    readonly sender: Socket,
  ) {
    for (const r of receivers) {
      r.onAny(() => (this.lastPacketAt = performance.now()));
      r.on('message', (m: { text: string }) => {
        this.delivered++;
        const sentAt = m.text.slice(0, m.text.indexOf(' '));
        const latency = performance.now() - Number(sentAt);
        this.latencies.push(latency);
        if (this.pacing) this.firstArrival.set(sentAt, Math.min(this.firstArrival.get(sentAt) ?? Infinity, latency));
      });
    }
  }

  /** `processes` servers (only Redis shares a chat between several), the receivers spread evenly over them. */
  static async start(mode: Mode, dbPath: string, processes = 1): Promise<Target> {
    const servers = await Promise.all(Array.from({ length: processes }, () => startServer(mode, dbPath)));
    const receivers: Socket[] = [];
    for (let p = 0; p < processes; p++) {
      const share = Math.floor(CLIENTS / processes) + (p < CLIENTS % processes ? 1 : 0);
      receivers.push(...(await connectMany(servers[p]!.url, share)));
    }
    for (let i = 0; i < receivers.length; i++) {
      const r = (await receivers[i]!.timeout(10_000).emitWithAck('join', { room: 'bench', nick: `u${i}` })) as { ok: boolean };
      if (!r.ok) throw new Error(`${mode}: join failed: ${JSON.stringify(r)}`);
    }
    const [sender] = await connectMany(servers[0]!.url, 1);
    await sender!.timeout(10_000).emitWithAck('join', { room: 'bench', nick: 'sender' });
    return new Target(mode, servers, receivers, sender!);
  }

  get server(): ServerProcess {
    return this.servers[0]!;
  }

  async cpu(): Promise<number> {
    return (await Promise.all(this.servers.map((s) => s.cpu()))).reduce((a, b) => a + b, 0);
  }

  /** Each message's text is its send time, padded to 100 bytes: the receivers read their latency from it. */
  send(): Promise<unknown> {
    const text = `${performance.now().toFixed(3)} `.padEnd(TEXT_BYTES, 'x');
    return this.sender.timeout(30_000).emitWithAck('message', { id: `m${this.mode}${this.seq++}`, text });
  }

  private async drain(expected: number): Promise<void> {
    const deadline = performance.now() + DRAIN_TIMEOUT_MS;
    while (this.delivered < expected) {
      if (performance.now() > deadline) throw new Error(`${this.mode}: ${this.delivered} of ${expected} deliveries`);
      await sleep(5);
    }
  }

  /** Until no packet has reached any receiver for `quietMs`: the join notices and online lists are behind us. */
  async settle(quietMs = 300): Promise<void> {
    while (performance.now() - this.lastPacketAt < quietMs) await sleep(50);
  }

  async warmUp(): Promise<void> {
    await this.settle();
    await this.burst(1, false);
    await this.settle();
  }

  async paced(): Promise<void> {
    this.delivered = 0;
    this.latencies = [];
    const n = SECONDS * PACED_PER_SECOND;
    this.pacing = true;
    for (let i = 0; i < n; i++) {
      await this.send();
      await sleep(1000 / PACED_PER_SECOND);
    }
    await this.drain(n * CLIENTS);
    this.pacing = false;
    this.pacedLatencies.push(...this.latencies);
  }

  async burst(seconds: number, record = true): Promise<void> {
    this.delivered = 0;
    this.latencies = [];
    const cpuBefore = await this.cpu();
    const start = performance.now();
    let sent = 0;
    const worker = async () => {
      while (performance.now() - start < seconds * 1000) {
        sent++;
        await this.send();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await this.drain(sent * CLIENTS);
    const ms = performance.now() - start;
    if (!record) return;
    // Server CPU per message: what the server spends, whatever else the machine runs (it still grows a little with
    // contention, cache misses and context switches, but much less than wall-clock rates do).
    const cpuMs = (await this.cpu()) - cpuBefore;
    this.total.delivered += this.delivered;
    this.total.ms += ms;
    this.total.sent += sent;
    this.total.cpuMs += cpuMs;
    this.round.delivered += this.delivered;
    this.round.ms += ms;
  }

  rate(of: { delivered: number; ms: number } = this.total): number {
    return of.delivered / (of.ms / 1000);
  }

  async memoryPerConnection(): Promise<{ heap: number; rss: number }> {
    for (const s of [...this.receivers, this.sender]) s.disconnect();
    await sleep(300);
    const before = await this.server.memory();
    const idle = await connectMany(this.server.url, IDLE);
    await sleep(500);
    const after = await this.server.memory();
    for (const s of idle) s.disconnect();
    return { heap: (after.heapUsed - before.heapUsed) / IDLE, rss: (after.rss - before.rss) / IDLE };
  }
}

/**
 * A room filling up: `n` clients, connected beforehand, join one room 100 at a time; timed from the first join until
 * every join is answered, and until every client knows that all n are in (from its answer or a presence batch after
 * it). The reference sends no presence: both its times are its answers'.
 */
interface Fill {
  /** Until every client knows of everyone in the room (its answer, then presence batches): the room has settled. */
  ms: number;
  /** Until every join is answered (the last presence batch goes once the room is quiet and its budget allows: see presenceDue). */
  answeredMs: number;
  /** The server's CPU time over the fill (user + system). */
  serverCpuMs: number;
  /** This process's, where every client parses what it receives. */
  clientCpuMs: number;
  /** Presence batches the clients received. */
  packets: number;
}

async function roomFill(mode: Mode, dbPath: string, n: number): Promise<Fill> {
  const server = await startServer(mode, dbPath);
  try {
    const sockets = await connectMany(server.url, n);
    // How many people each client knows to be in the room: from its join answer, then from each presence batch. The
    // room is settled when everyone knows of all n (the chat; the reference sends no presence): a batch may wait for
    // the room's budget, up to an interval (PRESENCE_MAX_DELAY_MS at most), so a pause in the packets does not mean it
    // has arrived.
    const known = new Array<number>(n).fill(0);
    let settledAt = 0;
    let packets = 0;
    const know = (k: number, count: unknown) => {
      if (typeof count !== 'number' || count <= known[k]!) return;
      known[k] = count;
      if (count >= n) settledAt = performance.now();
    };
    sockets.forEach((s, k) =>
      s.on('presence', (batch: { count?: number }) => {
        packets++;
        know(k, batch.count);
      }),
    );
    const serverCpu = await server.cpu();
    const clientCpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < n; i += 100) {
      await Promise.all(
        sockets.slice(i, i + 100).map(async (s, j) => {
          const r = (await s.timeout(120_000).emitWithAck('join', { room: 'crowd', nick: `c${i + j}` })) as { ok: boolean; count?: number };
          if (!r.ok) throw new Error(`${mode}: join failed: ${JSON.stringify(r)}`);
          know(i + j, r.count);
        }),
      );
    }
    const answered = performance.now();
    if (mode !== 'reference') {
      const deadline = answered + 30_000;
      while (known.some((c) => c < n)) {
        if (performance.now() > deadline) throw new Error(`${mode}: ${known.filter((c) => c < n).length} clients never learned that all ${n} joined`);
        await sleep(20);
      }
    }
    const clientUsed = process.cpuUsage(clientCpu);
    const fill: Fill = {
      ms: Math.max(settledAt, answered) - started,
      answeredMs: answered - started,
      serverCpuMs: (await server.cpu()) - serverCpu,
      clientCpuMs: (clientUsed.user + clientUsed.system) / 1000,
      packets,
    };
    for (const s of sockets) s.disconnect();
    return fill;
  } finally {
    await server.stop();
  }
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const dir = mkdtempSync(join(tmpdir(), 'pushlab-bench-chat-'));
const targets: Target[] = [];
try {
  console.log(
    `bench:chat: ${CLIENTS} clients in one room, ${TEXT_BYTES}-byte messages, ${ROUNDS} rounds of ${SECONDS} s each, ` +
      `${IDLE} idle connections, loopback; load average ${load()}`,
  );
  // Joining is timed too: the chat sends every member a notice per join and the online list (coalesced per 100 ms),
  // so N joins cost it O(N²) packets that the reference does not send; the warm-up waits for them to be delivered.
  const started = async (mode: Mode, dbPath: string, processes = 1) => {
    const t0 = performance.now();
    const t = await Target.start(mode, dbPath, processes);
    targets.push(t);
    await t.settle();
    console.log(`  ${mode}: ${CLIENTS} clients connected and joined, and quiet again, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return t;
  };
  console.log('a room filling up: joins 100 at a time, timed until every join is answered, and until every client knows all have joined');
  // The clients live in this process: whichever server is timed first would also pay for warming up their code (and
  // did: 5.4 against 1.9 for the same pair run twice). One fill of each, not counted, then rounds in ABBA order, and
  // the median of the rounds' ratios.
  await roomFill('chat', join(dir, 'fill-warm.db'), Math.min(CLIENTS, 1000));
  await roomFill('reference', '', Math.min(CLIENTS, 1000));
  for (const n of [CLIENTS, CROWD]) {
    const rounds = n > 5000 ? 2 : 3;
    const pairs: { chat: Fill; reference: Fill }[] = [];
    for (let r = 0; r < rounds; r++) {
      const order: Mode[] = r % 2 === 0 ? ['chat', 'reference'] : ['reference', 'chat'];
      const pair: Partial<{ chat: Fill; reference: Fill }> = {};
      for (const mode of order) pair[mode as 'chat' | 'reference'] = await roomFill(mode, join(dir, `fill-${n}-${r}.db`), n);
      pairs.push(pair as { chat: Fill; reference: Fill });
    }
    // median(): of an even number, the mean of the middle two (of the 10,000's two rounds, the lower one was printed).
    const line = (label: string, figure: 'ms' | 'answeredMs') => {
      const ratios = pairs.map((p) => p.chat[figure] / p.reference[figure]).sort((a, b) => a - b);
      const ratio = median(ratios);
      const times = (mode: 'chat' | 'reference') => pairs.map((p) => (p[mode][figure] / 1000).toFixed(2)).join('/');
      console.log(
        `  ${n} joins, ${label}: chat ${times('chat')} s, reference ${times('reference')} s; ratios ${ratios.map((r) => r.toFixed(2)).join(' ')}, ` +
          `median ${ratio.toFixed(2)} (goal ≤ 2) ${ratio <= 2 ? 'OK' : 'SLOW'}; load ${load()}`,
      );
    };
    const cpu = (mode: 'chat' | 'reference', side: 'serverCpuMs' | 'clientCpuMs') => median(pairs.map((p) => p[mode][side]));
    line('all answered', 'answeredMs');
    line('room settled (everyone knows all n are in)', 'ms');
    // CPU time is what the machine's load disturbs least: the server's, and the clients' (they parse what it sends).
    console.log(
      `    CPU (median): server chat ${cpu('chat', 'serverCpuMs').toFixed(0)} ms, reference ${cpu('reference', 'serverCpuMs').toFixed(0)} ms ` +
        `(${(cpu('chat', 'serverCpuMs') / cpu('reference', 'serverCpuMs')).toFixed(2)}×); clients with the chat ` +
        `${cpu('chat', 'clientCpuMs').toFixed(0)} ms, with the reference ${cpu('reference', 'clientCpuMs').toFixed(0)} ms ` +
        `(${(cpu('chat', 'clientCpuMs') / cpu('reference', 'clientCpuMs')).toFixed(2)}×); presence packets to the room ` +
        `${Math.round(median(pairs.map((p) => p.chat.packets)))}`,
    );
  }

  // The rest: delivery, the two-process case and memory.
  if (values.only !== 'fill') {
    const chat = await started('chat', join(dir, 'chat.db'));
    const reference = await started('reference', '');
    for (const t of targets) await t.warmUp();

    const ratios: number[] = [];
    // ABBA: whichever went second goes first next time, so a steady drift in load favours neither.
    const inTurn = (i: number) => (i % 2 === 0 ? [chat, reference] : [reference, chat]);
    for (let round = 0; round < ROUNDS; round++) {
      for (const t of inTurn(round)) {
        await t.settle(100);
        await t.paced();
      }
      // Throughput in short slices taken in turn: three-second windows one after the other still gave ratios from 0.4
      // to 1.6 on this machine, because the load others put on it changes that fast.
      for (const t of targets) t.round = { delivered: 0, ms: 0 };
      const slices = Math.max(1, Math.round(SECONDS / SLICE_SECONDS));
      for (let i = 0; i < slices; i++) {
        for (const t of inTurn(i)) {
          await t.settle(50);
          await t.burst(SLICE_SECONDS);
        }
      }
      const ratio = chat.rate(chat.round) / reference.rate(reference.round);
      ratios.push(ratio);
      console.log(
        `  round ${round + 1}: chat ${Math.round(chat.rate(chat.round))}/s, reference ${Math.round(reference.rate(reference.round))}/s, ` +
          `ratio ${ratio.toFixed(2)}; load ${load()}`,
      );
    }

    // Two processes sharing the chat through Redis, half the receivers on each, in windows taken in turn with the
    // one-process chat's, so that the two figures come from neighbouring seconds.
    let redis: Target | undefined;
    let redisLine = 'two processes through Redis: skipped (redis-server is not installed: apt-get install redis-server)';
    if (await startRedis()) {
      redis = await started('redis', '', 2);
      await redis.warmUp();
      const chatPaced = chat.pacedLatencies.length;
      const sums = { chat: { delivered: 0, ms: 0 }, redis: { delivered: 0, ms: 0 } };
      for (let round = 0; round < ROUNDS; round++) {
        const pair = round % 2 === 0 ? [chat, redis] : [redis, chat];
        for (const t of pair) {
          await t.settle(100);
          await t.paced();
        }
        for (const t of pair) t.round = { delivered: 0, ms: 0 };
        const slices = Math.max(1, Math.round(SECONDS / SLICE_SECONDS));
        for (let i = 0; i < slices; i++) {
          for (const t of i % 2 === 0 ? pair : [...pair].reverse()) {
            await t.settle(50);
            await t.burst(SLICE_SECONDS);
          }
        }
        for (const t of pair) {
          const sum = t === chat ? sums.chat : sums.redis;
          sum.delivered += t.round.delivered;
          sum.ms += t.round.ms;
        }
      }
      const p95 = (l: number[]) => percentile([...l].sort((a, b) => a - b), 0.95);
      const redisRate = redis.rate(sums.redis);
      const chatRate = chat.rate(sums.chat);
      redisLine =
        `two processes through Redis: ${Math.round(redisRate)} deliveries/s, p95 ${p95(redis.pacedLatencies).toFixed(1)} ms; ` +
        `one process in the same windows: ${Math.round(chatRate)} deliveries/s, p95 ${p95(chat.pacedLatencies.slice(chatPaced)).toFixed(1)} ms; ` +
        `ratio ${(redisRate / chatRate).toFixed(2)}; server CPU ${(redis.total.cpuMs / redis.total.sent).toFixed(2)} ms/message (both processes)`;
    }

    const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
    for (const t of targets) {
      const memory = await t.memoryPerConnection();
      const sorted = [...t.pacedLatencies].sort((a, b) => a - b);
      const name = t.mode === 'chat' ? 'chat (SQLite history)' : t.mode === 'redis' ? 'chat (2 processes, Redis)' : 'reference (plain broadcast)';
      console.log(
        `${name.padEnd(28)} ${Math.round(t.rate()).toString().padStart(8)} deliveries/s   ` +
          `p50 ${percentile(sorted, 0.5).toFixed(1)} ms  p95 ${percentile(sorted, 0.95).toFixed(1)} ms   ` +
          `(first receiver p50 ${percentile([...t.firstArrival.values()].sort((a, b) => a - b), 0.5).toFixed(1)} ms)   ` +
          `server CPU ${(t.total.cpuMs / t.total.sent).toFixed(2)} ms/message   ` +
          `${IDLE} idle: heap ${kb(memory.heap)}/conn  rss ${kb(memory.rss)}/conn`,
      );
    }
    const ratio = chat.rate() / reference.rate();
    const cpuRatio = reference.total.cpuMs / reference.total.sent / (chat.total.cpuMs / chat.total.sent);
    const p95 = percentile([...chat.pacedLatencies].sort((a, b) => a - b), 0.95);
    console.log(
      `throughput ratio chat/reference: ${ratio.toFixed(2)} (rounds ${Math.min(...ratios).toFixed(2)}–` +
        `${Math.max(...ratios).toFixed(2)}; by server CPU per message ${cpuRatio.toFixed(2)}; goal ≥ 0.8) ` +
        `${ratio >= 0.8 ? 'OK' : 'LOW'}; ` +
        `chat p95 ${p95.toFixed(1)} ms (goal < 50 ms; the reference's in the same run ` +
        `${percentile([...reference.pacedLatencies].sort((a, b) => a - b), 0.95).toFixed(1)} ms) ${p95 < 50 ? 'OK' : 'SLOW'}; ` +
        `load average ${load()}`,
    );
    console.log(redisLine);
  }
} finally {
  for (const t of targets) for (const server of t.servers) await server.stop();
  redisServer?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
