/**
 * One lesson's runs, as data: compile the files, start a fresh run frame, turn the frame's batches into console lines,
 * errors and traffic events, and end it all on Stop. Views subscribe and read; none of them keeps its own copy.
 */
import type { CompileError } from '../compile/compile.js';
import type {
  NetworkAction,
  NetworkConditions,
  BatchMessage,
  CompiledFile,
  ErrorItem,
  FrameToPage,
  Lang,
  RunMessage,
  RunMode,
  Side,
} from '../shared/protocol.js';
import { isFrameToPage, MOCKED_FRAME_QUERY, PARENT_PARAM, PROTOCOL_VERSION, type PageToFrame, type ProxyNetworkAction } from '../shared/protocol.js';
import type { Observation } from '../shared/lesson.js';
import { previewOf, TrafficBuffer } from '../shared/traffic.js';
import { unpackTraffic } from '../shared/traffic-packing.js';
import type { WireChunk } from '../shared/backend-api.js';
import { bytesPreview, fromBase64 } from '../shared/wire/bytes.js';
import { connectionEnded } from '../shared/wire/connection-end.js';
import { servedFrameOrigin } from './backend-client.js';
import { ConsoleStore } from './console-store.js';
import { clockNow, timeOrigin } from '../shared/clock.js';

export type RunState = 'idle' | 'starting' | 'running' | 'stopped';

export interface RunOptions {
  mode: RunMode;
  lang: Lang;
  /** Where the frame goes; hidden unless the lesson has page markup to show. */
  host: HTMLElement;
  /**
   * Real mode: starts server.js in Node and resolves once it listens (so the client does not connect too early),
   * returning how to stop it. Output goes to `sink`, which ignores anything that arrives after this run ended.
   */
  startRealServer?: (code: string, sink: RealServerSink) => Promise<() => Promise<void>>;
  /** Client windows, each its own frame (the chat lesson has three). Default 1. */
  clients?: number;
  /** Extra query parameters for the run frame's URL (real mode: which page's child the backend proxies to). */
  frameParams?: Record<string, string>;
  /** Real mode with a backend on another origin: the frame resolves the client's relative URLs against it. */
  backendUrl?: string;
  /**
   * Real mode: how the network panel reaches the backend's proxy (see setProxyNetwork in backend-client.ts). Without
   * it, conditions apply in browser mode only.
   */
  realNetwork?: (request: { conditions?: NetworkConditions; action?: ProxyNetworkAction }) => Promise<void>;
  /** Browser mode, false: no record of the server's wire; only bench:mocks sets it, to measure what the record costs. */
  recordWire?: boolean;
}

/** Where a real Node server's output goes; bound to one run. */
export interface RealServerSink {
  output(stream: 'stdout' | 'stderr', text: string): void;
  /** The server's sockets, read and written (times on the page's performance.now() clock); `lost`: records missed. */
  wire(chunks: WireChunk[], lost?: { chunks: number; bytes: number }): void;
  exited(code: number | null, signal: string | null, message: string): void;
  error(message: string): void;
}

/** Why a run frame could not start, in the page's language (a cached frame of another version, a frame that never loaded). */
const FRAME_TROUBLE = {
  late: { en: 'The run frame did not start in time.', zh: '运行代码的 iframe 没有按时启动。' },
  version: {
    en: 'The page and the run frame are different versions: reload the page.',
    zh: '页面和运行代码的 iframe 版本不一致：请刷新页面。',
  },
} as const;

export const LOOP_LIMIT_MS = 1_000;
/** The window log keeps this many characters of text at most (the chat's three windows: minutes of changes). */
const WINDOW_LOG_CHARS = 2_000_000;
const FRAME_READY_TIMEOUT_MS = 15_000;

let runCounter = 0;

/** The compiler (acorn is most of it) loads with the first Run, not with the page: reading a lesson does not need it. */
let compilerModule: Promise<typeof import('../compile/compile.js')> | undefined;
const compiler = () => (compilerModule ??= import('../compile/compile.js'));

