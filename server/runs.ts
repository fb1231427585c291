/**
 * Runs of a learner's server.js in real Node: one child process per page, its output kept as an ordered list of events
 * that log streams replay and follow.
 *
 * Life of a run: start (ends the page's previous child first, so its port is free again) → the page opens the log
 * stream → output, 'listening' for each port → 'exit'. A child ends on Stop, on a new Run from the same page, when the
 * page's log stream goes away and does not come back (the page closed), when it has been idle too long, or when the
 * backend shuts down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export type RunEventType = 'stdout' | 'stderr' | 'listening' | 'exit';

/** Why the backend ended a child, when it was the backend that did. */
export type EndReason = 'stopped' | 'replaced' | 'page-closed' | 'idle' | 'shutdown';

export type RunEventData =
  | { type: 'stdout' | 'stderr'; text: string; time: number }
  | { type: 'listening'; port: number; address: string; http: boolean; time: number }
  | { type: 'exit'; code: number | null; signal: string | null; reason: EndReason | null; time: number };

export type RunEvent = RunEventData & { id: number };

export interface ListeningPort {
  port: number;
  address: string;
  http: boolean;
}

export interface RunSettings {
  preloadPath: string;
  nodeModulesDir: string;
  idleMs: number;
  detachGraceMs: number;
  attachTimeoutMs: number;
  childMemoryMb: number;
}

/** Events kept per run for a log stream that connects late or reconnects; a flood drops the oldest. */
const MAX_KEPT_EVENTS = 5_000;
/** A log line longer than this is cut into pieces, so one endless line cannot grow without bound. */
const MAX_LINE = 16 * 1024;
/** How long a child gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** How long an ended run's events stay for a late reader. */
const KEEP_ENDED_MS = 60_000;

export class Run {
  readonly id = randomBytes(12).toString('base64url');
  readonly startedAt = performance.now();
  readonly ports: ListeningPort[] = [];
  private readonly events: RunEvent[] = [];
  private nextId = 1;
  private readonly subscribers = new Set<(event: RunEvent) => void>();
  private everAttached = false;
  private holds = 0;
  private endReason: EndReason | null = null;
  private exitInfo: { code: number | null; signal: string | null } | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private detachTimer: NodeJS.Timeout | undefined;
  readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(
    readonly pageId: string,
    readonly lessonId: string,
    private readonly child: ChildProcess,
    private readonly settings: RunSettings,
    /** The child's temp dir: cut from output so a stack says `server.js:2:28`, as the learner's file is named. */
    private readonly dir: string,
    onEnded: (run: Run) => void,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.pipeLines(child.stdout, 'stdout');
    this.pipeLines(child.stderr, 'stderr');
    child.on('message', (message: unknown) => {
      if (!isListeningMessage(message)) return;
      const port = { port: message.port, address: message.address, http: message.http };
      this.ports.push(port);
      this.push({ type: 'listening', ...port, time: this.now() });
    });
    child.on('error', (err) => {
      // spawn failed (node missing?) or a signal could not be sent; say so in the run's own console.
      this.push({ type: 'stderr', text: `[pushlab] ${err.message}`, time: this.now() });
    });
    // 'close' rather than 'exit': it fires after stdout/stderr have been read to the end, so 'exit' is the last event.
    child.on('close', (code, signal) => {
      this.exitInfo = { code, signal };
      clearTimeout(this.idleTimer);
      clearTimeout(this.detachTimer);
      this.push({ type: 'exit', code, signal, reason: this.endReason, time: this.now() });
      this.markExited();
      onEnded(this);
    });
    this.touch();
    // A page that asked for a run but never opened its log stream is gone: don't leave its server running.
    this.detachTimer = setTimeout(() => {
      if (!this.everAttached) void this.end('page-closed');
    }, settings.attachTimeoutMs);
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  /** Its page has gone (its log stream closed) and it is only waiting out the grace for a reconnecting stream. */
  get detached(): boolean {
    return this.running && this.everAttached && this.subscribers.size === 0;
  }

  /** The port the page's relative URLs go to: the first HTTP server the child started. */
  get httpPort(): ListeningPort | undefined {
    return this.ports.find((p) => p.http) ?? this.ports[0];
  }

  /** Output or traffic: the child is in use; push the idle deadline back. */
  touch(): void {
    if (!this.running) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.end('idle'), this.settings.idleMs);
    this.idleTimer.unref();
  }

  /**
   * Follow the run's events: those after `afterId` (Last-Event-ID of a reconnecting EventSource) are replayed first.
   * Returns the function that unsubscribes.
   */
  subscribe(afterId: number, listener: (event: RunEvent) => void): () => void {
    for (const event of this.events) if (event.id > afterId) listener(event);
    this.subscribers.add(listener);
    this.everAttached = true;
    clearTimeout(this.detachTimer);
    return () => {
      if (!this.subscribers.delete(listener)) return;
      if (this.subscribers.size > 0 || !this.running) return;
      // EventSource reconnects by itself after a network blip; only a stream that stays away means the page closed.
      clearTimeout(this.detachTimer);
      this.detachTimer = setTimeout(() => {
        if (this.subscribers.size === 0) void this.end('page-closed');
      }, this.settings.detachGraceMs);
    };
  }

