/**
 * Real mode on the page: find the backend once, and start a lesson's server.js in real Node through it, waiting
 * until the server listens before the client runs (a client that connects first would be refused, unlike in the
 * in-browser runtime, where server.js has run to completion before client.js starts).
 */
import type { Lang } from '../shared/protocol.js';
import {
  BackendError,
  findBackend,
  makePageId,
  PAGE_PARAM,
  setProxyNetwork,
  startRealRun,
  type BackendInfo,
  type RunEnd,
} from './backend-client.js';
import type { LimitViolation } from '../shared/backend-api.js';
import type { RealServerSink, RunOptions } from './run-session.js';

/** One id per page load: the backend keeps one child per page and routes the frame's requests by it. */
export const PAGE_ID = makePageId();

let found: Promise<BackendInfo | null> | undefined;

export function backend(): Promise<BackendInfo | null> {
  found ??= findBackend();
  return found;
}

/** How long after the first 'listening' to wait for the rest: a lesson may open an HTTP and a WebSocket port. */
const SETTLE_MS = 100;
/** A server.js that never listens (it only logs) still gets its client run after this long. */
const LISTEN_WAIT_MS = 3_000;

const exitText = (lang: Lang, code: number | null, signal: string | null, end: RunEnd) =>
  end.limit
    ? limitText(lang, end.limit)
    : signal
      ? lang === 'zh'
        ? `服务器进程已结束（信号 ${signal}）。`
        : `The server process ended (signal ${signal}).`
      : lang === 'zh'
        ? `服务器进程已退出，退出码 ${code}。`
        : `The server process exited with code ${code}.`;

const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));

/** A run the backend stopped for going over a limit (server/run-watch.ts), said in the learner's language. */
function limitText(lang: Lang, limit: LimitViolation): string {
  switch (limit.kind) {
    case 'memory':
      return lang === 'zh'
        ? `服务器进程被停止了：这次运行的所有进程合计占用 ${mb(limit.bytes)} MB 内存，超过了上限 ${mb(limit.limit)} MB。`
        : `The server was stopped: the run's processes together used ${mb(limit.bytes)} MB of memory, over the limit of ${mb(limit.limit)} MB.`;
    case 'processes':
      return lang === 'zh'
        ? `服务器进程被停止了：这次运行同时有 ${limit.count} 个进程，超过了上限 ${limit.limit} 个。`
        : `The server was stopped: the run had ${limit.count} processes at once, over the limit of ${limit.limit}.`;
    case 'files':
      return lang === 'zh'
        ? `服务器进程被停止了：这次运行同时打开了 ${limit.count} 个文件，超过了上限 ${limit.limit} 个。`
        : `The server was stopped: the run held ${limit.count} files open at once, over the limit of ${limit.limit}.`;
    case 'address':
      return lang === 'zh'
        ? `服务器进程被停止了：它在 ${limit.address}:${limit.port}（${limit.protocol.toUpperCase()}）上监听，其他机器也能连上这个地址。这里的运行只允许监听本机回环地址 127.0.0.1。`
        : `The server was stopped: it listened on ${limit.address}:${limit.port} (${limit.protocol.toUpperCase()}), which other machines can reach. Runs here may listen on loopback (127.0.0.1) only.`;
  }
}

export function realModeOptions(
  info: BackendInfo,
  lessonId: string,
  lang: Lang,
): Pick<RunOptions, 'startRealServer' | 'frameParams' | 'backendUrl' | 'realNetwork'> {
  const crossOrigin = new URL(info.url).origin !== location.origin;
  return {
    // Network conditions in real mode are applied by the backend's proxy to this page's child.
    realNetwork: (request) => setProxyNetwork(info, PAGE_ID, request),
    frameParams: { [PAGE_PARAM]: PAGE_ID },
    backendUrl: crossOrigin ? info.url : undefined,
    startRealServer: async (code: string, sink: RealServerSink) => {
      let listening!: () => void;
      const ready = new Promise<void>((resolve) => (listening = resolve));
      let run;
      try {
        run = await startRealRun(
          info,
          { pageId: PAGE_ID, lessonId, files: { 'server.js': code } },
          {
            onOutput: (stream, text) => sink.output(stream, text),
            onListening: () => listening(),
            onWire: (chunks, lost) => sink.wire(chunks, lost),
            onExit: (exitCode, signal, end) => {
              sink.exited(exitCode, signal, exitText(lang, exitCode, signal, end));
              listening();
            },
            onError: (error) => {
              sink.error(error.text[lang]);
              listening();
            },
          },
        );
      } catch (error) {
        throw error instanceof BackendError ? new Error(error.text[lang]) : error;
      }
      await Promise.race([ready.then(() => delay(SETTLE_MS)), delay(LISTEN_WAIT_MS)]);
      return () => run.stop();
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
