/**
 * Runs of a learner's server.js in real Node: one child process per page, its output kept as an ordered list of events
 * that log streams replay and follow.
 *
 * Life of a run: start (ends the page's previous child first, so its port is free again) → the page opens the log
 * stream → output, 'listening' for each port → 'exit'. A child ends on Stop, on a new Run from the same page, when the
 * page's log stream goes away and does not come back (the page closed), when it has been idle too long, when it goes
 * over a limit (run-watch.ts), or when the backend shuts down. Every process the run started ends with it
 * (run-sandbox.ts), and Stop answers once they are gone, within about a second, whatever the code does.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { EndReason, LimitViolation, RunLogEvent, WireChunk } from '../src/shared/backend-api.js';
import { describeViolation, heldListener, watchRun, type RunLimits } from './run-watch.js';
import { createSandbox, type Sandbox } from './run-sandbox.js';

export type { EndReason };

/** An event of the run's log (src/shared/backend-api.ts) with the id a reconnecting stream resumes from. */
export type RunEvent = RunLogEvent & { id: number };

export interface ListeningPort {
  /** The port the server really listens on: where the proxy connects. */
  port: number;
  /** The port the learner's code asked for; a different one when that was taken (preload.cjs). */
  requested: number;
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
  limits: RunLimits;
}

