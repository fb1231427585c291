/**
 * The page's side of real mode: find the local backend (`npm start`) and run a lesson's server.js there, following its
 * output over the backend's SSE log stream. Framework-free so any component (the mode switch, the run controller) can
 * use it.
 *
 * The backend's API is described in server/backend.ts. Two ways to find one:
 * - the page was served by the backend: its HTML carries <meta name="pushlab-backend" content='{"token",…}'>, and the
 *   token in it is what lets this page run edited code (no other site can read it);
 * - the site was built elsewhere with VITE_PUSHLAB_BACKEND=<url>: the page probes that URL's health endpoint. Without
 *   a token it can run only where the backend is started with --no-exec (the lessons' shipped server files).
 *
 * @example
 *   const backend = await findBackend();
 *   if (!backend) showHowToStart(noBackendText());
 *   else {
 *     const run = await startRealRun(backend, { pageId, lessonId: 'sse', files: { 'server.js': code } }, {
 *       onOutput: (stream, text, time) => console.log(stream, time, text),
 *       onListening: (port) => console.log('listening on', port),
 *       onExit: (code, signal) => console.log('exited', code, signal),
 *     });
 *     await run.stop();
 *   }
 */

import type { Localized } from '../shared/localized.js';
import type { ProxyNetworkAction } from '../shared/protocol.js';
import {
  apiPath,
  PAGE_PARAM,
  TOKEN_HEADER,
  type EndReason,
  type LimitViolation,
  type RunLogEvent,
  type RunRequest,
  type RunStarted,
  type WireChunk,
} from '../shared/backend-api.js';

const META_NAME = 'pushlab-backend';

export interface BackendInfo {
  /** The backend's base URL, ending in '/'. */
  url: string;
  version: string;
  /** false: the backend runs only the lessons' shipped server files (--no-exec); code sent from the editor is ignored. */
  exec: boolean;
  /** Present only when this page was served by the backend; required to run edited code. */
  token?: string;
}

/**
 * The origin the backend that served this page serves run frames on (server/frame-origin.ts), or undefined: a static
 * host, the dev server, or --no-exec, where frames share the page's origin. Read from the page itself, synchronously,
 * because browser-mode runs need it as much as real ones.
 */
export function servedFrameOrigin(doc: Document = document): string | undefined {
  const content = doc.querySelector<HTMLMetaElement>(`meta[name="${META_NAME}"]`)?.content;
  if (!content) return undefined;
  try {
    const frames = (JSON.parse(content) as { frames?: unknown }).frames;
    if (typeof frames !== 'string') return undefined;
    const origin = new URL(frames).origin;
    return origin === 'null' || origin === location.origin ? undefined : origin;
  } catch {
    return undefined;
  }
}

export type BackendErrorCode =
  | 'no-backend' // nothing answers where a backend should be
  | 'forbidden' // 403: wrong or stale token, or an Origin the backend does not allow
  | 'gone' // the backend stopped answering during a run
  | 'rejected'; // any other refusal (bad request, too many servers running, unknown lesson)

export class BackendError extends Error {
  constructor(
    readonly code: BackendErrorCode,
    readonly text: Localized,
    readonly status?: number,
  ) {
    super(text.en);
    this.name = 'BackendError';
  }
}

export type RealRunRequest = RunRequest;

/** How a run ended, as far as the backend knows: why it ended it (if it did), and which limit for reason 'limit'. */
export interface RunEnd {
  reason: EndReason | null;
  limit?: LimitViolation;
}

export interface RealRunHandlers {
  /** One line of the child's output; `time` is ms since the backend started the child. */
  onOutput(stream: 'stdout' | 'stderr', text: string, time: number): void;
  /** The learner's server listens on `port` (127.0.0.1); called for each server it starts. */
  onListening(port: number): void;
  /** The child ended: its exit code, or the signal that ended it (SIGTERM after Stop, a new Run or idleness). */
  onExit(code: number | null, signal: string | null, end: RunEnd): void;
  /** The backend went away during the run (the child died with it). */
  onError?(error: BackendError): void;
  /**
   * What the server's sockets read and wrote, in order, with each chunk's `time` on this page's performance.now()
   * clock; `lost` counts records the log stream skipped while this page was behind.
   */
  onWire?(chunks: WireChunk[], lost?: { chunks: number; bytes: number }): void;
}

export interface RealRun {
  runId: string;
  /** Ends the child; resolves once the backend says it has exited. Safe to call more than once. */
  stop(): Promise<void>;
}

export { PAGE_PARAM };

const PROBE_TIMEOUT_MS = 2_000;
/** EventSource retries forever on network errors; this many failures in a row without a message means it is gone. */
const MAX_STREAM_ERRORS = 3;

