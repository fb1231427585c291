/**
 * CPU time Chromium spends on one page, for comparisons that rates cannot settle on these shared machines: a rate
 * swings by ±30% between neighbouring rounds here, CPU time (which waiting for a core does not add to) by about ±15%.
 * Used by bench:mocks-ab (a build against another) and bench:mocks (the wire record on against off).
 */
import type { CDPSession } from 'playwright-core';

/** Each Chromium process's kind and CPU time so far, in ms (DevTools' SystemInfo.getProcessInfo, 10 ms steps). */
export type CpuSnapshot = Map<number, { type: string; ms: number }>;

/** `session`: the browser's own CDP session (Browser.newBrowserCDPSession). */
export async function cpuSnapshot(session: CDPSession): Promise<CpuSnapshot> {
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo' as never)) as { processInfo: Array<{ id: number; type: string; cpuTime: number }> };
  return new Map(processInfo.map((p) => [p.id, { type: p.type, ms: p.cpuTime * 1000 }]));
}

/**
 * CPU ms spent between two snapshots by the page's own renderer (new with its context, counted whole) and by the
 * processes every page shares (browser, GPU, network service). A renderer already there before is another context's,
 * still shutting down, or the spare Chromium keeps ready: not this page's. A process gone by the second snapshot is
 * not counted (it was no page of this one's either).
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let ms = 0;
  for (const [id, { type, ms: time }] of after) {
    const earlier = before.get(id);
    if (type === 'renderer' && earlier) continue;
    ms += Math.max(0, time - (earlier?.ms ?? 0)); // a reused process id is not negative time
  }
  return ms;
}
