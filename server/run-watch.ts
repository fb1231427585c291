/**
 * Limits of a run that no single process enforces by itself: the memory of the whole process tree (V8's
 * --max-old-space-size sees neither Buffers nor other programs a run spawns), how many processes it has, and where
 * they listen. Sampled from /proc a few times a second; a run over a limit is ended with the reason in its console.
 *
 * Sampling lets a burst go over a limit for one interval; the PID namespace (run-sandbox.ts) makes the end of the run
 * atomic however many processes it made by then.
 */
import type { LimitViolation } from '../src/shared/backend-api.js';
import { boundSockets, descendants, hasProc, openFiles, residentBytes, type BoundSocket } from './process-tree.js';

export interface RunLimits {
  /** Resident memory of every process of the run together. */
  memoryBytes: number;
  /** Processes of the run, its own node and the sandbox's helpers included. */
  processes: number;
  /** Files (sockets included) all its processes hold open together. */
  files: number;
}

export type Violation = LimitViolation;

/** Memory and process count: cheap to read, so often. */
const INTERVAL_MS = 100;
/**
 * Open files and sockets: reading every descriptor's link costs time in proportion to how many there are, so this
 * runs on its own, slower loop and never holds the memory check back; and a run may hold only so many files, or a
 * flood of them could make each scan take seconds.
 */
const SOCKET_INTERVAL_MS = 250;

/**
 * Starts sampling the tree under `rootPid`; calls `onViolation` once, then stops. `onSockets` gets what the run
 * listens on after each socket scan. Returns the function that stops.
 */
export function watchRun(
  rootPid: number,
  limits: RunLimits,
  onViolation: (v: Violation) => void,
  onSockets: (sockets: BoundSocket[]) => void = () => {},
): () => void {
  if (!hasProc) return () => {};
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  const violated = (v: Violation) => {
    if (stopped) return;
    stopped = true;
    onViolation(v);
  };
  const loop = (interval: number, check: (pids: number[]) => Promise<Violation | null>) => {
    const sample = async () => {
      const pids = await descendants(rootPid);
      if (stopped || pids.length === 0) return;
      const violation = await check(pids);
      if (stopped) return;
      if (violation) return violated(violation);
      const timer = setTimeout(() => void sample(), interval);
      timer.unref();
      timers[interval === INTERVAL_MS ? 0 : 1] = timer;
    };
    void sample();
  };
  loop(INTERVAL_MS, async (pids) => {
    if (pids.length > limits.processes) return { kind: 'processes', count: pids.length, limit: limits.processes };
    const bytes = await residentBytes(pids);
    if (bytes > limits.memoryBytes) return { kind: 'memory', bytes, limit: limits.memoryBytes };
    return null;
  });
  loop(SOCKET_INTERVAL_MS, async (pids) => {
    const files = await openFiles(pids);
    if (files > limits.files) return { kind: 'files', count: files, limit: limits.files };
    const sockets = await boundSockets(pids);
    const exposed = sockets.find((s) => !s.loopback);
    if (exposed) return { kind: 'address', protocol: exposed.protocol, address: exposed.address, port: exposed.port };
    onSockets(sockets);
    return null;
  });
  return () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
  };
}

/**
 * True if a process of the run listens on this TCP port. The child's "listening" message is the learner's own
 * process talking, and any code can send one: the proxy only follows it to a port the run really holds. Without
 * /proc there is nothing to check against, and the message is taken as it is (README: what needs Linux).
 */
export async function heldListener(rootPid: number, port: number): Promise<BoundSocket | undefined | 'unknown'> {
  if (!hasProc) return 'unknown';
  const sockets = await boundSockets(await descendants(rootPid));
  return sockets.find((s) => s.protocol === 'tcp' && s.port === port && s.loopback);
}

export function describeViolation(v: Violation): string {
  const mb = (n: number) => `${Math.round(n / (1024 * 1024))} MB`;
  switch (v.kind) {
    case 'memory':
      return `the run used ${mb(v.bytes)} of memory (all its processes together; the limit is ${mb(v.limit)}), so it was stopped.`;
    case 'processes':
      return `the run had ${v.count} processes at once (the limit is ${v.limit}), so it was stopped.`;
    case 'files':
      return `the run held ${v.count} files open at once (the limit is ${v.limit}), so it was stopped.`;
    case 'address':
      return (
        `the run listened on ${v.address}:${v.port} (${v.protocol.toUpperCase()}), an address other ` +
        `machines can reach; runs may listen on loopback (127.0.0.1) only, so it was stopped.`
      );
  }
}
