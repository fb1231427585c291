/**
 * The run frame: a fresh same-origin iframe per run, under the MSW worker's scope. It receives one `run` message,
 * starts the in-browser server runtime (browser mode), evaluates server.js then client.js, and reports everything
 * through the outbox. Stop is the page removing this frame: every timer, socket and stream dies with it.
 */
import { GUARD, NODE_WRAPPER_PARAMS } from '../shared/compiled-code.js';
import type { BrowserRuntime } from '../mocks/runtime.js';
import {
  isPageToFrame,
  PARENT_PARAM,
  PROTOCOL_VERSION,
  type FrameToPage,
  type NetworkControlMessage,
  type PersonMessage,
  type RunErrorKind,
  type RunMessage,
  type Side,
} from '../shared/protocol.js';
import { PAGE_PARAM } from '../shared/backend-api.js';
import { ioWithBackend, redirectRelativeUrls, routeLearnerPorts } from './backend-urls.js';
import { callSite, withCallSite } from './call-site.js';
import { createConsole } from './console.js';
import { learnerStack, locate } from './locate.js';
import { watchWindowText } from './window-text.js';
import { createLoopGuard, EndlessLoopError } from './loop-guard.js';
import { say } from './messages.js';
import { Outbox } from './outbox.js';
import { installClientTaps } from './taps/index.js';
import { formatArgs } from './format.js';
import { applyNetworkControl, ServerConsoles } from './network.js';
import { clockNow, timeOrigin } from '../shared/clock.js';

type FrameWindow = Window & typeof globalThis & Record<string, unknown>;
/** Where the server frame offers its runtime to the run's other client frames. */
const RUNTIME = '__pushlab_runtime';
const win = window as FrameWindow;

/**
 * The page that made this frame: its origin is in the frame's URL when the frame has an origin of its own
 * (server/frame-origin.ts). Messages go only there and are taken only from there.
 */
const pageOrigin = new URLSearchParams(location.search).get(PARENT_PARAM) ?? location.origin;

function post(message: FrameToPage): void {
  win.parent.postMessage(message, pageOrigin);
}

let started = false;
/** The network panel's messages, once the run has a runtime to apply them to (browser mode's server frame). */
let onNetwork: ((message: NetworkControlMessage) => void) | undefined;
/** A scene's person, once the window has a page of its own to act on (the chat's). */
let onPerson: ((message: PersonMessage) => void) | undefined;
win.addEventListener('message', (event: MessageEvent) => {
  if (event.source !== win.parent || event.origin !== pageOrigin) return;
  const data: unknown = event.data;
  if (!isPageToFrame(data)) return;
  switch (data.type) {
    case 'run':
      // One run per frame: a second 'run' would evaluate the learner's files twice in one realm.
      if (started) return;
      started = true;
      void run(data);
      break;
    case 'network':
    case 'network-action':
      onNetwork?.(data);
      break;
    case 'person':
      onPerson?.(data);
      break;
  }
});
post({ type: 'ready', version: PROTOCOL_VERSION });

