/**
 * The backend's settings, from the command line first and the environment second. Parsing is separate from starting so
 * that a bad flag is reported before anything listens.
 */
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';

export interface BackendOptions {
  port: number;
  host: string;
  /** false: only the lessons' shipped server.js files run (a shared deployment). */
  exec: boolean;
  /** Origins of pages built elsewhere (with VITE_PUSHLAB_BACKEND) that may use this backend, besides its own. */
  allowOrigins: string[];
  /** The built site (vite's dist/). */
  distDir: string;
  /** Where the shipped lessons live: <lessonsDir>/<id>/server.js. */
  lessonsDir: string;
  /** The project's node_modules: what a learner's require('ws') / require('socket.io') resolves to. */
  nodeModulesDir: string;
  /** A child with no output and no proxied traffic for this long is ended. */
  idleMs: number;
  /** After the page's log stream goes away (page closed), how long to wait for it to come back before ending the child. */
  detachGraceMs: number;
  /** A run whose log stream never connects is ended after this long (a page that posted Run and vanished). */
  attachTimeoutMs: number;
  /** V8 old-space limit of each child, in MB. */
  childMemoryMb: number;
  /** Resident memory of all of a run's processes together, in MB (run-watch.ts). */
  runMemoryMb: number;
  /** Processes one run may have at once. */
  runProcesses: number;
  /** Files all of one run's processes may hold open together. */
  runFiles: number;
  maxChildren: number;
}

export class OptionsError extends Error {}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  if (LOOPBACK_NAMES.has(host.toLowerCase())) return true;
  // The whole 127.0.0.0/8 block is loopback (RFC 1122 §3.2.1.3).
  return isIP(host) === 4 && host.startsWith('127.');
}

function intSetting(name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new OptionsError(`${name} must be a whole number ≥ ${min}, not "${raw}".`);
  return n;
}

export function parseOptions(
  argv: string[],
  env: NodeJS.ProcessEnv,
  defaults: { distDir: string; lessonsDir: string; nodeModulesDir: string },
): BackendOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'no-exec': { type: 'boolean' },
        'allow-origin': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new OptionsError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) throw new OptionsError(USAGE);

  const port = intSetting('--port', v.port ?? env.PUSHLAB_PORT, 7780);
  if (port > 65535) throw new OptionsError(`--port must be between 0 and 65535, not ${port}.`);
  const host = v.host ?? env.PUSHLAB_HOST ?? '127.0.0.1';
  const exec = !(v['no-exec'] === true || env.PUSHLAB_NO_EXEC === '1' || env.PUSHLAB_NO_EXEC === 'true');

  // Anyone who can reach a backend that executes code can run anything as this user; so the network only ever sees a
  // backend that runs the shipped lessons.
  if (!isLoopbackHost(host) && exec) {
    throw new OptionsError(
      `Refusing to listen on ${host} with code execution on: anyone on the network could run programs on this machine. ` +
        `Use --host 127.0.0.1 (the default), or add --no-exec to serve only the lessons' shipped server files.`,
    );
  }

  const allowOrigins = [
    ...(v['allow-origin'] ?? []),
    ...(env.PUSHLAB_ALLOW_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
  ].map((o) => {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new OptionsError(`--allow-origin "${o}" is not an origin such as https://example.org`);
    }
    return url.origin;
  });

  return {
    port,
    host,
    exec,
    allowOrigins,
    distDir: env.PUSHLAB_DIST_DIR || defaults.distDir,
    lessonsDir: env.PUSHLAB_LESSONS_DIR || defaults.lessonsDir,
    nodeModulesDir: defaults.nodeModulesDir,
    idleMs: intSetting('PUSHLAB_IDLE_MS', env.PUSHLAB_IDLE_MS, 10 * 60_000, 1),
    detachGraceMs: intSetting('PUSHLAB_DETACH_GRACE_MS', env.PUSHLAB_DETACH_GRACE_MS, 5_000),
    attachTimeoutMs: intSetting('PUSHLAB_ATTACH_TIMEOUT_MS', env.PUSHLAB_ATTACH_TIMEOUT_MS, 20_000, 1),
    childMemoryMb: intSetting('PUSHLAB_CHILD_MEMORY_MB', env.PUSHLAB_CHILD_MEMORY_MB, 256, 16),
    runMemoryMb: intSetting('PUSHLAB_RUN_MEMORY_MB', env.PUSHLAB_RUN_MEMORY_MB, 512, 32),
    runProcesses: intSetting('PUSHLAB_RUN_PROCESSES', env.PUSHLAB_RUN_PROCESSES, 32, 2),
    runFiles: intSetting('PUSHLAB_RUN_FILES', env.PUSHLAB_RUN_FILES, 4096, 64),
    maxChildren: intSetting('PUSHLAB_MAX_CHILDREN', env.PUSHLAB_MAX_CHILDREN, 16, 1),
  };
}

export const USAGE = `Usage: npm start -- [options]   (or: tsx server/main.ts [options])

  --port <n>             port to listen on (default 7780, env PUSHLAB_PORT; 0 picks a free one)
  --host <host>          address to bind (default 127.0.0.1, env PUSHLAB_HOST); other than loopback needs --no-exec
  --no-exec              run only the lessons' shipped server files, never code a page sends (env PUSHLAB_NO_EXEC=1)
  --allow-origin <url>   also accept pages from this origin, e.g. a static host built with VITE_PUSHLAB_BACKEND
                         (repeatable; env PUSHLAB_ALLOW_ORIGINS, comma-separated)`;
