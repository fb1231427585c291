/**
 * What real mode's record of the wire costs (issue 14; server/child/wire-record.cjs): the same server.js in real Node
 * through the real backend, once recorded and once started with `wire: false`, driven by Node clients on loopback
 * straight to the learner's port: a WebSocket echo flood (messages/s), an SSE stream written as fast as it drains
 * (events/s) and keep-alive GETs one after another (requests/s). Each round measures both runs back to back, in
 * alternating order, and gives one ratio: on a shared machine whose load swings by a factor of several within
 * seconds, a ratio of neighbours is steadier than a ratio of medians taken apart. The median ratio is printed (goal:
 * the record costs under 10%, a ratio of 0.9 or more). Prints figures; not a test.
 *
 * The run's log stream is read as a page would follow it, but without decoding it: this process is also the load, and
 * parsing what the page parses would charge the page's work to the server (the page does it on another thread).
 *
 * `tsx bench/wire-record.ts` alone, or from `npm run bench:mocks`, which calls measureRealWire().
 */
import { once } from 'node:events';
import { request, Agent } from 'node:http';
import WebSocket from 'ws';
import { learnerPort, openLog, spawnBackend, startRun } from '../server/testing/backend-process.js';

/**
 * Each measurement lasts about a second here, the period of the record's budgets (2,000 records, 1 MiB of payload and
 * 100 named lines a second: wire-record.cjs). Until 2026-12 they lasted 40 to 120 ms: a round's first window then
 * spent a whole second's budget of full records and stacks, 10 to 25 times the rate a steady flood spends it at, and
 * keep-alive GETs read 1.17 to 1.38× the CPU where a second of them reads 0.98 to 1.05×. Fewer rounds of longer
 * windows take about the same time.
 */
const COUNTS = { wsMessages: 200_000, sseEvents: 800_000, gets: 20_000, payloadBytes: 100, rounds: 9 };

const serverCode = (port: number) => `
const http = require('http');
const { WebSocketServer } = require('ws');
const payload = 'x'.repeat(${COUNTS.payloadBytes});
const server = http.createServer((req, res) => {
  // The bench asks this process's own CPU time before and after each workload: what the record costs the learner's
  // server itself, apart from the backend and the reader, which share this machine's cores with it.
  if (req.url === '/cpu') {
    const used = process.cpuUsage();
    let writes = -1;
    try {
      writes = Number(/syscw: (\\d+)/.exec(require('fs').readFileSync('/proc/self/io', 'utf8'))[1]);
    } catch {}
    return res.end(JSON.stringify({ cpu: (used.user + used.system) / 1000, writes }));
  }
  if (req.url === '/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    let i = 0;
    const more = () => {
      while (i < ${COUNTS.sseEvents}) {
        i++;
        if (!res.write('data: ' + payload + '\\n\\n')) return res.once('drain', more);
      }
      res.end();
    };
    return more();
  }
  res.end('pong');
});
new WebSocketServer({ server }).on('connection', (ws) => ws.on('message', (m, binary) => ws.send(m, { binary })));
server.listen(${port});`;

async function wsFlood(port: number): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
  await once(ws, 'open');
  const payload = 'y'.repeat(COUNTS.payloadBytes);
  const started = performance.now();
  let echoed = 0;
  const done = new Promise<void>((resolve) => ws.on('message', () => ++echoed === COUNTS.wsMessages && resolve()));
  for (let i = 0; i < COUNTS.wsMessages; i++) ws.send(payload);
  await done;
  const rate = COUNTS.wsMessages / ((performance.now() - started) / 1000);
  ws.close();
  return rate;
}

async function sseStream(port: number): Promise<number> {
  const started = performance.now();
  const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
    request({ host: '127.0.0.1', port, path: '/sse', headers: { accept: 'text/event-stream' } }, resolve).on('error', reject).end(),
  );
  let events = 0;
  // An event's blank line may straddle two reads: the first ends in its first LF, the next starts with the second.
  let loneLF = false;
  res.on('data', (chunk: Buffer) => {
    if (loneLF && chunk[0] === 10) events++;
    for (let at = chunk.indexOf('\n\n'); at !== -1; at = chunk.indexOf('\n\n', at + 2)) events++;
    const n = chunk.length;
    loneLF = chunk[n - 1] === 10 && chunk[n - 2] !== 10;
  });
  await once(res, 'end');
  if (events !== COUNTS.sseEvents) throw new Error(`SSE: ${events} of ${COUNTS.sseEvents} events arrived`);
  return events / ((performance.now() - started) / 1000);
}

