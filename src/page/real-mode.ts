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
} from './backend-client.js';
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

const exitText = (lang: Lang, code: number | null, signal: string | null) =>
  signal
    ? lang === 'zh'
      ? `服务器进程已结束（信号 ${signal}）。`
      : `The server process ended (signal ${signal}).`
    : lang === 'zh'
      ? `服务器进程已退出，退出码 ${code}。`
      : `The server process exited with code ${code}.`;

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
            onExit: (exitCode, signal) => {
              sink.exited(exitCode, signal, exitText(lang, exitCode, signal));
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