/** A fresh page id: random, so one page cannot guess (and stop) another's child on a shared backend. */
export function makePageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function readMeta(doc: Document): BackendInfo | null {
  const content = doc.querySelector<HTMLMetaElement>(`meta[name="${META_NAME}"]`)?.content;
  if (!content) return null;
  try {
    const meta = JSON.parse(content) as { token?: unknown; exec?: unknown; version?: unknown };
    if (typeof meta.token !== 'string') return null;
    return {
      // The backend serves the site at its root, whatever path this page has.
      url: new URL('/', doc.baseURI).href,
      token: meta.token,
      exec: meta.exec === true,
      version: String(meta.version ?? ''),
    };
  } catch {
    return null;
  }
}

/**
 * Ask a backend URL whether it is there. Resolves null rather than throwing: "no backend" is an ordinary state of a
 * static host, shown by the mode switch, not an error.
 */
export async function probeBackend(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<BackendInfo | null> {
  const base = withSlash(url);
  try {
    const res = await fetch(`${base}${apiPath.health.slice(1)}`, { signal: AbortSignal.timeout(timeoutMs), cache: 'no-store' });
    if (!res.ok) return null;
    const health = (await res.json()) as { version?: unknown; exec?: unknown };
    if (typeof health.exec !== 'boolean') return null;
    return { url: base, exec: health.exec, version: String(health.version ?? '') };
  } catch {
    return null;
  }
}

/** The backend this page can use, or null if there is none (then real mode says how to start one). */
export async function findBackend(
  options: { doc?: Document; configuredUrl?: string | undefined } = {},
): Promise<BackendInfo | null> {
  const fromMeta = readMeta(options.doc ?? document);
  if (fromMeta) return fromMeta;
  const configured = options.configuredUrl ?? (import.meta.env.VITE_PUSHLAB_BACKEND as string | undefined);
  if (!configured) return null;
  return probeBackend(configured);
}

/** What the mode switch shows when findBackend() found nothing. */
export function noBackendText(configuredUrl = import.meta.env.VITE_PUSHLAB_BACKEND as string | undefined): Localized {
  if (configuredUrl) {
    return {
      en: `No Pushlab backend answers at ${configuredUrl}. Real mode needs it running; browser mode works without it.`,
      zh: `${configuredUrl} 上没有 Pushlab 后端响应。真实模式需要它在运行；浏览器模式无需后端。`,
    };
  }
  return {
    en: 'Real mode needs the local backend: in the project folder run `npm start` and open the address it prints. Browser mode works without it.',
    zh: '真实模式需要本地后端：在项目目录中运行 `npm start`，然后打开它输出的地址。浏览器模式无需后端。',
  };
}

function goneError(backend: BackendInfo): BackendError {
  return new BackendError('gone', {
    en: `The Pushlab backend at ${backend.url} stopped answering. Is \`npm start\` still running? Start it again and reload this page.`,
    zh: `位于 ${backend.url} 的 Pushlab 后端没有响应了。\`npm start\` 还在运行吗？请重新启动它并刷新本页。`,
  });
}

async function refusal(res: Response, backend: BackendInfo): Promise<BackendError> {
  const detail = (await res.text().catch(() => '')).trim();
  if (res.status === 403) {
    return new BackendError(
      'forbidden',
      backend.token
        ? {
            en: 'The backend refused to run code from this page (403). It makes a new secret at each start: reload this page.',
            zh: '后端拒绝运行本页发送的代码（403）。后端每次启动都会生成新的密钥：请刷新本页。',
          }
        : {
            en: `The backend at ${backend.url} does not accept runs from this site (403). Start it with --allow-origin ${location.origin}.`,
            zh: `${backend.url} 上的后端不接受来自本站的运行请求（403）。请用 --allow-origin ${location.origin} 启动它。`,
          },
      403,
    );
  }
  return new BackendError(
    'rejected',
    {
      en: `The backend could not start the server (${res.status}): ${detail}`,
      zh: `后端无法启动服务器（${res.status}）：${detail}`,
    },
    res.status,
  );
}

/**
 * Start `files['server.js']` in real Node and follow its output. Resolves once the log stream is open (output written
 * before that is replayed, none is lost); rejects with a BackendError if the backend refuses or cannot be reached.
 */
export async function startRealRun(
  backend: BackendInfo,
  request: RealRunRequest,
  handlers: RealRunHandlers,
): Promise<RealRun> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (backend.token) headers[TOKEN_HEADER] = backend.token;
  let res: Response;
  const sentAt = performance.now();
  try {
    res = await fetch(`${backend.url}${apiPath.runs.slice(1)}`, { method: 'POST', headers, body: JSON.stringify(request) });
  } catch {
    throw new BackendError('no-backend', noBackendText(backend.url));
  }
  const answeredAt = performance.now();
  if (res.status !== 201) throw await refusal(res, backend);
  const started = (await res.json()) as Partial<RunStarted> & { runId: string };
  const { runId } = started;
  // Where the backend's run clock starts on this page's clock. It started after the request left and at least `time`
  // ms before the answer was read; the page may read the answer late (its thread busy), so that span alone can be
  // tens of ms wide. Inside it, the backend's own wall time places it exactly when both run on one machine, as they
  // usually do; a backend elsewhere, whose clock disagrees, is held to the span.
  const latest = typeof started.time === 'number' ? Math.max(sentAt, answeredAt - started.time) : answeredAt;
  const byWallClock = typeof started.origin === 'number' ? started.origin - performance.timeOrigin : latest;
  const zero = Math.min(latest, Math.max(sentAt, byWallClock));

  const query = backend.token ? `?token=${encodeURIComponent(backend.token)}` : '';
  const source = new EventSource(`${backend.url}${apiPath.runLog(runId).slice(1)}${query}`);
  let exited = false;
  let errorsInARow = 0;
  let onExitSeen = () => {};
  const exitSeen = new Promise<void>((resolve) => (onExitSeen = resolve));

  const data = (event: Event) => JSON.parse((event as MessageEvent<string>).data) as Record<string, unknown>;
  const output = (stream: 'stdout' | 'stderr') => (event: Event) => {
    errorsInARow = 0;
    const d = data(event);
    handlers.onOutput(stream, String(d.text), Number(d.time));
  };
  source.addEventListener('stdout', output('stdout'));
  source.addEventListener('stderr', output('stderr'));
  source.addEventListener('wire', (event) => {
    errorsInARow = 0;
    const d = data(event) as Partial<Extract<RunLogEvent, { type: 'wire' }>>;
    const chunks = Array.isArray(d.chunks) ? d.chunks.map((c) => ({ ...c, time: zero + c.time })) : [];
    handlers.onWire?.(chunks, d.lost);
  });
  source.addEventListener('listening', (event) => {
    errorsInARow = 0;
    handlers.onListening(Number(data(event).port));
  });
  source.addEventListener('exit', (event) => {
    const d = data(event);
    exited = true;
    // The backend ends the stream after 'exit'; closing here keeps EventSource from reconnecting to a finished run.
    source.close();
    const end = d as Partial<Extract<RunLogEvent, { type: 'exit' }>>;
    handlers.onExit(typeof d.code === 'number' ? d.code : null, typeof d.signal === 'string' ? d.signal : null, {
      reason: end.reason ?? null,
      ...(end.limit ? { limit: end.limit } : {}),
    });
    onExitSeen();
  });

  await new Promise<void>((resolve, reject) => {
    let opened = false;
    source.addEventListener('open', () => {
      opened = true;
      errorsInARow = 0;
      resolve();
    });
    // An 'error' event carries no detail (WHATWG HTML §9.2): readyState tells a retry (CONNECTING) from giving up.
    source.addEventListener('error', () => {
      if (exited) return;
      errorsInARow += 1;
      if (source.readyState === EventSource.CLOSED || errorsInARow >= MAX_STREAM_ERRORS) {
        source.close();
        const error = goneError(backend);
        if (opened) handlers.onError?.(error);
        else reject(error);
        onExitSeen();
      }
    });
  });

  let stopping: Promise<void> | undefined;
  return {
    runId,
    stop() {
      stopping ??= (async () => {
        if (!exited && source.readyState !== EventSource.CLOSED) {
          try {
            await fetch(`${backend.url}${apiPath.runStop(runId).slice(1)}`, { method: 'POST', headers });
          } catch {
            // The backend is gone, and its children with it.
          }
          // The backend writes 'exit' on the stream before it answers Stop; give that event its moment to arrive.
          await Promise.race([exitSeen, new Promise((r) => setTimeout(r, 1_000))]);
        }
        source.close();
      })();
      return stopping;
    },
  };
}

/** What the network panel asks of the backend's proxy in real mode (see server/network.ts). */
export interface ProxyNetworkRequest {
  conditions?: { latencyMs: number; bandwidthKbps: number; dropRate: number };
  action?: ProxyNetworkAction;
}

/**
 * Applies the network panel to this page's proxied traffic in real mode. Connections a client makes to the child's
 * own port (ws://localhost:8181) do not pass through the proxy and are not affected.
 *
 * @example await setProxyNetwork(backend, PAGE_ID, { conditions: { latencyMs: 300, bandwidthKbps: 0, dropRate: 0 } });
 */
export async function setProxyNetwork(backend: BackendInfo, pageId: string, request: ProxyNetworkRequest): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (backend.token) headers[TOKEN_HEADER] = backend.token;
  let res: Response;
  try {
    res = await fetch(`${backend.url}${apiPath.network.slice(1)}`, { method: 'POST', headers, body: JSON.stringify({ pageId, ...request }) });
  } catch {
    throw goneError(backend);
  }
  if (!res.ok) throw await refusal(res, backend);
}
