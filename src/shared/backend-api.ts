/**
 * The contract between the page and the real-Node backend: server/backend.ts and server/runs.ts serve it,
 * src/page/backend-client.ts uses it. Both import it from here, so a path, a header or an event cannot drift apart.
 *
 *   GET  health            {version, exec}: a static site probes this to find a backend (no token)
 *   POST runs              RunRequest → 201 RunStarted
 *   GET  runs/<id>/log     RunLogEvent as Server-Sent Events (token in ?token=: EventSource sends no headers)
 *   POST runs/<id>/stop    ends the run; answers once every process of it has exited
 *   POST network           {pageId, conditions?, action?}: the network panel, applied by the backend's proxy
 */

/** Every path of the backend's own API starts here: a prefix no lesson uses, so it never meets a learner's routes. */
export const API_PREFIX = '/__pushlab/';

/** The per-start secret that only pages the backend served know; needed to run code. */
export const TOKEN_HEADER = 'x-pushlab-token';

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
  /** false: do not record the server's sockets ('wire' events); the benchmark's baseline. Recorded by default. */
  wire?: boolean;
}

/** The answer to POST runs (201). */
export interface RunStarted {
  runId: string;
  exec: boolean;
  /**
   * The run's clock when the backend answered, in ms like every `time` below: with the moments it sent the request and
   * got this answer, the page knows within what span the run's clock started.
   */
  time: number;
  /** When the run's clock started, in ms since 1970 by the backend's clock: where in that span, if the clocks agree. */
  origin: number;
}

/**
 * One read or one write of a socket that the learner's server accepted, exactly as it went to or came from the kernel
 * (server/child/wire-record.cjs), or its closing. The page turns each into a TrafficEvent of kind 'bytes', or 'close'
 * for the closing, on transport 'tcp' (src/shared/traffic.ts).
 */
export interface WireChunk {
  /** The connection, numbered from 1 in the order the run's servers accepted them. */
  conn: number;
  /** The server's port as the learner's code named it (it may really listen elsewhere: see 'listening'). */
  port: number;
  /** 'read': what the server's socket read (client to server); 'write': what it wrote; 'close': the socket closed. */
  dir: 'read' | 'write' | 'close';
  time: number;
  /** The true length of the read or write, kept or not. */
  bytes: number;
  /** Base64 of the bytes kept: the first `bytes - rawDropped` of them. */
  raw: string;
  /** Bytes not kept: over 64 KiB in one chunk, or over the run's budget of recorded payload per second. */
  rawDropped: number;
  /** More than 1 when a flood made the recorder merge this many reads or writes of the connection into one record. */
  merged?: number;
  /** dir 'close': who ended it (whose FIN came first), and whether it ended in an error (a reset) rather than by FIN. */
  closedBy?: 'client' | 'server';
  reset?: boolean;
  /** dir 'write': the line of server.js that handed these bytes to the socket, when one did (and the budget allowed). */
  source?: { line: number; column: number };
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
      /** A batch of the run's wire, in order. */
      type: 'wire';
      chunks: WireChunk[];
      /** Records this log stream skipped because its reader fell behind: how many, and their bytes. */
      lost?: { chunks: number; bytes: number };
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
