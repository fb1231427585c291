/**
 * Test support: the backend as a real process on a free port, and a reader for its SSE log stream.
 * Node 20 has no EventSource, so the log is read with fetch and parsed by eventsource-parser (the spec's algorithm).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createParser } from 'eventsource-parser';

const root = resolve(import.meta.dirname, '..', '..');
export const fixtures = join(import.meta.dirname, 'fixtures');

export interface BackendProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** The token as a page gets it: from the <meta name="pushlab-backend"> of the served index.html. */
  meta(): Promise<{ token: string; exec: boolean; version: string; frames?: string }>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Run `server/main.ts` with tsx; resolves at the `Pushlab: <url>` line, rejects if the process exits first. */
export function spawnBackend(args: string[] = [], env: Record<string, string> = {}): Promise<BackendProcess> {
  const port = args.includes('--port') ? [] : ['--port', '0'];
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts'), ...port, ...args], {
    cwd: root,
    env: {
      ...process.env,
      PUSHLAB_DIST_DIR: join(fixtures, 'site'),
      PUSHLAB_LESSONS_DIR: join(fixtures, 'lessons'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Pushlab: (http:\/\/\S+?:(\d+)\/)/.exec(output);
      if (!m) return;
      proc.stdout.off('data', onData);
      proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
      const url = m[1]!;
      let stopping = false;
      // A backend that dies under a test shows up there only as refused connections; say why, with what it printed.
      // 'close', not 'exit': the streams' last output (the crash's stack) may still be on its way at 'exit'.
      proc.once('close', (code, signal) => {
        if (!stopping && !proc.killed) console.error(`the backend exited (${code ?? signal}) while a test used it; it printed:\n${output}`);
      });
      resolvePromise({
        url,
        port: Number(m[2]),
        proc,
        output: () => output,
        async meta() {
          const html = await (await fetch(url)).text();
          const content = /<meta name="pushlab-backend" content="([^"]*)">/.exec(html)?.[1];
          if (!content) throw new Error(`no pushlab-backend meta in ${html}`);
          return JSON.parse(content.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
        },
        async stop() {
          stopping = true;
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          return exited;
        },
      });
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then((code) => reject(new Error(`backend exited with ${code} before listening:\n${output}`)));
  });
}

/** Run the backend to completion (for flags that make it refuse to start). */
export function runBackendToExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, PUSHLAB_DIST_DIR: join(fixtures, 'site'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((res) => proc.on('exit', (code) => res({ code, output })));
}

export interface LogEvent {
  type: string;
  id: string | undefined;
  data: Record<string, unknown>;
}

/**
 * Follow a run's log stream. `next(type)` resolves with the next event of that type (events are queued, none is lost);
 * `close()` drops the connection, as a closed page would.
 */
export function openLog(url: string, runId: string, token: string) {
  const controller = new AbortController();
  const events: LogEvent[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const notify = () => waiters.splice(0).forEach((w) => w());
  const ready = (async () => {
    const res = await fetch(`${url}__pushlab/runs/${runId}/log?token=${encodeURIComponent(token)}`, {
      signal: controller.signal,
    });
    if (res.status !== 200 || !res.body) throw new Error(`log stream answered ${res.status}`);
    const parser = createParser({
      onEvent(e) {
        events.push({ type: e.event ?? 'message', id: e.id, data: JSON.parse(e.data) as Record<string, unknown> });
        notify();
      },
    });
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // aborted by close()
      }
      ended = true;
      notify();
    })();
  })();
  // Events handed out by next(): each is returned once, and types are matched independently (stdout and 'listening'
  // travel on different pipes from the child, so their relative order is not fixed).
  const taken = new Set<LogEvent>();
  return {
    ready,
    events,
    /** Resolves once the stream has ended (after 'exit', the backend ends it). */
    async ended(): Promise<void> {
      while (!ended) await new Promise<void>((r) => waiters.push(r));
    },
    /**
     * The first event not yet taken of the given type (and with the given text if one is named); waits for it, and
     * rejects if the stream ends first.
     */
    async next(type: string, text?: string): Promise<LogEvent> {
      await ready;
      for (;;) {
        const event = events.find((e) => !taken.has(e) && e.type === type && (text === undefined || e.data.text === text));
        if (event) {
          taken.add(event);
          return event;
        }
        if (ended) throw new Error(`log stream ended before a '${type}' event; got ${JSON.stringify(events)}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
    close() {
      controller.abort();
    },
  };
}

export async function startRun(
  url: string,
  body: { pageId: string; lessonId: string; files: Record<string, string> },
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(`${url}__pushlab/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/**
 * A port for a learner's server in a test. Below Linux's range for outgoing connections' local ports (32768–60999),
 * where a busy machine's own connections would otherwise take it now and then; a port that is taken anyway still
 * works, moved behind the scenes (preload.cjs), and a test that must find the server reads `actualPort`.
 */
export function learnerPort(): number {
  return 20_000 + Math.floor(Math.random() * 10_000);
}

/** True if something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((res) => {
    import('node:net').then(({ connect }) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        res(true);
      });
      socket.once('error', () => res(false));
    });
  });
}

/**
 * Pids of the learner processes a backend started (Linux /proc: its children that run the preload): how a test sees
 * that nothing was started. (tsx's esbuild service is a child too, hence the command-line filter.)
 */
export async function learnerPids(pid: number): Promise<number[]> {
  const { readdir, readFile } = await import('node:fs/promises');
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 is the parent pid; the command name (field 2) is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) !== pid || fields[0] === 'Z') continue; // a zombie has ended, only not yet reaped
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('preload.cjs')) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Start a run of `code` for `pageId` on a backend and open its log, as a page does; throws unless the backend took it.
 * The run's id and its log come back.
 */
export async function runOn(url: string, token: string, pageId: string, code: string) {
  const res = await startRun(url, { pageId, lessonId: 'lesson', files: { 'server.js': code } }, { 'x-pushlab-token': token });
  if (res.status !== 201) throw new Error(`the backend answered ${res.status}: ${await res.text()}`);
  const { runId } = (await res.json()) as { runId: string };
  const log = openLog(url, runId, token);
  await log.ready;
  return { runId, log };
}

/** A TCP port free on 127.0.0.1 a moment ago: asked of the kernel, never guessed. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