  /**
   * A log stream that cannot keep up holds the child's output back: its pipe fills and the learner's console.log
   * blocks, as it would with any slow reader in real Node, instead of the backend buffering a flood without bound.
   * Counted, since several streams may be behind at once.
   */
  holdOutput(): () => void {
    if (this.holds++ === 0) {
      this.child.stdout?.pause();
      this.child.stderr?.pause();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds === 0) {
        this.child.stdout?.resume();
        this.child.stderr?.resume();
      }
    };
  }

  /** End the child (SIGTERM, then SIGKILL if it lingers) and resolve once it has exited and its ports are free. */
  async end(reason: EndReason): Promise<void> {
    if (this.running) {
      this.endReason ??= reason;
      this.child.kill('SIGTERM');
      const force = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
      await this.exited;
      clearTimeout(force);
    }
    await this.exited;
  }

  private now(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  private push(data: RunEventData): void {
    const event = { ...data, id: this.nextId++ } as RunEvent;
    this.events.push(event);
    if (this.events.length > MAX_KEPT_EVENTS) this.events.splice(0, this.events.length - MAX_KEPT_EVENTS);
    for (const listener of this.subscribers) listener(event);
    if (data.type === 'stdout' || data.type === 'stderr') this.touch();
  }

  /** Split a child's stream into lines, sent as soon as each line is complete; a partial last line is sent at the end. */
  private pipeLines(stream: NodeJS.ReadableStream | null, type: 'stdout' | 'stderr'): void {
    if (!stream) return;
    const decoder = new StringDecoder('utf8'); // a multi-byte character (Chinese) may straddle two chunks
    let pending = '';
    const prefix = this.dir + sep;
    const emit = (text: string) => this.push({ type, text: text.split(prefix).join(''), time: this.now() });
    stream.on('data', (chunk: Buffer) => {
      pending += decoder.write(chunk);
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        emit(pending.slice(0, nl).replace(/\r$/, ''));
        pending = pending.slice(nl + 1);
      }
      while (pending.length > MAX_LINE) {
        emit(pending.slice(0, MAX_LINE));
        pending = pending.slice(MAX_LINE);
      }
    });
    stream.on('end', () => {
      pending += decoder.end();
      if (pending) emit(pending);
      pending = '';
    });
  }
}

function isListeningMessage(m: unknown): m is { port: number; address: string; http: boolean } {
  return typeof m === 'object' && m !== null && (m as { pushlab?: unknown }).pushlab === 'listening';
}

export class RunLimitError extends Error {}

export class RunManager {
  private readonly runs = new Map<string, Run>();
  private readonly byPage = new Map<string, Run>();
  /** Most recent first: a proxied request with no page hint goes to the newest run with a port. */
  private order: Run[] = [];
  private closing = false;
  private readonly starting = new Map<string, Promise<Run>>();

  constructor(
    private readonly settings: RunSettings,
    private readonly maxChildren: number,
  ) {}

  get(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  /** The live run whose server a proxied request should reach: the page's own if known, else the newest. */
  target(pageId: string | null): Run | undefined {
    if (pageId) {
      const run = this.byPage.get(pageId);
      if (run?.running) return run;
    }
    return this.order.find((r) => r.running && r.ports.length > 0) ?? this.order.find((r) => r.running);
  }

  get liveCount(): number {
    return this.order.filter((r) => r.running).length;
  }

  /** Starts for the same page are taken one at a time, or two quick Runs could leave two children for one page. */
  start(pageId: string, lessonId: string, code: string): Promise<Run> {
    const previous = this.starting.get(pageId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.startNow(pageId, lessonId, code));
    this.starting.set(pageId, next);
    void next.catch(() => {}).finally(() => {
      if (this.starting.get(pageId) === next) this.starting.delete(pageId);
    });
    return next;
  }

  private async startNow(pageId: string, lessonId: string, code: string): Promise<Run> {
    if (this.closing) throw new RunLimitError('The backend is shutting down.');
    // The page's previous child must be gone before the new one starts: the new server usually listens on the same port.
    // So must any child whose page has left and that only waits out its reconnect grace: lessons share ports (3000,
    // 8181), and a learner who closes a tab and runs in another would otherwise get EADDRINUSE for those seconds.
    const leftBehind = this.order.filter((r) => r.pageId !== pageId && r.detached);
    await Promise.all([this.byPage.get(pageId)?.end('replaced'), ...leftBehind.map((r) => r.end('page-closed'))]);
    if (this.liveCount >= this.maxChildren) {
      throw new RunLimitError(`Too many servers running at once (${this.maxChildren}); stop one first.`);
    }
    const dir = await mkdtemp(join(tmpdir(), 'pushlab-run-'));
    // The temp dir's own package.json pins CommonJS, whatever a parent folder says: lessons use require().
    await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}\n');
    await writeFile(join(dir, 'server.js'), code);
    const child = spawn(
      process.execPath,
      [`--max-old-space-size=${this.settings.childMemoryMb}`, '-r', this.settings.preloadPath, 'server.js'],
      { cwd: dir, env: childEnv(dir, this.settings.nodeModulesDir), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    const run = new Run(pageId, lessonId, child, this.settings, dir, (ended) => {
      void rm(dir, { recursive: true, force: true });
      setTimeout(() => {
        this.runs.delete(ended.id);
        this.order = this.order.filter((r) => r !== ended);
        if (this.byPage.get(ended.pageId) === ended) this.byPage.delete(ended.pageId);
      }, KEEP_ENDED_MS).unref();
    });
    this.runs.set(run.id, run);
    this.byPage.set(pageId, run);
    this.order.unshift(run);
    return run;
  }

  async closeAll(): Promise<void> {
    this.closing = true;
    await Promise.all(this.order.map((r) => r.end('shutdown')));
  }
}

/**
 * The child sees none of the backend's environment (tokens, PUSHLAB_*, cloud credentials in the operator's shell):
 * only what Node and the lessons need. NODE_PATH makes require('ws') and require('socket.io') resolve from this
 * project's node_modules, though the file runs from a temp dir.
 */
function childEnv(dir: string, nodeModulesDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    NODE_PATH: nodeModulesDir,
    NODE_ENV: 'development',
    HOME: dir,
    TMPDIR: dir,
  };
  for (const name of ['PATH', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
