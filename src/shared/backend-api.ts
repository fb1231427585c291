/**
 * The contract between the page and the real-Node backend: server/backend.ts and server/runs.ts serve it,
 * src/page/backend-client.ts uses it. Both import it from here, so a path, a header or an event cannot drift apart.
 *
 *   GET  health            {version, exec}: a static site probes this to find a backend (no token)
 *   POST runs              RunRequest → 201 {runId}
 *   GET  runs/<id>/log     RunLogEvent as Server-Sent Events (token in ?token=: EventSource sends no headers)
 *   POST runs/<id>/stop    ends the run; answers once every process of it has exited
 *   POST network           {pageId, conditions?, action?}: the network panel, applied by the backend's proxy
 */

/** Every path of the backend's own API starts here: a prefix no lesson uses, so it never meets a learner's routes. */
export const API_PREFIX = '/__pushlab/';

/** The per-start secret that only pages the backend served know; needed to run code. */
export const TOKEN_HEADER = 'x-pushlab-token';

/**
 * The host name the backend's run frames are served on, beside the page's own (server/frame-origin.ts says why):
 * the page finds the frames' origin in its <meta name="pushlab-backend"> as `frames`.
 */
export const FRAME_HOSTNAME = 'localhost';

/** The query parameter a run frame's URL carries so the backend's proxy sends its requests to this page's run. */
export const PAGE_PARAM = 'pushlab-page';

export const apiPath = {
  health: `${API_PREFIX}health`,
  runs: `${API_PREFIX}runs`,
  network: `${API_PREFIX}network`,
  runLog: (runId: string) => `${API_PREFIX}runs/${encodeURIComponent(runId)}/log`,
  runStop: (runId: string) => `${API_PREFIX}runs/${encodeURIComponent(runId)}/stop`,
};

/**
 * The backend's route to a port of a page's run, as the learner's code named it: `ws://localhost:8181/x` from the run
 * frame goes to `<backend>/__pushlab/ports/<pageId>/8181/x`. The learner's server may not really be on 8181 (the port
 * was taken), and this way the network panel's conditions apply to it too.
 */
export const learnerPortPath = (pageId: string, port: number, rest = '/') =>
  `${API_PREFIX}ports/${encodeURIComponent(pageId)}/${port}${rest.startsWith('/') ? rest : `/${rest}`}`;

export const LEARNER_PORT_ROUTE = /^\/__pushlab\/ports\/([^/]+)\/(\d{1,5})(\/.*)?$/;

export interface RunRequest {
  /** Identifies the page (one tab): the backend keeps one run per page and ends the previous one on a new Run. */
  pageId: string;
  lessonId: string;
  files: { 'server.js': string };
}

/** Why the backend ended a run, when it was the backend that did. */
export type EndReason = 'stopped' | 'replaced' | 'page-closed' | 'idle' | 'limit' | 'shutdown';

/** A limit a run went over (server/run-watch.ts), carried by its exit so the page can say it in the learner's language. */
export type LimitViolation =
  | { kind: 'memory'; bytes: number; limit: number }
  | { kind: 'processes'; count: number; limit: number }
  | { kind: 'files'; count: number; limit: number }
  | { kind: 'address'; protocol: 'tcp' | 'udp'; address: string; port: number };

/** One event of a run's log stream; `time` is ms since the run started. */
export type RunLogEvent =
  | { type: 'stdout' | 'stderr'; text: string; time: number }
  | {
      type: 'listening';
      /** The port the learner's code asked for. */
      port: number;
      /** Where it really listens: another port when that one was taken on this machine (reach it by learnerPortPath). */
      actualPort: number;
      address: string;
      http: boolean;
      time: number;
    }
  | {
      type: 'exit';
      code: number | null;
      signal: string | null;
      reason: EndReason | null;
      /** With reason 'limit': which one. */
      limit?: LimitViolation;
      time: number;
    };

export type RunLogEventType = RunLogEvent['type'];