/** Signal numbers to names, for exit statuses of 128 + n. */
const SIGNAL_NAMES: Record<number, NodeJS.Signals> = Object.fromEntries(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

/** A log line longer than this is cut into pieces, so one endless line cannot grow without bound. */
const MAX_LINE = 16 * 1024;
/** How long a child gets to exit after SIGTERM before everything of the run is killed: Stop answers within a second. */
const KILL_GRACE_MS = 500;
/**
 * After the child exits, how long its output pipes may stay open. Only a process the run left behind can hold them
 * (the sandbox kills those); waiting for it would make Stop wait for that process.
 */
const STDIO_GRACE_MS = 200;
/** How long an ended run's events stay for a late reader. */
const KEEP_ENDED_MS = 60_000;
/** Bytes an event costs beyond its text: its id, type, time and the object around them. */
const EVENT_OVERHEAD = 64;
/** What a wire record costs beyond its payload (its fields as JSON). */
const WIRE_CHUNK_OVERHEAD = 96;
/**
 * The child's recorder keeps at most this much payload a second (server/child/wire-record.cjs); the backend holds a
 * run to it too, since the child's code could send its own 'wire' messages.
 */
const WIRE_RAW_PER_SECOND = 1024 * 1024;
/** At most this many records in one batch from the child; more is not the recorder's doing. */
const WIRE_BATCH_MAX = 5000;

/**
 * Output the backend keeps for log streams that connect late or reconnect, counted in bytes, per run and across all
 * runs: a flood or long lines drop the oldest lines, never memory without bound. Over the total, the run keeping the
 * most gives up its oldest first.
 */
export class OutputBudget {
  private used = 0;
  private readonly runs = new Set<Run>();

  constructor(
    readonly perRun: number,
    readonly total: number,
  ) {}

  get usedBytes(): number {
    return this.used;
  }

  add(run: Run): void {
    this.runs.add(run);
  }

  remove(run: Run): void {
    if (this.runs.delete(run)) this.used -= run.keptBytes;
  }

  grew(run: Run, bytes: number): void {
    this.used += bytes;
    while (run.keptBytes > this.perRun) {
      const freed = run.dropOldest();
      if (freed === 0) break;
      this.used -= freed;
    }
    while (this.used > this.total) {
      let largest: Run | undefined;
      for (const r of this.runs) if (!largest || r.keptBytes > largest.keptBytes) largest = r;
      const freed = largest?.dropOldest() ?? 0;
      if (freed === 0) break;
      this.used -= freed;
    }
  }
}

export class Run {
  readonly id = randomBytes(12).toString('base64url');
  readonly startedAt = performance.now();
  readonly ports: ListeningPort[] = [];
  private readonly events: RunEvent[] = [];
  private kept = 0;
  private dropped = 0;
  private nextId = 1;
  private readonly subscribers = new Set<(event: RunEvent) => void>();
  private everAttached = false;
  private holds = 0;
  private endReason: EndReason | null = null;
  private violation: LimitViolation | undefined;
  private exitInfo: { code: number | null; signal: string | null } | null = null;
  private idleTimer: NodeJS.Timeout | undefined;
  private detachTimer: NodeJS.Timeout | undefined;
  private readonly stopWatching: () => void;
  private verifying: Promise<void> = Promise.resolve();
  private readonly flushOutput: Array<() => void> = [];
  readonly exited: Promise<void>;
  private markExited!: () => void;

  constructor(
    readonly pageId: string,
    readonly lessonId: string,
    private readonly child: ChildProcess,
    private readonly sandbox: Sandbox,
    private readonly settings: RunSettings,
    private readonly budget: OutputBudget,
    /** The child's temp dir: cut from output so a stack says `server.js:2:28`, as the learner's file is named. */
    private readonly dir: string,
    onEnded: (run: Run) => void,
  ) {
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    budget.add(this);
    this.pipeLines(child.stdout, 'stdout');
    this.pipeLines(child.stderr, 'stderr');
    child.on('message', (message: unknown) => {
      if (isWireMessage(message)) return this.pushWire(message.chunks);
      if (!isListeningMessage(message)) return;
      // One at a time, in the order the child listened: the first HTTP server is where relative URLs go.
      this.verifying = this.verifying.then(() => this.verifyListening(message));
    });
    child.on('error', (err) => {
      // spawn failed (node missing?) or a signal could not be sent; say so in the run's own console.
      this.push({ type: 'stderr', text: `[pushlab] ${err.message}`, time: this.now() });
    });
    this.stopWatching =
      child.pid === undefined
        ? () => {}
        : watchRun(child.pid, settings.limits, (violation) => {
            this.violation = violation;
            this.push({ type: 'stderr', text: `[pushlab] ${describeViolation(violation)}`, time: this.now() });
            void this.end('limit');
          }, (sockets) => {
            // A port the run no longer listens on is no longer its: the proxy must not follow it to whoever takes
            // it next.
            const held = (p: ListeningPort) => sockets.some((s) => s.protocol === 'tcp' && s.port === p.port && s.address === p.address);
            if (this.ports.some((p) => !held(p))) this.ports.splice(0, this.ports.length, ...this.ports.filter(held));
          });
    // The exit is reported once the output pipes have been read to the end ('close'), so 'exit' is the last event;
    // but a pipe held open by a process the run left behind does not hold the exit back (STDIO_GRACE_MS).
    let finished = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (finished) return;
      finished = true;
      this.stopWatching();
      sandbox.kill(child); // whatever the run started and left behind ends with it
      for (const flush of this.flushOutput) flush();
      child.stdout?.destroy();
      child.stderr?.destroy();
      // In a PID namespace the learner's node is waited for by a shell, which ends with 128 + n when node was
      // ended by signal n (run-sandbox.ts): report the signal, as for a node started directly. (A learner's own
      // process.exit(130) reads as SIGINT here; Node's own exits stay below 128.)
      const bySignal = this.sandbox.kind === 'pid-namespace' && signal === null && code !== null ? SIGNAL_NAMES[code - 128] : undefined;
      if (bySignal) {
        code = null;
        signal = bySignal;
      }
      this.exitInfo = { code, signal };
      clearTimeout(this.idleTimer);
      clearTimeout(this.detachTimer);
      const limit = this.endReason === 'limit' ? this.violation : undefined;
      this.push({ type: 'exit', code, signal, reason: this.endReason, ...(limit ? { limit } : {}), time: this.now() });
      this.markExited();
      onEnded(this);
    };
    child.on('close', finish);
    child.on('exit', (code, signal) => {
      setTimeout(() => finish(code, signal), STDIO_GRACE_MS).unref();
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

  /** Where a server of this run that the learner's code started on `requested` really listens. */
  portFor(requested: number): ListeningPort | undefined {
    return this.ports.find((p) => p.requested === requested);
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
    const firstKept = this.events[0]?.id ?? this.nextId;
    if (afterId < firstKept - 1 && this.dropped > 0) {
      // The reader missed lines the budget dropped: say so where the lines would have been.
      const missed = firstKept - 1 - afterId;
      const text = `[pushlab] ${missed} earlier line(s) of output were dropped to keep the backend's memory bounded.`;
      listener({ type: 'stderr', text, time: this.events[0]?.time ?? this.now(), id: firstKept - 1 });
    }
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

  /**
   * End the run (SIGTERM, then every process of it killed if it lingers) and resolve once all of them have exited and
   * its ports are free.
   */
  async end(reason: EndReason): Promise<void> {
    if (this.running && this.endReason === null) {
      this.endReason = reason;
      void this.sandbox.terminate(this.child);
      const force = setTimeout(() => this.sandbox.kill(this.child), KILL_GRACE_MS);
      await this.exited;
      clearTimeout(force);
    }
    await this.exited;
  }

  /** End every process of the run at once, with no grace: the backend itself is going away. */
  killNow(): void {
    if (this.running) this.sandbox.kill(this.child);
  }

  get keptBytes(): number {
    return this.kept;
  }

  /** Drop the oldest kept line for the output budget; the exit, always last, stays. Returns the bytes freed. */
  dropOldest(): number {
    if (this.events.length === 0 || this.events[0]!.type === 'exit') return 0;
    const event = this.events.shift()!;
    const size = eventSize(event);
    this.kept -= size;
    this.dropped++;
    return size;
  }

  /**
   * The child says it listens on a port: proxy to it only once /proc shows that a process of this run holds it, and
   * at the address /proc shows, not the one the message names (another local service may have the same port on
   * another loopback address).
   */
  private async verifyListening(message: ListeningMessage): Promise<void> {
    const actual = message.actualPort ?? message.port;
    if (!Number.isInteger(actual) || !Number.isInteger(message.port) || typeof message.address !== 'string') return;
    const held = this.child.pid === undefined ? undefined : await heldListener(this.child.pid, actual);
    const address = held === 'unknown' ? message.address : held?.address;
    const port: ListeningPort = { port: actual, requested: message.port, address: address ?? '', http: message.http === true };
    if (!held || (held === 'unknown' && !isLoopbackAddress(message.address))) {
      this.push({
        type: 'stderr',
        text: `[pushlab] ignored a report that this run listens on port ${port.port}: none of its processes does.`,
        time: this.now(),
      });
      return;
    }
    if (!this.running) return;
    this.ports.push(port);
    this.push({ type: 'listening', port: port.requested, actualPort: port.port, address: port.address, http: port.http, time: this.now() });
  }

  /** ms on the run's clock, as every event's `time`. */
  now(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  /** The run's clock at 0, in absolute ms (performance.timeOrigin based, as the child stamps its wire records). */
  readonly clockZero = performance.timeOrigin + this.startedAt;
  private wireWindow = { start: 0, raw: 0 };

  /**
   * A batch of the child's wire records, [conn, port, dir, absolute time, bytes, base64, merged, closed by, reset]
   * each (wire-record.cjs), checked and put on the run's clock. Anything malformed is left out rather than trusted:
   * learner code can send on this channel.
   */
  private pushWire(records: unknown[]): void {
    if (!this.running) return; // 'exit' is the last event
    const chunks: WireChunk[] = [];
    const now = performance.now();
    if (now - this.wireWindow.start >= 1000) this.wireWindow = { start: now, raw: 0 };
    for (const record of records.slice(0, WIRE_BATCH_MAX)) {
      if (!Array.isArray(record)) continue;
      const [conn, port, dir, at, bytes, raw, merged, by, reset] = record as unknown[];
      if (!Number.isSafeInteger(conn) || !Number.isSafeInteger(port) || (dir !== 0 && dir !== 1 && dir !== 2)) continue;
      if (typeof at !== 'number' || !Number.isFinite(at)) continue;
      const time = Math.round((at - this.clockZero) * 100) / 100;
      if (dir === 2) {
        const closedBy = by === 0 ? 'client' : 'server';
        chunks.push({ conn: conn as number, port: port as number, dir: 'close', time, bytes: 0, raw: '', rawDropped: 0, closedBy, reset: reset === 1 });
        continue;
      }
      if (!Number.isSafeInteger(bytes) || (bytes as number) <= 0) continue;
      let kept = typeof raw === 'string' ? raw : '';
      let keptBytes = base64Length(kept);
      if (keptBytes > (bytes as number) || this.wireWindow.raw + keptBytes > WIRE_RAW_PER_SECOND) {
        kept = '';
        keptBytes = 0;
      }
      this.wireWindow.raw += keptBytes;
      chunks.push({
        conn: conn as number,
        port: port as number,
        dir: dir === 0 ? 'read' : 'write',
        time,
        bytes: bytes as number,
        raw: kept,
        rawDropped: (bytes as number) - keptBytes,
        ...(Number.isSafeInteger(merged) && (merged as number) > 1 ? { merged: merged as number } : {}),
        // A write's line of server.js (wire-record.cjs): on a read or write record, 'by' carries the line, 'reset' the column.
        ...(dir === 1 && isLine(by) && isLine(reset) ? { source: { line: by, column: reset } } : {}),
      });
    }
    if (chunks.length > 0) this.push({ type: 'wire', chunks, time: this.now() });
  }

  private push(data: RunLogEvent): void {
    const event = { ...data, id: this.nextId++ } as RunEvent;
    this.events.push(event);
    const size = eventSize(event);
    this.kept += size;
    this.budget.grew(this, size);
    for (const listener of this.subscribers) listener(event);
    if (data.type === 'stdout' || data.type === 'stderr' || data.type === 'wire') this.touch();
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
    const flush = () => {
      pending += decoder.end();
      if (pending) emit(pending);
      pending = '';
    };
    stream.on('end', flush);
    this.flushOutput.push(flush);
  }
}

function eventSize(event: RunEvent): number {
  if (event.type === 'wire') return event.chunks.reduce((n, c) => n + WIRE_CHUNK_OVERHEAD + c.raw.length, EVENT_OVERHEAD);
  return EVENT_OVERHEAD + ('text' in event ? Buffer.byteLength(event.text) : 0);
}

/** A line or column of server.js as the child reports it: positive, and of a size a file can have. */
function isLine(n: unknown): n is number {
  return Number.isSafeInteger(n) && (n as number) > 0 && (n as number) < 10_000_000;
}

/** Bytes that a base64 text stands for, without decoding it. */
function base64Length(text: string): number {
  if (text.length === 0) return 0;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}

interface ListeningMessage {
  port: number;
  actualPort?: number;
  address: string;
  http: boolean;
}

function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

function isWireMessage(m: unknown): m is { chunks: unknown[] } {
  return typeof m === 'object' && m !== null && (m as { pushlab?: unknown }).pushlab === 'wire' && Array.isArray((m as { chunks?: unknown }).chunks);
}

function isListeningMessage(m: unknown): m is ListeningMessage {
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
  readonly sandbox: Sandbox;
  readonly output: OutputBudget;
  /** This backend's folder for its runs' temp dirs: one place to clean, even after the backend was killed. */
  private readonly root: string;

  constructor(
    private readonly settings: RunSettings,
    private readonly maxChildren: number,
    output = { perRun: 1024 * 1024, total: 16 * 1024 * 1024 },
  ) {
    this.sandbox = createSandbox();
    this.output = new OutputBudget(output.perRun, output.total);
    sweepStaleRoots();
    this.root = join(tmpdir(), `${ROOT_PREFIX}${process.pid}`);
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  get(runId: string): Run | undefined {
    return this.runs.get(runId);
  }

  /** The page's live run, and no other. */
  ofPage(pageId: string): Run | undefined {
    const run = this.byPage.get(pageId);
    return run?.running ? run : undefined;
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

  /**
   * Pages that hold one of the maxChildren places: a start under way, or a running child whose page is still there
   * (a child whose page left is ended by the next start, so it holds none).
   */
  private placesTaken(): Set<string> {
    const pages = new Set(this.starting.keys());
    for (const run of this.order) if (run.running && !run.detached) pages.add(run.pageId);
    return pages;
  }

  /**
   * Starts for the same page are taken one at a time, or two quick Runs could leave two children for one page. The
   * place is taken here, before anything is awaited: checked later, fifty concurrent starts would all see room.
   */
  start(pageId: string, lessonId: string, code: string, options: { wire?: boolean } = {}): Promise<Run> {
    if (this.closing) return Promise.reject(new RunLimitError('The backend is shutting down.'));
    const taken = this.placesTaken();
    if (!taken.has(pageId) && taken.size >= this.maxChildren) {
      return Promise.reject(new RunLimitError(`Too many servers running at once (${this.maxChildren}); stop one first.`));
    }
    const previous = this.starting.get(pageId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(() => this.startNow(pageId, lessonId, code, options.wire !== false));
    this.starting.set(pageId, next);
    void next.catch(() => {}).finally(() => {
      if (this.starting.get(pageId) === next) this.starting.delete(pageId);
    });
    return next;
  }

  private async startNow(pageId: string, lessonId: string, code: string, wire: boolean): Promise<Run> {
    if (this.closing) throw new RunLimitError('The backend is shutting down.');
    // The page's previous child must be gone before the new one starts: the new server usually listens on the same port.
    // So must any child whose page has left and that only waits out its reconnect grace: lessons share ports (3000,
    // 8181), and a learner who closes a tab and runs in another would otherwise get EADDRINUSE for those seconds.
    const leftBehind = this.order.filter((r) => r.pageId !== pageId && r.detached);
    await Promise.all([this.byPage.get(pageId)?.end('replaced'), ...leftBehind.map((r) => r.end('page-closed'))]);
    const dir = await mkdtemp(join(this.root, 'run-'));
    // The temp dir's own package.json pins CommonJS, whatever a parent folder says: lessons use require().
    await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}\n');
    await writeFile(join(dir, 'server.js'), code);
    const child = this.sandbox.spawn(
      process.execPath,
      [`--max-old-space-size=${this.settings.childMemoryMb}`, '-r', this.settings.preloadPath, 'server.js'],
      { cwd: dir, env: childEnv(dir, this.settings.nodeModulesDir, wire), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    const run = new Run(pageId, lessonId, child, this.sandbox, this.settings, this.output, dir, (ended) => {
      void rm(dir, { recursive: true, force: true });
      setTimeout(() => {
        this.runs.delete(ended.id);
        this.output.remove(ended);
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
    rmSync(this.root, { recursive: true, force: true });
  }

  /** For process.on('exit'), where nothing can be awaited: every run's processes are killed at once. */
  killAll(): void {
    this.closing = true;
    for (const run of this.order) run.killNow();
    rmSync(this.root, { recursive: true, force: true });
  }
}

const ROOT_PREFIX = 'pushlab-runs-';

/**
 * Remove the run folders of backends that are no longer running: a backend killed with SIGKILL could not clean up.
 * Each folder is named for its backend's pid; one whose process is gone (or is not ours to signal) is stale.
 */
function sweepStaleRoots(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of entries) {
    if (!name.startsWith(ROOT_PREFIX)) continue;
    const pid = Number(name.slice(ROOT_PREFIX.length));
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // alive
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
    }
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // another user's folder, or already gone
    }
  }
}

/**
 * The child sees none of the backend's environment (tokens, PUSHLAB_*, cloud credentials in the operator's shell):
 * only what Node and the lessons need. NODE_PATH makes require('ws') and require('socket.io') resolve from this
 * project's node_modules, though the file runs from a temp dir.
 */
function childEnv(dir: string, nodeModulesDir: string, wire: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    NODE_PATH: nodeModulesDir,
    NODE_ENV: 'development',
    HOME: dir,
    TMPDIR: dir,
    // The child's wire recorder (child/wire-record.cjs) stays off for a run that asked not to be recorded.
    ...(wire ? {} : { PUSHLAB_WIRE: '0' }),
  };
  for (const name of ['PATH', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
