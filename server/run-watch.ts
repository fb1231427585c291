/**
 * Limits of a run that no single process enforces by itself: the memory of the whole process tree (V8's
 * --max-old-space-size sees neither Buffers nor other programs a run spawns), how many processes it has, and where
 * they listen. Sampled from /proc a few times a second; a run over a limit is ended with the reason in its console.
 *
 * Sampling lets a burst go over a limit for one interval; the PID namespace (run-sandbox.ts) makes the end of the run
 * atomic however many processes it made by then.
 */
import type { LimitViolation } from '../src/shared/backend-api.js';
import { boundSockets, descendants, hasProc, residentBytes } from './process-tree.js';

export interface RunLimits {
  /** Resident memory of every process of the run together. */
  memoryBytes: number;
  /** Processes of the run, its own node and the sandbox's helper included. */
  processes: number;
}

export type Violation = LimitViolation;

const INTERVAL_MS = 100;

/** Starts sampling the tree under `rootPid`; calls `onViolation` once, then stops. Returns the function that stops. */
export function watchRun(rootPid: number, limits: RunLimits, onViolation: (v: Violation) => void): () => void {
  if (!hasProc) return () => {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const sample = async () => {
    const pids = await descendants(rootPid);
    if (stopped || pids.length === 0) return;
    const violation = await check(pids, limits);
    if (stopped) return;
    if (violation) {
      stopped = true;
      onViolation(violation);
      return;
    }
    timer = setTimeout(() => void sample(), INTERVAL_MS);
    timer.unref();
  };
  void sample();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

async function check(pids: number[], limits: RunLimits): Promise<Violation | null> {
  if (pids.length > limits.processes) return { kind: 'processes', count: pids.length, limit: limits.processes };
  const bytes = await residentBytes(pids);
  if (bytes > limits.memoryBytes) return { kind: 'memory', bytes, limit: limits.memoryBytes };
  const exposed = (await boundSockets(pids)).find((s) => !s.loopback);
  if (exposed) return { kind: 'address', protocol: exposed.protocol, address: exposed.address, port: exposed.port };
  return null;
}

/**
 * True if a process of the run listens on this TCP port. The child's "listening" message is the learner's own
 * process talking, and any code can send one: the proxy only follows it to a port the run really holds. Without
 * /proc there is nothing to check against, and the message is taken as it is (README: what needs Linux).
 */
export async function runHoldsPort(rootPid: number, port: number): Promise<boolean> {
  if (!hasProc) return true;
  const sockets = await boundSockets(await descendants(rootPid));
  return sockets.some((s) => s.protocol === 'tcp' && s.port === port);
}

export function describeViolation(v: Violation): string {
  const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
  switch (v.kind) {
    case 'memory':
      return `the run used ${mb(v.bytes)} of memory (all its processes together; the limit is ${mb(v.limit)}), so it was stopped.`;
    case 'processes':
      return `the run had ${v.count} processes at once (the limit is ${v.limit}), so it was stopped.`;
    case 'address':
      return (
        `the run listened on ${v.address}:${v.port} (${v.protocol.toUpperCase()}), an address other ` +
        `machines can reach; runs may listen on loopback (127.0.0.1) only, so it was stopped.`
      );
  }
}
