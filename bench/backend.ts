/**
 * `npm run bench:backend`: figures for the real Node backend, measured against a real backend process.
 * - Run → first line of output: the time from the page's POST until the child's first console.log arrives on the log
 *   stream (goal: under 500 ms median).
 * - The proxy's added latency: a small GET answered by the learner's server, through the backend versus direct.
 * Browser mode's Run → first line needs the page and the run frame; it is measured by the end-to-end suite.
 */
import { spawnBackend, openLog, startRun } from '../server/testing/backend-process.js';

const RUNS = 15;
const REQUESTS = 300;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
}

const backend = await spawnBackend();
try {
  const { token } = await backend.meta();
  const headers = { 'x-pushlab-token': token };
  const firstLine: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const res = await startRun(
      backend.url,
      { pageId: 'bench', lessonId: 'bench', files: { 'server.js': `console.log('first line')` } },
      headers,
    );
    const { runId } = (await res.json()) as { runId: string };
    const log = openLog(backend.url, runId, token);
    await log.next('stdout', 'first line');
    firstLine.push(performance.now() - t0);
    await log.next('exit');
  }

  const res = await startRun(
    backend.url,
    {
      pageId: 'bench',
      lessonId: 'bench',
      files: { 'server.js': `require('http').createServer((q, s) => s.end('pong')).listen(0)` },
    },
    headers,
  );
  const { runId } = (await res.json()) as { runId: string };
  const log = openLog(backend.url, runId, token);
  const port = (await log.next('listening')).data.port as number;
  const timeGets = async (url: string) => {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const t0 = performance.now();
      await (await fetch(url)).text();
      times.push(performance.now() - t0);
    }
    return times;
  };
  await timeGets(`http://127.0.0.1:${port}/ping`); // warm both paths up
  await timeGets(`${backend.url}ping`);
  const direct = await timeGets(`http://127.0.0.1:${port}/ping`);
  const proxied = await timeGets(`${backend.url}ping`);
  await fetch(`${backend.url}__pushlab/runs/${runId}/stop`, { method: 'POST', headers });

  const ms = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`Real mode, Run → first line of server output: median ${ms(median(firstLine))}, ` +
    `p95 ${ms(p95(firstLine))} over ${RUNS} runs (goal < 500 ms) ${median(firstLine) < 500 ? 'OK' : 'SLOW'}`);
  console.log(`GET through the proxy: median ${ms(median(proxied))} (p95 ${ms(p95(proxied))}); ` +
    `direct: median ${ms(median(direct))} (p95 ${ms(p95(direct))}); ` +
    `added by the proxy: ${ms(median(proxied) - median(direct))} median over ${REQUESTS} requests`);
} finally {
  await backend.stop();
}
