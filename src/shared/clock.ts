/**
 * The monotonic clock, for code that reads it per event, frame or write. In a browser `performance` is an accessor of
 * the window, so each mention of it is a call into the browser, and so is `performance.timeOrigin`: the run's clock,
 * `performance.timeOrigin + performance.now()`, cost 0.87 µs a read, and 0.11 µs with `performance` read once
 * (`npm run bench:page-costs`, Chromium 150). A flood reads it several times per message.
 * Each document (the page, each run frame) loads its own copy of this module, so each reads its own `performance`.
 * A test that fakes the clock by replacing `globalThis.performance` (vitest's fake timers do) does not reach this
 * one: code that must run on a fake clock takes it as an argument (the network link's `clock`).
 */
const perf = globalThis.performance;

/** `performance.now()`: ms since this document's (or process's) time origin. */
export const clockNow = (): number => perf.now();

/** `performance.timeOrigin`, which does not change for the life of a document. */
export const timeOrigin = perf.timeOrigin;