export class RunSession {
  state: RunState = 'idle';
  readonly consoles: Record<Side, ConsoleStore> = { server: new ConsoleStore('server'), client: new ConsoleStore('client') };
  readonly traffic = new TrafficBuffer();
  /** Syntax errors of the last Run: nothing ran. */
  compileErrors: CompileError[] = [];
  /** Errors reported by the run, newest last (also shown as console lines). */
  errors: ErrorItem[] = [];
  /** What each client window of the run shows now (its visible text), by party; for the exercise checks. */
  windows: Record<string, string> = {};
  /** Every text the windows reported, with the run time it arrived (Observation.windowLog), bounded by WINDOW_LOG_CHARS. */
  windowLog: { party: string; time: number; text: string }[] = [];
  #windowLogChars = 0;
  /** A person has acted in one of this run's windows (a scene stops then). */
  touched = false;
  /** Why the last run ended, if it did not end by Stop. */
  endReason: ErrorItem | undefined;
  runId = '';

  private frames: HTMLIFrameElement[] = [];
  /** TCP connections of the run's real server seen so far: 'tcp#<n>' stays unique when a restart starts a new child. */
  private tcpConns = 0;
  /**
   * Where run frames come from: the backend's frames origin when it served this page, so the learner's code cannot
   * reach into the page (server/frame-origin.ts), else this page's own origin.
   */
  private readonly frameOrigin = servedFrameOrigin() ?? location.origin;
  /** Bumped by every Run and Stop, so work started for an older run can tell it is stale. */
  private generation = 0;
  private stopReal: (() => Promise<void>) | undefined;
  private listeners = new Set<() => void>();
  private onMessage = (event: MessageEvent) => this.receive(event);

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** Compiles and starts a run. Resolves once the run is live, or at once when a file has a syntax error. */
  async run(files: Record<string, string>, options: RunOptions): Promise<void> {
    const { compile } = await compiler();
    await this.stop();
    this.consoles.server.clear();
    this.consoles.client.clear();
    this.traffic.clear();
    this.tcpConns = 0;
    this.errors = [];
    this.windows = {};
    this.windowLog = [];
    this.#windowLogChars = 0;
    this.touched = false;
    this.endReason = undefined;

    const compiled: Record<string, CompiledFile> = {};
    this.compileErrors = [];
    for (const name of ['server.js', 'client.js'] as const) {
      const source = files[name];
      if (source === undefined) continue;
      const result = compile(name, source, name === 'server.js' ? 'node-module' : 'browser-script');
      if (result.ok) compiled[name] = { name, code: result.code, insertions: result.insertions };
      else this.compileErrors.push(result.error);
    }
    if (this.compileErrors.length > 0) {
      this.state = 'stopped';
      this.changed();
      return;
    }

    this.lastRun = { files, options };
    const runId = `run-${Date.now().toString(36)}-${++runCounter}`;
    this.runId = runId;
    const generation = ++this.generation;
    this.epoch = performance.timeOrigin + performance.now();
    this.state = 'starting';
    this.changed();

    try {
      if (options.mode === 'real' && options.startRealServer && files['server.js'] !== undefined) {
        this.stopReal = await options.startRealServer(files['server.js'], this.sinkFor(generation, options.lang));
        if (generation !== this.generation) return; // a newer run or a Stop came first
      }
      await this.startFrames(runId, compiled, files['index.html'], options, generation);
    } catch (error) {
      if (generation !== this.generation) return;
      this.fail({
        type: 'error',
        side: 'server',
        kind: 'runtime',
        message: error instanceof Error ? error.message : String(error),
        fatal: true,
      });
    }
  }

