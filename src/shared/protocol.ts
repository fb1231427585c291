/**
 * The one typed message protocol between the page and a run frame (and, in real mode, the page and the backend's log
 * stream). Every message is a plain, structured-clonable object with a `type`; the union is exhaustive so a switch over
 * `type` is checked by the compiler.
 *
 * Life of a run: page creates the frame → frame posts `ready` → page posts `run` → frame posts `batch`es of output
 * until the page removes the frame (Stop, a new Run, or a fatal error such as an endless loop).
 */
import type { Insertion } from './compiled-code.js';
import type { Lang } from './localized.js';
import type { PackedTraffic } from './traffic-packing.js';

/** Bumped when a message's shape changes; the frame and page refuse to talk across versions (a stale cached frame). */
export const PROTOCOL_VERSION = 2;

export type RunMode = 'browser' | 'real';
export type Side = 'server' | 'client';
export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

/** A learner file as compiled by src/compile: runnable code with loop guards, plus where it came from. */
export interface CompiledFile {
  name: string; // 'server.js' | 'client.js'
  code: string;
  /** Where compile inserted guard code: [line, column, length], to map stack columns back to the learner's. */
  insertions: Insertion[];
}

// ---------------------------------------------------------------------------------------------------------------
// page → frame

export interface RunMessage {
  type: 'run';
  version: number;
  runId: string;
  mode: RunMode;
  /** Who this frame is, in the traffic events ('client', or 'client 2' in the chat lesson). */
  party: string;
  /**
   * Browser mode with several client frames: the name of the frame whose in-browser server this client talks to.
   * Frames of one run share an origin (if not always the page's), so this frame finds that one by its name and
   * attaches to its runtime directly (src/frame/run-frame.ts: hostFrame).
   */
  attachTo?: string;
  /** Absent in real mode (the backend runs it) and for extra chat clients (they share the first frame's server). */
  server?: CompiledFile;
  client: CompiledFile;
  /** Page markup of the client, if the lesson has some (rendered into the frame's body before client.js runs). */
  html?: string;
  /**
   * Real mode with a backend on another origin (a static site built with VITE_PUSHLAB_BACKEND): the frame resolves
   * the client's relative URLs against it, so '/test' reaches the learner's server and not the static host.
   */
  backendUrl?: string;
  /** Milliseconds a single synchronous stretch of learner code may run before it is stopped. */
  loopLimitMs: number;
  /**
   * When the run started, as `performance.timeOrigin + performance.now()` in the page. Documents have different time
   * origins; stamping everything against this one epoch puts the frame's lines, the real server's lines and the
   * traffic on a single clock.
   */
  epoch: number;
  /** Learner language, for the runtime's own messages. */
  lang: Lang;
  /** Browser mode: the network panel's conditions, applied before server.js and client.js run. */
  network?: NetworkConditions;
  /** Browser mode, false: the server's wire is not recorded (bench:mocks measures what the record costs). */
  recordWire?: boolean;
}

/**
 * Network conditions the learner sets in the network panel. Each applies per direction of every connection of the
 * run: `latencyMs` is added to every message's trip (a request, a response head, each chunk or frame), `bandwidthKbps`
 * paces bytes (kilobits per second; 0 means unlimited), and `dropRate` (0–1) is the chance that a connection is lost
 * at a message: TCP does not lose single messages, a lossy link loses connections, so that is what a drop is here.
 */
export interface NetworkConditions {
  latencyMs: number;
  bandwidthKbps: number;
  dropRate: number;
}

export const NO_NETWORK_CONDITIONS: NetworkConditions = { latencyMs: 0, bandwidthKbps: 0, dropRate: 0 };

/**
 * - kill: every open connection dies as when the server vanishes (WebSocket close 1006, EventSource 'error' then a
 *   reconnection, a held request's fetch fails with TypeError); new connections succeed.
 * - restart: the same, and the server process starts again from server.js (its state is lost).
 * - offline: open connections die and new ones fail until 'online'.
 * - silent, silent-to-server, silent-to-client: the connections open now stay open and carry nothing more, both ways
 *   or one way (a half-open connection: see Silences in network-link.ts); new connections work.
 */
export type NetworkAction = 'kill' | 'restart' | 'offline' | 'online' | 'silent' | 'silent-to-server' | 'silent-to-client';

/** What the backend's proxy does itself in real mode: everything but a restart, which starts the child again. */
export type ProxyNetworkAction = Exclude<NetworkAction, 'restart'>;

/** Sets the run's network conditions (browser mode; real mode asks the backend's proxy, see backend-client.ts). */
export interface NetworkMessage {
  type: 'network';
  conditions: NetworkConditions;
}

/** Disturbs the run's connections once (see NetworkAction). */
export interface NetworkActionMessage {
  type: 'network-action';
  action: NetworkAction;
}

/** The network panel's messages; the frame applies them to the in-browser runtime (src/frame/network.ts). */
export type NetworkControlMessage = NetworkMessage | NetworkActionMessage;

