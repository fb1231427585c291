import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Watches elements of a view's shadow root for size changes while the view is connected: `observe()` them once they
 * are rendered (in `firstUpdated`); `hostDisconnected` stops watching and `hostConnected` watches them again, so a
 * view moved in the page keeps following its size.
 *
 * Not @lit-labs/observers' ResizeController: that one calls `host.requestUpdate()` on every resize, which would
 * re-render (and, in <transport-comparison>, redraw every chart) even when the callback found nothing to change.
 *
 * @example private resize = new ResizeController(this, () => this.measure());
 *   protected override firstUpdated() { this.resize.observe(this.list!); }
 */
export class ResizeController implements ReactiveController {
  private readonly observer: ResizeObserver;
  private readonly targets = new Set<Element>();
  private connected = false;

  constructor(host: ReactiveControllerHost, callback: ResizeObserverCallback) {
    this.observer = new ResizeObserver(callback);
    host.addController(this);
  }

  observe(target: Element): void {
    this.targets.add(target);
    if (this.connected) this.observer.observe(target);
  }

  hostConnected(): void {
    this.connected = true;
    for (const target of this.targets) this.observer.observe(target);
  }

  hostDisconnected(): void {
    this.connected = false;
    this.observer.disconnect();
  }
}