  /**
   * Opens the run's frames: the first runs the in-browser server (browser mode) and the first client; the others,
   * when the lesson has several client windows, start once it has, and attach to its server.
   */
  private async startFrames(
    runId: string,
    compiled: Record<string, CompiledFile>,
    html: string | undefined,
    options: RunOptions,
    generation: number,
  ): Promise<void> {
    window.addEventListener('message', this.onMessage);
    const count = Math.max(1, options.clients ?? 1);
    const names = Array.from({ length: count }, (_, i) => `${runId}-${i + 1}`);
    for (let i = 0; i < count; i++) {
      if (generation !== this.generation) return;
      const first = i === 0;
      await this.startFrame(names[i]!, options, {
        type: 'run',
        version: PROTOCOL_VERSION,
        runId,
        mode: options.mode,
        party: count === 1 ? 'client' : `client ${i + 1}`,
        server: first && options.mode === 'browser' ? compiled['server.js'] : undefined,
        attachTo: !first && options.mode === 'browser' ? names[0] : undefined,
        client: compiled['client.js'] ?? { name: 'client.js', code: '', insertions: [] },
        html,
        loopLimitMs: LOOP_LIMIT_MS,
        lang: options.lang,
        epoch: this.epoch,
        backendUrl: options.backendUrl,
        network: this.networkConditions,
        ...(options.recordWire === false ? { recordWire: false } : {}),
      });
    }
  }

