import { installClientTaps } from '../../../src/frame/taps/index.js';
import type { TrafficInput } from '../../../src/shared/traffic.js';

/** Installs the taps on a window and keeps what they report, as the run frame would post it. */
export function record(win: Window & typeof globalThis, party = 'client') {
  const events: TrafficInput[] = [];
  let clock = 0;
  const uninstall = installClientTaps(win, { party, now: () => ++clock, report: (e) => events.push(e) });
  return {
    events,
    uninstall,
    kinds: (conn?: string) => events.filter((e) => !conn || e.conn === conn).map((e) => e.kind),
    /** Resolves once an event matching `test` is reported (polling a microtask-free way: on each report). */
    async until(test: (e: TrafficInput) => boolean, timeoutMs = 5000): Promise<TrafficInput> {
      const start = performance.now();
      for (;;) {
        const hit = events.find(test);
        if (hit) return hit;
        if (performance.now() - start > timeoutMs) throw new Error(`no such event in ${JSON.stringify(events, null, 1)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