/**
 * An exercise's scene acting as a person in one client window (see Scene in lesson.ts): `text` put in the page's
 * #input with an 'input' event, and with `send` its form submitted as Enter would.
 */
export interface PersonMessage {
  type: 'person';
  text: string;
  send: boolean;
}

/** Everything the page posts to a run frame (src/page/run-session.ts sends, src/frame/run-frame.ts receives). */
export type PageToFrame = RunMessage | NetworkControlMessage | PersonMessage;

/**
 * The start of a browser-mode run frame's query, and the end of the mock service worker's scope (`run.html?msw=1`). A
 * worker controls every later page under its scope and answers what it does not mock with its own fetch(), which
 * drops what only the browser may add (an EventSource's Last-Event-ID on reconnection); with this scope a real-mode
 * frame (`run.html?run=…`) is not its client, in the same page after any number of browser-mode runs.
 */
export const MOCKED_FRAME_QUERY = 'msw=1';

/**
 * The query parameter of a run frame's URL that names the page's origin, the only one it takes messages from and
 * posts to. Served by the backend, frames are on an origin of their own (server/frame-origin.ts); on a static host
 * they share the page's, and the parameter is absent.
 */
export const PARENT_PARAM = 'pushlab-parent';

// ---------------------------------------------------------------------------------------------------------------
// frame → page

export interface ReadyMessage {
  type: 'ready';
  version: number;
}

export interface ConsoleItem {
  type: 'console';
  side: Side;
  /** Which client, when a run has several ('client 2'); absent for the server and a lone client. */
  party?: string;
  level: ConsoleLevel;
  /** ms since the run started */
  time: number;
  text: string;
}

/**
 * Output the frame did not send: console lines logged faster than a person can read, or traffic events beyond what a
 * flush window carries. The page counts them and says so, rather than pretending nothing was lost.
 */
export interface DroppedItem {
  type: 'dropped';
  what: 'console' | 'traffic';
  side: Side;
  count: number;
}

export type RunErrorKind =
  | 'syntax' // never sent by the frame: compile reports it before a run, kept here so views share one type
  | 'uncaught'
  | 'unhandled-rejection'
  | 'endless-loop'
  | 'runtime' // the shim or the runtime itself failed (e.g. the service worker could not start)
  | 'unsupported' // learner code asked for a Node API the browser runtime does not have
  | 'exit'; // real mode: the server process ended

export interface ErrorItem {
  type: 'error';
  side: Side;
  kind: RunErrorKind;
  message: string;
  /** Learner location, when known: file, 1-based line and column. */
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
  /** The run cannot go on (endless loop, server crashed); the page ends it. */
  fatal: boolean;
}

/** One traffic event, packed for the way to the page (traffic-packing.ts); the page unpacks it into its buffer. */
export interface TrafficItem {
  type: 'traffic';
  event: PackedTraffic;
}

/** The runtime has evaluated both files; the run is live. */
export interface StartedItem {
  type: 'started';
  time: number;
}

/** The end of a window's text that a WindowItem carries: a chat shows its newest lines last, and a flood stays cheap. */
export const WINDOW_TEXT_MAX = 20_000;

/**
 * What a client window shows now: its body's visible text (innerText, the last WINDOW_TEXT_MAX characters), sent again
 * when it changes, a few times a second at most (src/frame/window-text.ts). Checks read it to see what the learner's
 * page renders, which no traffic event says.
 */
export interface WindowItem {
  type: 'window';
  /** Which client window ('client', or 'client 2' in the chat lesson). */
  party: string;
  text: string;
}

/** A person acted in a client window (a trusted key, click or input): a scene playing stops (see Scene in lesson.ts). */
export interface TouchedItem {
  type: 'touched';
  party: string;
}

export type OutputItem = ConsoleItem | DroppedItem | ErrorItem | TrafficItem | StartedItem | WindowItem | TouchedItem;

/** Output is batched so a flood costs one postMessage per flush rather than one per line. */
export interface BatchMessage {
  type: 'batch';
  runId: string;
  items: OutputItem[];
}

export type FrameToPage = ReadyMessage | BatchMessage;

// ---------------------------------------------------------------------------------------------------------------

// The run message carries the learner's language; runtime code imports the type from here or from localized.ts.
export type { Lang };

export function isNetworkControl(data: unknown): data is NetworkControlMessage {
  const type = (data as { type?: unknown } | null)?.type;
  return type === 'network' || type === 'network-action';
}

export function isPageToFrame(data: unknown): data is PageToFrame {
  const type = (data as { type?: unknown } | null)?.type;
  return type === 'run' || type === 'person' || isNetworkControl(data);
}

export function isFrameToPage(data: unknown): data is FrameToPage {
  return (
    typeof data === 'object' &&
    data !== null &&
    'type' in data &&
    ((data as { type: unknown }).type === 'ready' || (data as { type: unknown }).type === 'batch')
  );
}
