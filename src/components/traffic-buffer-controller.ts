import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TrafficBuffer } from '../shared/traffic.js';

/** An element that shows the page's one TrafficBuffer, given to it as its `buffer` property. */
export type TrafficBufferHost = ReactiveControllerHost & { buffer?: TrafficBuffer };

export interface TrafficBufferOptions {
  /**
   * Runs synchronously on every notification of the buffer, before the frame is scheduled. For state a frame later
   * would be too late to see: clear() notifies while the buffer is empty, and a push in the same frame hides it.
   */
  onNotify?(buffer: TrafficBuffer): void;
  /** Runs at most once per animation frame after one or more notifications: read the new events here. */
  onFrame(): void;
}

/**
 * Keeps a view subscribed to the TrafficBuffer in its `buffer` property while the view is connected, and turns any
 * number of notifications into one `onFrame` call per animation frame, so a flood of events costs one read and one
 * render per frame whatever the rate.
 *
 * When the hooks run: `hostConnected` subscribes; `hostUpdate` (after the host's `willUpdate`, so the host has
 * already reset what it derives from the old buffer) follows a new `buffer`; `hostDisconnected` unsubscribes and
 * drops a pending frame. A buffer set while disconnected is subscribed to on the next connection.
 *
 * @example private traffic = new TrafficBufferController(this, { onFrame: () => this.sync() && this.revision++ });
 */
export class TrafficBufferController implements ReactiveController {
  private subscribed?: TrafficBuffer;
  private unsubscribe?: () => void;
  private frame = 0;
  private connected = false;

  constructor(
    private readonly host: TrafficBufferHost,
    private readonly options: TrafficBufferOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
    this.follow();
  }

  hostUpdate(): void {
    this.follow();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.subscribed = undefined;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Subscribe to the host's current buffer if it is not the one already subscribed to. */
  private follow(): void {
    const buffer = this.host.buffer;
    if (!this.connected || buffer === this.subscribed) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.subscribed = buffer;
    if (!buffer) return;
    this.unsubscribe = buffer.subscribe(() => {
      this.options.onNotify?.(buffer);
      if (this.frame) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.options.onFrame();
      });
    });
  }
}
