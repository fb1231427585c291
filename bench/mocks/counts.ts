/** What one run of the bench page does (bench/mocks/client.js reads it as BENCH_CONFIG), for bench:mocks and bench:mocks-ab. */
export const RUN_COUNTS = {
  payloadBytes: 100,
  warmup: 100,
  roundTrips: 1_000,
  wsFlood: 10_000,
  sseEvents: 20_000,
  ioFlood: 5_000,
  /** A phase (connect, round trips, flood) that has not finished by then reports an error. */
  phaseMs: 60_000,
  /** A flood that has not come back by then reports what it counted. */
  floodMs: 20_000,
  totalMs: 200_000,
};

/** Where the in-browser runtime's client.js connects: the lesson's own ports, served by the run's server.js. */
export const RUNTIME_URLS = { wsUrl: 'ws://localhost:8181', httpUrl: 'http://localhost:3000' };

/** A flood as client.js reports it. */
export interface Flood {
  count: number;
  ms: number;
  complete: boolean;
}
