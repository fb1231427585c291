/**
 * Collects the run's output and posts it to the page in batches. A learner who logs 100,000 lines in a loop must not
 * cost 100,000 postMessages (or 100,000 formatted strings): each flush window keeps a bounded number of console lines
 * per side and only counts the rest, which the page shows as "N lines dropped".
 */
import type { BatchMessage, ConsoleItem, OutputItem, Side } from '../shared/protocol.js';
import type { TrafficInput } from '../shared/traffic.js';

export const CONSOLE_LINES_PER_FLUSH = 200;
export const TRAFFIC_PER_FLUSH = 5_000;
const FLUSH_MS = 50;

export class Outbox {
  private items: OutputItem[] = [];
  private consoleCount: Record<Side, number> = { server: 0, client: 0 };
  private dropped: Record<Side, number> = { server: 0, client: 0 };
  private trafficCount = 0;
  private droppedTraffic = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly runId: string,
    private readonly post: (message: BatchMessage) => void,
  ) {}

  /** Whether another console line from `side` would be kept in this window; if not, it is counted as dropped. */
  acceptConsole(side: Side): boolean {
    if (this.consoleCount[side] < CONSOLE_LINES_PER_FLUSH) return true;
    this.dropped[side]++;
    this.schedule();
    return false;
  }

  console(item: Omit<ConsoleItem, 'type'>): void {
    this.consoleCount[item.side]++;
    this.push({ type: 'console', ...item });
  }

  traffic(event: TrafficInput): void {
    if (this.trafficCount >= TRAFFIC_PER_FLUSH) {
      this.droppedTraffic++;
      return;
    }
    this.trafficCount++;
    this.push({ type: 'traffic', event });
  }

  push(item: OutputItem): void {
    this.items.push(item);
    this.schedule();
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends what is pending now; used directly for fatal errors that must reach the page before the frame dies. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    for (const side of ['server', 'client'] as const) {
      if (this.dropped[side] > 0) this.items.push({ type: 'dropped', what: 'console', side, count: this.dropped[side] });
      this.dropped[side] = 0;
      this.consoleCount[side] = 0;
    }
    if (this.droppedTraffic > 0) {
      this.items.push({ type: 'dropped', what: 'traffic', side: 'server', count: this.droppedTraffic });
    }
    this.droppedTraffic = 0;
    this.trafficCount = 0;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.post({ type: 'batch', runId: this.runId, items });
  }
}
