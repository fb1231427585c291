/**
 * What the kernel knows about a run's processes, read from Linux's /proc: which processes descend from the run's root,
 * how much memory they hold, and which sockets they listen on. The backend trusts nothing the learner's process says
 * about itself (an IPC message, a pid it prints); it looks here instead.
 *
 * Everything here answers "nothing" on a system without /proc (macOS, Windows): the README says which guarantees
 * need Linux.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export const hasProc = await readFile('/proc/self/stat', 'utf8').then(
  () => true,
  () => false,
);

/** The pids of `root` and all its descendants, through every thread's children list (Linux ≥ 3.5). */
export async function descendants(root: number): Promise<number[]> {
  if (!hasProc) return [];
  const seen = new Set<number>();
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.pop()!;
    if (seen.has(pid)) continue;
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => null);
    if (!tasks) continue; // gone between two reads
    seen.add(pid);
    for (const tid of tasks) {
      const children = await readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '');
      for (const child of children.split(' ')) if (child.trim()) queue.push(Number(child));
    }
  }
  return [...seen];
}

const PAGE_SIZE = 4096;

/** Resident memory of these processes, in bytes (statm's second field, in pages). */
export async function residentBytes(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) {
    const statm = await readFile(`/proc/${pid}/statm`, 'utf8').catch(() => '');
    total += (Number(statm.split(' ')[1]) || 0) * PAGE_SIZE;
  }
  return total;
}

/** How many files these processes hold open, counted from /proc/<pid>/fd without opening any of them. */
export async function openFiles(pids: number[]): Promise<number> {
  let total = 0;
  for (const pid of pids) total += (await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])).length;
  return total;
}

/** The socket inodes these processes hold open: how a socket in /proc/net/* is tied to its owner. */
async function socketInodes(pids: number[]): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) inodes.add(m[1]!);
    }
  }
  return inodes;
}

export interface BoundSocket {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  loopback: boolean;
}

/** /proc/net/tcp6 writes an address as four 32-bit words, each in the host's (little-endian) byte order. */
function decodeAddress(hex: string): { address: string; loopback: boolean } {
  if (hex.length === 8) {
    const bytes = [0, 1, 2, 3].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).reverse();
    return { address: bytes.join('.'), loopback: bytes[0] === 127 };
  }
  const words = [0, 1, 2, 3].map((w) => hex.slice(w * 8, w * 8 + 8).match(/../g)!.reverse().join(''));
  const full = words.join('').toLowerCase();
  const groups = full.match(/..../g)!.map((g) => parseInt(g, 16).toString(16));
  const address = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  const v4mapped = full.startsWith('00000000000000000000ffff');
  const loopback = full === '00000000000000000000000000000001' || (v4mapped && full.slice(24, 26) === '7f');
  return { address, loopback };
}

const LISTEN = '0A';
const UNCONNECTED_REMOTE = /^0+:0000$/;

/**
 * The sockets these processes accept traffic on: TCP sockets in LISTEN, and UDP sockets bound but connected to no
 * peer (a connected UDP socket, such as a DNS lookup's, only talks to that peer).
 */
export async function boundSockets(pids: number[]): Promise<BoundSocket[]> {
  if (!hasProc || pids.length === 0) return [];
  const inodes = await socketInodes(pids);
  if (inodes.size === 0) return [];
  const found: BoundSocket[] = [];
  for (const [protocol, file] of [
    ['tcp', 'tcp'],
    ['tcp', 'tcp6'],
    ['udp', 'udp'],
    ['udp', 'udp6'],
  ] as const) {
    const table = await readFile(`/proc/net/${file}`, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      const [localHex, portHex] = f[1]!.split(':') as [string, string];
      if (protocol === 'tcp' ? f[3] !== LISTEN : !UNCONNECTED_REMOTE.test(f[2]!)) continue;
      found.push({ protocol, ...decodeAddress(localHex), port: parseInt(portHex, 16) });
    }
  }
  return found;
}
