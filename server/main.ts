/**
 * `npm start` (after the build) or `tsx server/main.ts [--port n] [--host h] [--no-exec] [--allow-origin url]`.
 * Prints `Pushlab: <url>` once listening (tests read that line); Ctrl+C or SIGTERM ends every child and exits 0.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createBackend } from './backend.js';
import { chatConfig, createChatMount } from './chat/mount.js';
import { OptionsError, parseOptions } from './options.js';

const root = resolve(import.meta.dirname, '..');

function fail(message: string): never {
  console.error(`Pushlab: ${message}`);
  process.exit(1);
}

let options;
try {
  options = parseOptions(process.argv.slice(2), process.env, {
    distDir: join(root, 'dist'),
    lessonsDir: join(root, 'src', 'lessons'),
    nodeModulesDir: join(root, 'node_modules'),
  });
} catch (err) {
  if (err instanceof OptionsError) fail(err.message);
  throw err;
}

const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const backend = await createBackend(options, join(import.meta.dirname, 'child', 'preload.cjs'), version);
try {
  backend.mount(
    await createChatMount({
      access: backend.access,
      allowOrigins: options.allowOrigins,
      distDir: options.distDir,
      config: chatConfig(process.env, root),
    }),
  );
} catch (err) {
  fail(`the chat could not start: ${(err as Error).message} (history: PUSHLAB_CHAT_DB, shared mode: REDIS_URL).`);
}

backend.server.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EADDRINUSE') {
    fail(`port ${options.port} on ${options.host} is already in use (is Pushlab already running?). ` +
      `Start on another one with --port <n> or PUSHLAB_PORT=<n>.`);
  }
  if (err.code === 'EACCES') fail(`no permission to listen on port ${options.port}; use a port above 1023.`);
  if (err.code === 'EADDRNOTAVAIL') fail(`this machine has no address ${options.host}.`);
  fail(err.message);
});

backend.framesServer?.on('error', (err: Error) => fail(`the run frames' port could not open: ${err.message}`));

backend.server.listen(options.port, options.host, () => {
  // The run frames' port (server/frame-origin.ts): any free one on the same host, open before the page is announced.
  if (backend.framesServer) backend.framesServer.listen(0, options.host, () => announce());
  else announce();
});

function announce(exec = backend.meta.exec): void {
  const address = backend.server.address();
  if (address === null || typeof address === 'string') return;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  console.log(`Pushlab: http://${host}:${address.port}/`);
  if (!exec) console.log('Pushlab: --no-exec: only the lessons\' shipped server files run.');
  if (backend.runs.sandbox.kind === 'process-group') {
    console.log(
      'Pushlab: this system gives no PID namespaces (Linux with util-linux and user namespaces does), so each run ' +
        'is kept in a process group: a run that moves its processes to another group can outlive it (README: Safety).',
    );
  }
}

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // A child that ignores SIGTERM gets SIGKILL after a grace period (runs.ts); this is the backstop for all of it.
  setTimeout(() => process.exit(1), 10_000).unref();
  await backend.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
// However the backend ends (an uncaught error, the 10 s backstop above), no run outlives it; on SIGKILL the sandbox's
// parent-death signal does the same (run-sandbox.ts).
process.on('exit', () => backend.runs.killAll());
process.on('SIGTERM', () => void shutdown());