  /** Adds one frame, sends it its run message, and resolves once it has started its run. */
  private startFrame(name: string, options: RunOptions, message: RunMessage): Promise<void> {
    const frame = document.createElement('iframe');
    frame.name = name;
    frame.title = message.party;
    frame.className = 'run-frame';
    const params = new URLSearchParams({ run: message.runId, ...options.frameParams });
    if (this.frameOrigin !== location.origin) params.set(PARENT_PARAM, location.origin);
    // Only browser-mode frames are under the mock service worker's scope (MOCKED_FRAME_QUERY).
    const query = options.mode === 'browser' ? `${MOCKED_FRAME_QUERY}&${params}` : `${params}`;
    const base = new URL(document.baseURI);
    frame.src = new URL(`run.html?${query}`, this.frameOrigin + base.pathname).href;
    this.frames.push(frame);

    return new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(FRAME_TROUBLE.late[message.lang])), FRAME_READY_TIMEOUT_MS);
      this.waiting.set(frame, {
        ready: (ready) => {
          if (ready.version !== PROTOCOL_VERSION) {
            clearTimeout(timeout);
            reject(new Error(FRAME_TROUBLE.version[message.lang]));
            return;
          }
          this.post(frame, message);
          if (this.state === 'starting') {
            this.state = 'running';
            this.changed();
          }
        },
        started: () => {
          clearTimeout(timeout);
          resolve();
        },
      });
      options.host.append(frame);
    });
  }

  /** Every message to a run frame goes through here, typed by the protocol (src/shared/protocol.ts). */
  private post(frame: HTMLIFrameElement | undefined, message: PageToFrame): void {
    frame?.contentWindow?.postMessage(message, this.frameOrigin);
  }

  /** Frames of the current run that have not said 'ready' or 'started' yet. */
  private waiting = new Map<HTMLIFrameElement, { ready(m: Extract<FrameToPage, { type: 'ready' }>): void; started(): void }>();

  private receive(event: MessageEvent): void {
    if (event.origin !== this.frameOrigin) return;
    const frame = this.frames.find((f) => f.contentWindow === event.source);
    if (!frame) return;
    const data: unknown = event.data;
    if (!isFrameToPage(data)) return;
    const waiting = this.waiting.get(frame);
    if (data.type === 'ready') {
      waiting?.ready(data);
    } else if (data.runId === this.runId) {
      this.apply(data);
      if (waiting && data.items.some((i) => i.type === 'started' || (i.type === 'error' && i.fatal))) {
        this.waiting.delete(frame);
        waiting.started();
      }
    }
  }

  private apply(batch: BatchMessage): void {
    let fatal: ErrorItem | undefined;
    for (const item of batch.items) {
      switch (item.type) {
        case 'console':
          this.consoles[item.side].add({ level: item.level, time: item.time, text: item.text, party: item.party });
          break;
        case 'dropped':
          if (item.what === 'console') this.consoles[item.side].dropped += item.count;
          else this.traffic.dropped += item.count;
          break;
        case 'traffic': {
          const event = unpackTraffic(item.event);
          if (event) this.traffic.push(event);
          break;
        }
        case 'error':
          this.addError(item);
          if (item.fatal) fatal = item;
          break;
        case 'started':
          break;
        case 'window':
          this.windows[item.party] = item.text;
          this.windowLog.push({ party: item.party, time: this.now(), text: item.text });
          this.#windowLogChars += item.text.length;
          while (this.#windowLogChars > WINDOW_LOG_CHARS && this.windowLog.length > 1) this.#windowLogChars -= this.windowLog.shift()!.text.length;
          break;
        case 'touched':
          this.touched = true;
          break;
      }
    }
    this.traffic.notify();
    if (fatal) this.fail(fatal);
    else this.changed();
  }

  /** Also used by real mode for the server's output and exit. */
  addError(item: ErrorItem): void {
    this.errors.push(item);
    // The console line links to file:line itself, so the text carries only the message and the learner's frames.
    const text = item.stack && !item.stack.startsWith(item.message) ? `${item.message}\n${item.stack}` : (item.stack ?? item.message);
    this.consoles[item.side].add({
      level: 'error',
      time: NaN,
      text,
      file: item.file,
      line: item.line,
      column: item.column,
    });
  }

  /** ms since this run started, on the clock the frame uses too. */
  now(): number {
    return timeOrigin + clockNow() - this.epoch;
  }

  private epoch = 0;

  /** The epoch the current run's times count from (absolute ms), for views that compare with wall-clock stamps. */
  get epochOfRun(): number {
    return this.epoch;
  }

  /** The real server's output channel for one run: silent once that run is over. */
  private sinkFor(generation: number, lang: Lang): RealServerSink {
    const live = () => generation === this.generation;
    const recentStderr: string[] = [];
    /** This child's connection numbers → the run's 'tcp#<n>'. */
    const conns = new Map<number, string>();
    return {
      wire: (chunks, lost) => {
        if (!live()) return;
        for (const chunk of chunks) {
          let conn = conns.get(chunk.conn);
          if (conn === undefined) conns.set(chunk.conn, (conn = `tcp#${++this.tcpConns}`));
          if (chunk.dir === 'close') {
            // As browser mode's wire tap reports the end of a connection (src/mocks/wire-tap.ts): the decoders close
            // what reads to the end on it.
            const note = connectionEnded(lang, chunk.closedBy === 'client' ? 'client' : 'server', undefined, chunk.reset);
            this.traffic.push({
              time: timeOrigin + chunk.time - this.epoch,
              party: 'client',
              observer: 'server',
              conn,
              transport: 'tcp',
              direction: 'none',
              kind: 'close',
              bytes: 0,
              preview: note,
              details: { note, port: chunk.port },
            });
            continue;
          }
          this.traffic.push({
            time: timeOrigin + chunk.time - this.epoch,
            party: 'client',
            observer: 'server',
            conn,
            transport: 'tcp',
            direction: chunk.dir === 'read' ? 'c2s' : 's2c',
            kind: 'bytes',
            bytes: chunk.bytes,
            preview: previewOf(bytesPreview(fromBase64(chunk.raw.slice(0, 160)) ?? new Uint8Array(0))),
            details: {
              raw: chunk.raw,
              rawDropped: chunk.rawDropped,
              port: chunk.port,
              ...(chunk.source ? { source: { file: 'server.js', line: chunk.source.line, column: chunk.source.column } } : {}),
            },
          });
        }
        if (lost) this.traffic.dropped += lost.chunks;
        this.traffic.notify();
      },
      output: (stream, text) => {
        if (!live()) return;
        if (stream === 'stderr') recentStderr.push(text);
        if (recentStderr.length > 50) recentStderr.shift();
        this.consoles.server.add({ level: stream === 'stderr' ? 'error' : 'log', time: this.now(), text });
        this.changed();
      },
      exited: (code, _signal, message) => {
        if (!live()) return;
        // Node printed the crash's stack on stderr; its first server.js frame is the learner's line.
        const where = /server\.js:(\d+):(\d+)/.exec(recentStderr.join('\n'));
        this.addError({
          type: 'error',
          side: 'server',
          kind: 'exit',
          message,
          fatal: false,
          ...(code !== 0 && where ? { file: 'server.js', line: Number(where[1]), column: Number(where[2]) } : {}),
        });
        this.changed();
      },
      error: (message) => {
        if (!live()) return;
        this.addError({ type: 'error', side: 'server', kind: 'runtime', message, fatal: false });
        this.changed();
      },
    };
  }

  /** Ends the run because of an error the run cannot survive (endless loop, frame failed to start). */
  private fail(item: ErrorItem): void {
    if (!this.errors.includes(item)) this.addError(item);
    this.endReason = item;
    void this.stop(true);
  }

  /** Removes the frame: every timer, socket and stream of the run ends with it; in real mode the process ends too. */
  async stop(keepReason = false): Promise<void> {
    window.removeEventListener('message', this.onMessage);
    this.waiting.clear();
    for (const frame of this.frames) frame.remove();
    this.frames = [];
    const stopReal = this.stopReal;
    this.stopReal = undefined;
    const wasActive = this.state === 'running' || this.state === 'starting';
    if (!keepReason) this.endReason = undefined;
    if (wasActive) this.state = 'stopped';
    this.generation++;
    this.changed();
    if (stopReal) await stopReal().catch(() => {});
  }

  /**
   * Stop, and forget everything of the last run: consoles, traffic, errors, its files. Another lesson opening in the
   * same view (Back, a typed address) must show nothing of a run that never happened there.
   */
  async clear(): Promise<void> {
    await this.stop();
    this.consoles.server.clear();
    this.consoles.client.clear();
    this.traffic.clear();
    this.errors = [];
    this.windows = {};
    this.windowLog = [];
    this.#windowLogChars = 0;
    this.compileErrors = [];
    this.endReason = undefined;
    this.lastRun = undefined;
    this.state = 'idle';
    this.changed();
  }

  /** A scene's person acts in the window `party` of the live run (PersonMessage); nothing when it has no such window. */
  act(party: string, text: string, send: boolean): void {
    if (this.state !== 'running') return;
    this.post(
      this.frames.find((f) => f.title === party),
      { type: 'person', text, send },
    );
  }

  /** The network panel's conditions; kept across runs (a new run starts under them). */
  networkConditions: NetworkConditions | undefined;
  private lastRun: { files: Record<string, string>; options: RunOptions } | undefined;

  /**
   * Sets the network conditions of this and later runs. Browser mode: the server frame's runtime applies them to every
   * connection, the chat's other client frames included (they go through it). Real mode: the backend's proxy does,
   * for what passes through it (see server/network.ts for what it cannot reach).
   */
  async setNetwork(conditions: NetworkConditions): Promise<void> {
    this.networkConditions = conditions;
    const run = this.lastRun;
    if (!run || (this.state !== 'running' && this.state !== 'starting')) return;
    if (run.options.mode === 'browser') this.post(this.frames[0], { type: 'network', conditions });
    else await run.options.realNetwork?.({ conditions });
  }

  /**
   * Disturbs the live run once: 'kill' every connection, go 'offline' or back 'online', or 'restart' the server.
   * In real mode a restart starts a fresh child with the same server.js (the old one's exit shows in the console).
   */
  async networkAction(action: NetworkAction): Promise<void> {
    const run = this.lastRun;
    if (!run || this.state !== 'running') return;
    if (run.options.mode === 'browser') {
      this.post(this.frames[0], { type: 'network-action', action });
      return;
    }
    if (action !== 'restart') return run.options.realNetwork?.({ action });
    const code = run.files['server.js'];
    if (code === undefined || !run.options.startRealServer) return;
    const generation = this.generation;
    // The backend keeps one child per page: starting again ends the old one ('replaced') and the proxy follows.
    const stop = await run.options.startRealServer(code, this.sinkFor(generation, run.options.lang));
    if (generation !== this.generation) return void stop().catch(() => {});
    this.stopReal = stop;
  }

}


/** The run as exercise checks see it. */
export function observe(session: RunSession, mode: RunMode): Observation {
  return {
    mode,
    traffic: session.traffic.slice(),
    console: { server: session.consoles.server.lines, client: session.consoles.client.lines },
    errors: session.errors,
    windows: { ...session.windows },
    windowLog: session.windowLog.slice(),
    elapsed: session.state === 'idle' ? 0 : session.now(),
  };
}