async function sequentialGets(port: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const started = performance.now();
  for (let i = 0; i < COUNTS.gets; i++) {
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) =>
      request({ host: '127.0.0.1', port, path: `/get?${i}`, agent }, resolve).on('error', reject).end(),
    );
    res.resume();
    await once(res, 'end');
  }
  agent.destroy();
  return COUNTS.gets / ((performance.now() - started) / 1000);
}

/** Follows a run's log stream to its end, counting its 'wire' events and nothing more. */
function drainLog(url: string, runId: string, token: string): { wireEvents: () => number; close: () => void } {
  const controller = new AbortController();
  let wire = 0;
  let tail = '';
  void (async () => {
    try {
      const res = await fetch(`${url}__pushlab/runs/${runId}/log?token=${encodeURIComponent(token)}`, { signal: controller.signal });
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const text = tail + decoder.decode(chunk, { stream: true });
        for (let at = text.indexOf('event: wire\n'); at !== -1; at = text.indexOf('event: wire\n', at + 1)) wire++;
        tail = text.slice(-11); // an 'event: wire' line cut between two chunks
      }
    } catch {
      // closed
    }
  })();
  return { wireEvents: () => wire, close: () => controller.abort() };
}

/**
 * The learner's server's CPU time so far, in ms, and its write system calls (Linux's /proc/self/io; -1 where there is
 * none), as it reports them (serverCode's /cpu).
 */
