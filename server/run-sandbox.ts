/**
 * How a run's processes are started so that all of them end with it, whatever the learner's code does.
 *
 * A run must be a unit: a server.js may spawn children that keep its stdout, start a new session with `setsid`,
 * double-fork to hide from its parent, ignore SIGTERM, or block its own event loop so that no JavaScript in it can
 * react to anything. So ending a run never relies on the learner's process cooperating, nor on the backend being
 * alive to clean up. The strongest way the system offers is picked once, at start-up:
 *
 * - `pid-namespace` (Linux with util-linux, as root or with unprivileged user namespaces, e.g. Debian, Fedora, Arch):
 *   `setpriv --pdeathsig SIGKILL -- unshare --map-current-user --pid --kill-child=SIGKILL -- sh -c '"$@" & wait $!'
 *   pushlab-init node …` (with `--mount-proc` where allowed, so /proc lists the run's processes only). The kernel kills every process of a PID namespace when its first process dies, so nothing
 *   can leave it, however it forks or renames itself, and inside it no process can signal the backend. That first
 *   process is a shell of ours, not the learner's node: a process can clear its own parent-death signal (a shared
 *   library loaded with process.dlopen can call prctl), and the namespace's first process must keep the one
 *   `--kill-child` gives it. The shell waits for node and ends with its status; as a namespace's process 1 it
 *   ignores every signal from inside. `--pdeathsig` makes the kernel kill `unshare` when the backend dies, even by
 *   SIGKILL, `--kill-child` then kills the shell, and the kernel the rest; the backend also kills the shell itself.
 * - `process-group` (other Unix systems, or Linux where namespaces are refused, e.g. Ubuntu ≥ 24.04's AppArmor
 *   restriction): the child leads its own process group, and ending a run kills the group. A process that moves
 *   itself into another group or session escapes it; the README says so.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type SandboxKind = 'pid-namespace' | 'process-group';

export interface Sandbox {
  kind: SandboxKind;
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcess;
  /** Ask the learner's process to end, as Stop in a terminal would. */
  terminate(child: ChildProcess): Promise<void>;
  /** End every process of the run now. */
  kill(child: ChildProcess): void;
}

/** Process 1 of the namespace: starts the program, waits for it, and ends with its status (128 + n for signal n). */
const INIT = ['/bin/sh', '-c', '"$@" & wait $!', 'pushlab-init'];

const NAMESPACE_PREFIXES = [
  // With a /proc of its own (--mount-proc, in a mount namespace of its own): the run sees its own processes only, not
  // the backend, the browser or anything else this user runs, nor their command lines.
  ['setpriv', '--pdeathsig', 'SIGKILL', '--', 'unshare', '--map-current-user', '--pid', '--mount-proc', '--kill-child=SIGKILL', '--', ...INIT],
  ['setpriv', '--pdeathsig', 'SIGKILL', '--', 'unshare', '--pid', '--mount-proc', '--kill-child=SIGKILL', '--', ...INIT],
  ['setpriv', '--pdeathsig', 'SIGKILL', '--', 'unshare', '--map-current-user', '--pid', '--kill-child=SIGKILL', '--', ...INIT],
  // Root on a kernel without user namespaces can still make a PID namespace.
  ['setpriv', '--pdeathsig', 'SIGKILL', '--', 'unshare', '--pid', '--kill-child=SIGKILL', '--', ...INIT],
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
    // The program is process 2 of a new PID namespace, after the shell that waits for it.
    if (probe.status === 0 && probe.stdout === '2') return prefix;
  }
  return null;
}

/** A process as the kernel knows it at one moment: its pid and start time, so that a reused pid is not mistaken for it. */
interface ProcessMark {
  pid: number;
  start: string;
}

function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]; // field 22, starttime
  } catch {
    return undefined;
  }
}

/** The namespace's process 1 (our shell): the child of `unshare`, as the kernel lists it. */
function initOf(child: ChildProcess): ProcessMark | undefined {
  try {
    const first = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0];
    const pid = Number(first);
    const start = first ? startTime(pid) : undefined;
    return start ? { pid, start } : undefined;
  } catch {
    return undefined;
  }
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
    const inits = new WeakMap<ChildProcess, ProcessMark>();
    /** The shell is there a moment after the spawn; note it as soon as it is, while `unshare` still holds it. */
    const noteInit = (child: ChildProcess, triesLeft = 200) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const mark = initOf(child);
      if (mark) inits.set(child, mark);
      else if (triesLeft > 0) setTimeout(() => noteInit(child, triesLeft - 1), 5).unref();
    };
    return {
      kind: 'pid-namespace',
      spawn(program, args, options) {
        // detached: a session and process group of its own. A PID namespace does not separate process groups:
        // without this, the learner's `process.kill(0, …)` would signal the backend's group, the backend and whatever
        // started it included.
        const child = spawn(command, [...prefixArgs, program, ...args], { ...options, detached: true });
        noteInit(child);
        return child;
      },
      async terminate(child) {
        // As Ctrl+C does in a terminal, to the run's process group: `unshare` ignores it, the shell (process 1 of
        // the namespace) is immune to it, the learner's node ends unless it says otherwise.
        signalGroup(child, 'SIGTERM');
      },
      kill(child) {
        // The shell first: its death ends the namespace whatever the processes in it did to themselves.
        const init = inits.get(child) ?? initOf(child);
        if (init && startTime(init.pid) === init.start) {
          try {
            process.kill(init.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        child.kill('SIGKILL');
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
