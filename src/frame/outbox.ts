/**
 * Collects the run's output and posts it to the page in batches. A learner who logs 100,000 lines in a loop must not
 * cost 100,000 postMessages: each flush window keeps the newest lines of each side (as a terminal shows the end of a
 * flood, not its start) and counts the older ones, which the page shows as "N lines dropped".
 */
import type { BatchMessage, ConsoleItem, OutputItem, Side } from '../shared/protocol.js';
import type { TrafficInput } from '../shared/traffic.js';
import { packTraffic } from '../shared/traffic-packing.js';

export const CONSOLE_LINES_PER_FLUSH = 200;
export const TRAFFIC_PER_FLUSH = 5_000;
const FLUSH_MS = 50;

export class Outbox {
  /** In order; a console line pushed out by newer ones becomes null, so the others keep their order. */
  private items: (OutputItem | null)[] = [];
  /** Positions in `items` of each side's kept console lines, oldest first. */
  private consoleAt: Record<Side, number[]> = { server: [], client: [] };
  private dropped: Record<Side, number> = { server: 0, client: 0 };
  private trafficCount = 0;
  private droppedTraffic = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly runId: string,
    private readonly post: (message: BatchMessage) => void,
  ) {}

  console(item: Omit<ConsoleItem, 'type'>): void {
    const kept = this.consoleAt[item.side];
    if (kept.length >= CONSOLE_LINES_PER_FLUSH) {
      this.items[kept.shift()!] = null;
      this.dropped[item.side]++;
    }
    kept.push(this.items.length);
    this.push({ type: 'console', ...item });
  }

  traffic(event: TrafficInput): void {
    if (this.trafficCount >= TRAFFIC_PER_FLUSH) {
      this.droppedTraffic++;
      return;
    }
    this.trafficCount++;
    this.push({ type: 'traffic', event: packTraffic(event) });
  }

  push(item: OutputItem): void {
    this.items.push(item);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends what is pending now; used directly for fatal errors that must reach the page before the frame dies. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const items: OutputItem[] = [];
    for (const side of ['server', 'client'] as const) {
      if (this.dropped[side] > 0) items.push({ type: 'dropped', what: 'console', side, count: this.dropped[side] });
      this.dropped[side] = 0;
      this.consoleAt[side] = [];
    }
    if (this.droppedTraffic > 0) items.push({ type: 'dropped', what: 'traffic', side: 'server', count: this.droppedTraffic });
    this.droppedTraffic = 0;
    this.trafficCount = 0;
    for (const item of this.items) if (item) items.push(item);
    this.items = [];
    if (items.length > 0) this.post({ type: 'batch', runId: this.runId, items });
  }
}