async function serverCpu(port: number): Promise<{ cpu: number; writes: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/cpu`);
  return (await res.json()) as { cpu: number; writes: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export interface WireCost {
  figure: string;
  unit: string;
  /** Medians of the rounds. */
  recorded: number;
  unrecorded: number;
  /** Median of the rounds' ratios, recorded / unrecorded. */
  ratio: number;
  /** Median of the rounds' ratios of the learner's server's CPU time, recorded / unrecorded (goal ≤ 1.10). */
  cpuRatio: number;
  /** Median write system calls of the learner's server per message, event or request, recorded and not (NaN: unknown). */
  writesOn: number;
  writesOff: number;
}

/** Runs the comparison against a backend of its own and returns one row per workload. */
export async function measureRealWire(): Promise<WireCost[]> {
  const backend = await spawnBackend();
  try {
    const { token } = await backend.meta();
    const start = async (pageId: string, wire: boolean) => {
      const res = await startRun(
        backend.url,
        { pageId, lessonId: 'bench', files: { 'server.js': serverCode(learnerPort()) }, wire } as never,
        { 'x-pushlab-token': token },
      );
      const { runId } = (await res.json()) as { runId: string };
      const log = openLog(backend.url, runId, token);
      const port = (await log.next('listening')).data.actualPort as number;
      // The drain takes over from the parsing reader before that goes (a run whose page left would end).
      const drain = drainLog(backend.url, runId, token);
      await new Promise((r) => setTimeout(r, 200));
      log.close();
      return { runId, drain, port };
    };
    const runs = { recorded: await start('bench-wire-on', true), unrecorded: await start('bench-wire-off', false) };
    const workloads = [
      { figure: 'WebSocket echo flood', unit: 'msg/s', measure: wsFlood, items: COUNTS.wsMessages },
      { figure: 'SSE stream', unit: 'events/s', measure: sseStream, items: COUNTS.sseEvents },
      { figure: 'keep-alive GETs in turn', unit: 'req/s', measure: sequentialGets, items: COUNTS.gets },
    ];
    const rows: WireCost[] = [];
    for (const w of workloads) {
      await w.measure(runs.recorded.port); // warm-up, both
      await w.measure(runs.unrecorded.port);
      const on: number[] = [];
      const off: number[] = [];
      const cpuRatios: number[] = [];
      const writes = { on: [] as number[], off: [] as number[] };
      // Not node:events' once, imported above: one measurement of this workload on one run's server.
      const measured = async (port: number) => {
        const before = await serverCpu(port);
        const rate = await w.measure(port);
        // The record's last batch leaves up to 20 ms after the last write (wire-record.cjs's BATCH_MS): its cost too.
        await new Promise((r) => setTimeout(r, 50));
        const after = await serverCpu(port);
        const perItem = before.writes < 0 ? NaN : (after.writes - before.writes) / w.items;
        return { rate, cpu: after.cpu - before.cpu, perItem };
      };
      for (let round = 0; round < COUNTS.rounds; round++) {
        // Alternate which goes first, so neither always meets the other's leftovers (GC, the backend's batches).
        let a, b;
        if (round % 2 === 0) {
          a = await measured(runs.recorded.port);
          b = await measured(runs.unrecorded.port);
        } else {
          b = await measured(runs.unrecorded.port);
          a = await measured(runs.recorded.port);
        }
        on.push(a.rate);
        off.push(b.rate);
        cpuRatios.push(a.cpu / b.cpu);
        writes.on.push(a.perItem);
        writes.off.push(b.perItem);
      }
      const ratios = on.map((x, i) => x / off[i]!);
      rows.push({
        figure: w.figure,
        unit: w.unit,
        recorded: median(on),
        unrecorded: median(off),
        ratio: median(ratios),
        cpuRatio: median(cpuRatios),
        writesOn: median(writes.on),
        writesOff: median(writes.off),
      });
    }
    if (runs.recorded.drain.wireEvents() === 0) throw new Error('the recorded run sent no wire events: the comparison would mean nothing');
    if (runs.unrecorded.drain.wireEvents() > 0) throw new Error('the run started with wire: false recorded its wire');
    for (const run of Object.values(runs)) {
      run.drain.close();
      await fetch(`${backend.url}__pushlab/runs/${run.runId}/stop`, { method: 'POST', headers: { 'x-pushlab-token': token } });
    }
    return rows;
  } finally {
    await backend.stop();
  }
}

export function printWireCost(rows: WireCost[]): void {
  const fmt = (n: number) => n.toFixed(0).padStart(8);
  console.log(`real mode, the wire recorded vs not (${COUNTS.rounds} rounds, each both runs back to back; Node clients on ` +
    `loopback, ${COUNTS.payloadBytes}-byte payloads; goal: the record costs under 10%: throughput ratio ≥ 0.90, and the ` +
    `learner's server's CPU time ratio ≤ 1.10)`);
  for (const r of rows) {
    console.log(`  ${r.figure.padEnd(26)} ${r.unit.padEnd(9)} recorded ${fmt(r.recorded)}  not ${fmt(r.unrecorded)}  ` +
      `median ratio ${r.ratio.toFixed(2)} ${r.ratio >= 0.9 ? 'OK' : 'MISS'}; server CPU ${r.cpuRatio.toFixed(2)}× ${r.cpuRatio <= 1.1 ? 'OK' : 'MISS'}` +
      (Number.isNaN(r.writesOn) ? '' : `; write calls per item ${r.writesOn.toFixed(2)} / ${r.writesOff.toFixed(2)}`));
  }
  // An echo flood on loopback runs in one of two ways: while the server keeps ahead of its client, its writes queue
  // behind one in flight and leave together (one writev for many frames); once it falls behind, each frame is a
  // system call of its own, and a frame costs the server about twice the CPU. Any extra work may tip it over; the
  // write calls per item say which way a run went.
  console.log('  (write calls per item: the learner\'s server\'s write system calls per message, event or request, recorded / not)');
  // The backend (which receives the batches and serves them) and this process (the clients, and the log's reader) run
  // on the same cores as the learner's server: on a machine of two, the throughput ratio counts their work too.
  console.log('  (throughput counts the backend\'s and the log reader\'s work on the same cores; the CPU ratio is the learner\'s server alone)');
}

if (import.meta.url === `file://${process.argv[1]}`) printWireCost(await measureRealWire());