async function run(message: RunMessage): Promise<void> {
  const epoch = message.epoch;
  const now = () => Math.round((timeOrigin + clockNow() - epoch) * 1000) / 1000;
  const outbox = new Outbox(message.runId, post);
  const insertions: Record<string, [number, number, number][]> = { [message.client.name]: message.client.insertions };
  if (message.server) insertions[message.server.name] = message.server.insertions;
  const lang = message.lang;

  const guard = createLoopGuard(message.loopLimitMs, (file, line, elapsed) => {
    outbox.push({
      type: 'error',
      side: sideOf(file),
      kind: 'endless-loop',
      message: say(lang, 'endlessLoop', { file, line, ms: Math.round(elapsed) }),
      file,
      line,
      fatal: true,
    });
    // The page must hear of it even if learner code keeps the thread busy after this throw is caught.
    outbox.flush();
  });

  const reportError = (error: unknown, kind: RunErrorKind, fallbackSide: Side, fatal = false) => {
    if (error instanceof EndlessLoopError || guard.tripped) return; // reported when the guard tripped
    const err = error instanceof Error ? error : undefined;
    const where = locate(err?.stack, insertions);
    const text = err ? `${err.name}: ${err.message}` : formatArgs([error]);
    outbox.push({
      type: 'error',
      side: where ? sideOf(where.file) : fallbackSide,
      kind,
      message: kind === 'unhandled-rejection' ? say(lang, 'unhandledRejection', { reason: text }) : text,
      ...where,
      stack: learnerStack(err?.stack, insertions),
      fatal,
    });
  };

  let runtime: BrowserRuntime | undefined;
  // Node ends the process on an uncaught exception; the browser runtime does the same to the server, and the client
  // goes on, seeing its connections fail, as it would against a real server that crashed.
  const serverCrashed = (error: unknown) => {
    if (error instanceof EndlessLoopError || guard.tripped) return; // the whole run ends; reported by the guard
    reportError(error, 'uncaught', 'server');
    const dying = runtime;
    runtime = undefined;
    if (dying) {
      void dying.stop().finally(() => {
        outbox.push({ type: 'error', side: 'server', kind: 'exit', message: say(lang, 'serverExited'), fatal: false });
      });
    }
  };

  win.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    const error = event.error ?? new Error(event.message);
    const where = locate((error as Error).stack, insertions);
    if (where && sideOf(where.file) === 'server') serverCrashed(error);
    else reportError(error, 'uncaught', 'client');
  });
  win.addEventListener('unhandledrejection', (event: PromiseRejectionEvent) => {
    event.preventDefault();
    const where = locate((event.reason as Error | undefined)?.stack, insertions);
    if (where && sideOf(where.file) === 'server') serverCrashed(event.reason);
    else reportError(event.reason, 'unhandled-rejection', 'client');
  });

  const serverConsole = createConsole('server', outbox, now);
  const clientConsole = createConsole('client', outbox, now, message.party === 'client' ? undefined : message.party);

  if (message.mode === 'browser' && message.server) {
    try {
      const { startBrowserRuntime } = await import('../mocks/runtime.js');
      runtime = await startBrowserRuntime({
        win,
        report: (event) => outbox.traffic(withCallSite(event, insertions)),
        callSite: () => callSite('server.js', insertions),
        now,
        log: (level, text) => serverConsole[level](text),
        fatal: serverCrashed,
        lang,
        runId: message.runId,
        recordWire: message.recordWire,
      });
    } catch (error) {
      outbox.push({
        type: 'error',
        side: 'server',
        kind: 'runtime',
        message: say(lang, 'runtimeFailed', { reason: error instanceof Error ? error.message : String(error) }),
        fatal: true,
      });
      outbox.flush();
      return;
    }
    // A throw at the top of server.js ends a Node process before it serves anything: the same here.
    if (message.network) runtime.network.set(message.network);
    const server = message.server;
    const consoles = new ServerConsoles(serverConsole);
    const evaluate = () => evaluateServer(server.code, runtime!, consoles.next(), guard.forFile(server.name), serverCrashed);
    evaluate();
    onNetwork = (control) =>
      applyNetworkControl(control, { runtime: () => runtime, evaluateServer: evaluate, note: (text) => serverConsole.info(text), lang });
    // The other client frames of this run (the chat's windows) attach to this runtime: same origin, same thread.
    win[RUNTIME] = runtime;
  } else if (message.mode === 'browser' && message.attachTo) {
    const hostRuntime = hostFrame(message.attachTo)?.[RUNTIME] as BrowserRuntime | undefined;
    if (!hostRuntime) {
      outbox.push({ type: 'error', side: 'client', kind: 'runtime', message: say(lang, 'runtimeFailed', { reason: 'no server frame' }), fatal: true });
      outbox.flush();
      return;
    }
    await hostRuntime.attachClient(win, message.party);
    // msw binds to the realm that loads it, so this frame starts its own worker and hands each request to the
    // server frame's http runtime. Frames of a run share origin and thread, so the objects cross directly.
    const { startWorker } = await import('../mocks/msw/start-worker.js');
    await startWorker(win, (request) => hostRuntime.serveRequest(request));
  }

  if (message.mode === 'real' && message.backendUrl) redirectRelativeUrls(win, message.backendUrl);
  // The page id is in this frame's own URL (the backend's proxy routes by it too).
  const pageId = new URLSearchParams(location.search).get(PAGE_PARAM);
  if (message.mode === 'real' && pageId) routeLearnerPorts(win, message.backendUrl ?? location.origin, pageId);
  // Taps go on after the runtime has installed its WebSocket and before socket.io-client loads, because
  // engine.io-client captures `globalThis.WebSocket` when its module is first evaluated.
  installClientTaps(win, { party: message.party, now, lang, report: (event) => outbox.traffic(withCallSite(event, insertions)) });
  if (/\bio\s*(\.\s*connect\s*)?\(/.test(message.client.code)) {
    const { io } = await import('socket.io-client');
    const withBackend = message.mode === 'real' && message.backendUrl ? ioWithBackend(io as never, message.backendUrl) : io;
    win.io = Object.assign(withBackend, { connect: withBackend });
  }
  if (message.html !== undefined) {
    document.body.innerHTML = message.html;
    // Only a lesson with a page of its own shows anything in its windows (the chat); the others' frames stay blank and
    // are not watched. Both runtimes: the client's page is this frame's in real mode too. The watch dies with the frame.
    watchWindowText(document, message.party, (item) => outbox.push(item));
    onPerson = (m) => actAsPerson(document, m);
    // A person's own key, click or input (events a script dispatches are not trusted) stops a scene for good.
    const touched = (e: Event) => {
      if (!e.isTrusted) return;
      for (const type of PERSON_EVENTS) document.removeEventListener(type, touched, true);
      outbox.push({ type: 'touched', party: message.party });
    };
    for (const type of PERSON_EVENTS) document.addEventListener(type, touched, true);
  }

  win.console = clientConsole;
  win[GUARD] = guard.forFile(message.client.name);
  try {
    (0, eval)(message.client.code);
  } catch (error) {
    reportError(error, 'uncaught', 'client');
  }
  outbox.push({ type: 'started', time: now() });
}

