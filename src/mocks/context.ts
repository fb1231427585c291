/**
 * What the run frame hands the in-browser server runtime. Shims report the server's side of the traffic through
 * `report`, speak to the learner through `log` (the server console, as Node would print a warning), and end the run
 * through `fatal` when Node would have crashed (an exception thrown in a request handler kills a Node server).
 */
import type { Lang } from '../shared/protocol.js';
import type { SourceLookup, TrafficDetails, TrafficInput } from '../shared/traffic.js';
import type { Network } from './network/network.js';

export interface RuntimeContext {
  /** The run frame's window: shims patch its WebSocket and start MSW in it. */
  win: Window & typeof globalThis;
  /** Server-side traffic events (observer 'server'). */
  report(event: TrafficInput): void;
  /** ms since the run started; the same clock as every other event of the run. */
  now(): number;
  /** A line in the server console. */
  log(level: 'log' | 'warn' | 'error', text: string): void;
  /** Node would crash here: report the error (with its learner location, from the stack) and end the run. */
  fatal(error: unknown): void;
  lang: Lang;
  /** Id of this run: shims may use it to tell stale service-worker traffic from the current run's. */
  runId: string;
  /**
   * The line of server.js on the stack now, for a report made later (a queued send): the traffic names the line that
   * caused it (src/frame/call-site.ts). Absent in the shims' own tests.
   */
  callSite?(): SourceLookup;
  /** The run's network conditions (the network panel); absent: a perfect network, as in the shims' own tests. */
  network?: Network;
  /** false: no record of the wire (WireTap), only to measure what the record costs (bench:mocks). Default on. */
  recordWire?: boolean;
}

/** A shim's installed part: the modules it provides to `require`, and how to tear it down on Stop. */
export interface ShimInstall {
  modules: Record<string, unknown>;
  stop(): void | Promise<void>;
  /** For runs with several client frames: give another frame this shim's client side (its WebSocket, its routing). */
  attachClient?(win: Window & typeof globalThis, party: string): Promise<() => void> | (() => void);
  /** The http shim: answers a request as this run's servers would (undefined: not ours, let it through). */
  serveRequest?(request: Request): Response | Promise<Response> | undefined;
}
