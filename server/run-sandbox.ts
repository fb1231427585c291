/**
 * How a run's processes are started so that all of them end with it, whatever the learner's code does.
 *
 * A run must be a unit: a server.js may spawn children that keep its stdout, start a new session with `setsid`,
 * double-fork to hide from its parent, ignore SIGTERM, or block its own event loop so that no JavaScript in it can
 * react to anything. So ending a run never relies on the learner's process cooperating, nor on the backend being
 * alive to clean up. The strongest way the system offers is picked once, at start-up:
 *
 * - `pid-namespace` (Linux with util-linux, as root or with unprivileged user namespaces, e.g. Debian, Fedora, Arch):
 *   `setpriv --pdeathsig SIGKILL -- unshare --map-current-user --pid --kill-child=SIGKILL -- node …`. The learner's
 *   node is process 1 of a new PID namespace, and the kernel kills every process of a namespace when its first
 *   process dies: nothing can leave it, however it forks or renames itself, and inside it no process can see or
 *   signal the backend. `--pdeathsig` makes the kernel kill `unshare` when the backend dies, even by SIGKILL, and
 *   `--kill-child` then kills the namespace.
 * - `process-group` (other Unix systems, or Linux where namespaces are refused, e.g. Ubuntu ≥ 24.04's AppArmor
 *   restriction): the child leads its own process group, and ending a run kills the group. A process that moves
 *   itself into another group or session escapes it; the README says so.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export type SandboxKind = 'pid-namespace' | 'process-group';

export interface Sandbox {
  kind: SandboxKind;
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess;
  /** Ask the learner's process to end, as Stop in a terminal would. */
  terminate(child: ChildProcess): Promise<void>;
  /** End every process of the run now. */
  kill(child: ChildProcess): void;
}

const NAMESPACE_PREFIXES = [
  ['setpriv', '--pdeathsig', 'SIGKILL', '--', 'unshare', '--map-current-user', '--pid', '--kill-child=SIGKILL', '--'],
  // Root on a kernel without user namespaces can still make a PID namespace.
  ['setpriv', '--pdeathsig', 'SIGKILL', '--', 'unshare', '--pid', '--kill-child=SIGKILL', '--'],
];

/** The first way of starting a process in its own PID namespace that works here, tried with a process that exits. */
function probeNamespace(): string[] | null {
  if (process.platform !== 'linux' || process.env.PUSHLAB_SANDBOX === 'process-group') return null;
  for (const prefix of NAMESPACE_PREFIXES) {
    const [command, ...args] = prefix as [string, ...string[]];
    // A generous bound: on a machine busy starting browsers and backends at once, starting node can take seconds,
    // and falling back to a process group for that reason would weaken every run of this backend.
    const probe = spawnSync(command, [...args, process.execPath, '-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    // Process 1 is what a new PID namespace's first process sees itself as.
    if (probe.status === 0 && probe.stdout === '1') return prefix;
  }
  return null;
}

/** The learner's node inside the namespace: the child of `unshare`, as the kernel lists it. */
async function innerPid(child: ChildProcess): Promise<number | undefined> {
  const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').catch(() => '');
  const first = children.trim().split(' ')[0];
  return first ? Number(first) : undefined;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

export function createSandbox(): Sandbox {
  const prefix = probeNamespace();
  if (prefix) {
    const [command, ...prefixArgs] = prefix as [string, ...string[]];
    return {
      kind: 'pid-namespace',
      // detached: a session and process group of its own. A PID namespace does not separate process groups: without
      // this, the learner's `process.kill(0, …)` (its parent pid is 0 in the namespace) would signal the backend's
      // group, the backend and whatever started it included.
      spawn: (program, args, options) => spawn(command, [...prefixArgs, program, ...args], { ...options, detached: true }),
      async terminate(child) {
        // `unshare` does not pass SIGTERM on, so it goes to the learner's node itself. As a namespace's process 1 it
        // only receives signals it has a handler for: the preload installs one that ends it as SIGTERM would.
        const pid = await innerPid(child);
        if (pid === undefined) return;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      },
      kill(child) {
        child.kill('SIGKILL'); // unshare dies, --kill-child kills process 1, the kernel kills the rest
      },
    };
  }
  return {
    kind: 'process-group',
    spawn: (program, args, options) => spawn(program, args, { ...options, detached: true }),
    async terminate(child) {
      signalGroup(child, 'SIGTERM');
    },
    kill(child) {
      signalGroup(child, 'SIGKILL');
    },
  };
}
