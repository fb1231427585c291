/**
 * `npm run bench:mocks -- --profile`: where the in-browser runtime's time goes, one transport at a time.
 *
 * For each phase of bench/mocks/client.js (WebSocket echo, SSE, socket.io) a run frame runs that phase alone while
 * - the page's V8 CPU profiler samples the main thread (the run frame is same-origin, so its server.js, client.js and
 *   the runtime share the page's thread and isolate), its self time summed by where the code comes from (the profile
 *   build keeps one output file per source module, so a sample's URL names its source), and
 * - a Chromium trace counts each thread's busy time (top-level tasks): the service worker's thread and the network
 *   service's threads, which the CPU profile of the page cannot see.
 * The EventSource phase also reports its timeline from `new EventSource` to 'open' (bench/mocks/client.js `timeline`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, CDPSession } from 'playwright-core';

/** V8's CPU profile, as CDP's Profiler.stop returns it. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Where a sample's code comes from, by the URL of its (unbundled, see `profileBuild`) module. */
function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(builtins and eval: client.js, server.js)';
  const path = decodeURIComponent(new URL(url, 'http://x/').pathname);
  const rules: Array<[RegExp, string]> = [
    [/node_modules\/mock-socket\//, 'mock-socket'],
    [/node_modules\/(msw|@mswjs|@open-draft|outvariant|strict-event-emitter|headers-polyfill|cookie|graphql)/, 'msw'],
    [/node_modules\/(engine\.io|socket\.io|@socket\.io|component-emitter)/, 'socket.io parsers and client'],
    [/node_modules\/(buffer|events|base64-js|ieee754)\//, 'buffer, events'],
    [/node_modules\/eventsource-parser/, 'eventsource-parser (traffic of SSE)'],
    [/node_modules\/lit|@lit/, 'lit'],
    [/src\/mocks\/ws\//, 'src/mocks/ws'],
    [/src\/mocks\/http\//, 'src/mocks/http'],
    [/src\/mocks\/socket\.io\//, 'src/mocks/socket.io'],
    [/src\/mocks\//, 'src/mocks (other)'],
    [/src\/frame\/taps\//, 'src/frame/taps (client traffic)'],
    [/src\/frame\//, 'src/frame (console, outbox)'],
    [/src\/(page|shared|traffic)\//, 'src/page, shared (the page side)'],
    [/bench\//, 'bench page'],
  ];
  for (const [pattern, name] of rules) if (pattern.test(path)) return name;
  return path.replace(/^.*\/assets\//, '');
}

/** Self time by origin and by function, in ms, and the profile's span. */
function summarize(profile: CpuProfile): { span: number; byOrigin: Map<string, number>; byFunction: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i] is the gap before sample i; the gap after it is the time it stands for.
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const frame = nodes.get(profile.samples[i]!)!;
    const where = origin(frame.url, frame.functionName);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + ms);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url ? `${origin(frame.url, '')}:${frame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  return { span: (profile.endTime - profile.startTime) / 1000, byOrigin, byFunction };
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  ts: number;
  args?: { name?: string };
}

/** Busy ms per thread (sum of top-level task durations), for the threads that carry a run's traffic. */
function threadBusy(trace: { traceEvents: TraceEvent[] }): Array<[string, number]> {
  const names = new Map<string, string>();
  for (const e of trace.traceEvents) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const busy = new Map<string, number>();
  for (const e of trace.traceEvents) {
    if (e.ph !== 'X' || !e.dur || !/^(ThreadControllerImpl::RunTask|RunTask)$/.test(e.name)) continue;
    const name = names.get(`${e.pid}:${e.tid}`) ?? `thread ${e.tid}`;
    busy.set(`${name} (pid ${e.pid})`, (busy.get(`${name} (pid ${e.pid})`) ?? 0) + e.dur / 1000);
  }
  return [...busy].filter(([, ms]) => ms >= 5).sort((a, b) => b[1] - a[1]).slice(0, 10);
}

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1).padStart(5)}%`;

/**
 * Runs `phase` of the benchmark client in a run frame with the CPU profiler and a trace on, and prints where the time
 * went (returned as lines, printed after the table). `open` loads the bench page in runtime mode for the given config.
 */
export async function profilePhase(
  browser: Browser,
  phase: 'ws' | 'sse' | 'io',
  open: (context: BrowserContext, before: (cdp: CDPSession) => Promise<void>) => Promise<unknown>,
  /** Names the run in the report and the kept profile's file, e.g. 'sse (the wire not recorded)' and 'sse-unrecorded'. */
  variant?: { label: string; file: string },
): Promise<{ result: unknown; report: string[] }> {
  const report: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let cdp: CDPSession | undefined;
  try {
    await browser.startTracing(undefined, { categories: ['toplevel', '__metadata'] });
    const result = await open(context, async (session) => {
      cdp = session;
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
      await cdp.send('Profiler.start');
    });
    const { profile } = (await cdp!.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
    // A phase that did not run (a page that failed to load, a server that refused) still leaves a profile, of nothing.
    const ran = (result as { client?: Record<string, unknown> } | null | undefined)?.client?.[phase];
    if (typeof ran !== 'object' || ran === null || 'error' in ran) {
      const why = typeof ran === 'object' && ran !== null ? String((ran as { error: unknown }).error) : 'the page gave no result';
      throw new Error(`bench:mocks --profile: the ${variant?.label ?? phase} phase did not run (${why})`);
    }
    // The raw profile, for a closer look (Chromium DevTools' Performance panel or `node --cpu-prof`'s readers open it).
    const out = process.env.PUSHLAB_PROFILE_OUT;
    if (out) {
      mkdirSync(out, { recursive: true }); // a directory named for this run need not exist yet
      writeFileSync(join(out, `${variant?.file ?? phase}.cpuprofile`), JSON.stringify(profile));
    }
    const { span, byOrigin, byFunction } = summarize(profile);
    report.push(`\nprofile: ${variant?.label ?? phase} phase alone, the page's main thread (run frame included), ${span.toFixed(0)} ms sampled`);
    for (const [where, ms] of [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
      report.push(`  ${ms.toFixed(0).padStart(7)} ms ${pct(ms, span)}  ${where}`);
    }
    report.push('  top functions (self time):');
    for (const [fn, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      report.push(`  ${ms.toFixed(0).padStart(7)} ms ${pct(ms, span)}  ${fn}`);
    }
    report.push('  busy time per thread (top-level tasks; the service worker and the network service are off the main thread):');
    for (const [name, ms] of threadBusy(trace)) report.push(`  ${ms.toFixed(0).padStart(7)} ms ${pct(ms, span)}  ${name}`);
    return { result, report };
  } finally {
    await context.close();
  }
}