function evaluateServer(
  code: string,
  runtime: BrowserRuntime,
  console: Console,
  guard: (line: number) => void,
  onError: (error: unknown) => void,
): void {
  const module = { exports: {} as unknown, id: '.', filename: '/server.js', loaded: false };
  const values: Record<(typeof NODE_WRAPPER_PARAMS)[number], unknown> = {
    exports: module.exports,
    require: (name: string) => runtime.require(name),
    module,
    __filename: '/server.js',
    __dirname: '/',
    process: runtime.process,
    Buffer: runtime.Buffer,
    console,
    setImmediate: (fn: (...a: unknown[]) => void, ...args: unknown[]) => setTimeout(fn, 0, ...args),
    clearImmediate: (id: number) => clearTimeout(id),
    global: win,
    [GUARD]: guard,
  };
  try {
    const wrapper = (0, eval)(code) as (...args: unknown[]) => void;
    wrapper.apply(module.exports, NODE_WRAPPER_PARAMS.map((p) => values[p]));
    module.loaded = true;
  } catch (error) {
    onError(error);
  }
}

const PERSON_EVENTS = ['keydown', 'pointerdown', 'input'] as const;

/**
 * What a person typing in the page's #input does, as its listeners see it: the value grows a character at a time, each
 * with an 'input' event; with `send`, its form is submitted as Enter does (requestSubmit: 'submit' fires, listeners
 * may prevent it). A page without #input is left alone: the check will say what it did not see.
 */
function actAsPerson(doc: Document, m: PersonMessage): void {
  const input = doc.getElementById('input');
  if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) return;
  for (const ch of m.text) {
    input.value += ch;
    input.dispatchEvent(new InputEvent('input', { bubbles: true, data: ch, inputType: 'insertText' }));
  }
  if (m.send) input.form?.requestSubmit();
}

function sideOf(file: string): Side {
  return file === 'server.js' ? 'server' : 'client';
}

/**
 * The run's server frame, found by its name. The page cannot hand its window over: with frames on their own origin the
 * page cannot touch theirs, a Window cannot travel in a message, and `parent.frames` does not list frames in a shadow
 * root. A named lookup (window.open with an empty URL, HTML's "rules for choosing a navigable") finds any frame of this
 * page the caller may reach, which the run's frames may, being of one origin; it never navigates a frame it finds. A
 * name it does not find would mean a new window, which the popup blocker refuses to a frame nobody clicked; if one
 * opens anyway, it is closed at once.
 */
function hostFrame(name: string): FrameWindow | undefined {
  let found: Window | null = null;
  try {
    found = win.open('', name);
  } catch {
    return undefined;
  }
  if (!found || found === win) return undefined;
  try {
    if (RUNTIME in found) return found as unknown as FrameWindow;
  } catch {
    // another origin's window: not a frame of this run
  }
  if (found.parent === found) found.close();
  return undefined;
}
