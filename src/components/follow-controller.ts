import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** A live view of the run's traffic that can select an event (the inspector, the sequence diagram). */
export type FollowHost = ReactiveControllerHost & HTMLElement & { selectedSeq?: number };

export interface FollowOptions {
  /** The element that scrolls; undefined before the first render. */
  scroller(): HTMLElement | undefined;
  /** Height in px of everything the view can scroll through, for following the newest event at the bottom. */
  contentHeight(): number;
  /**
   * An event was picked in another view: return the scrollTop that shows it here, or undefined if this view does not
   * show it (filtered out). The view then stops following, or the next events would scroll it away.
   */
  revealSelected(seq: number): number | undefined;
  /** How close (px) to the bottom a learner's scroll must end to count as "back at the bottom": half a row. */
  slack: number;
}

/**
 * Follow, pause, scroll and select for a live list of traffic events, the same in every view that shows one:
 * - follow: while on, the view keeps the newest event in sight; a learner who scrolls up stops it, and scrolling back
 *   to the bottom (or the checkbox) starts it again;
 * - pause: the view stops at the newest event it has seen (`until`) while the run and the buffer go on;
 * - scroll: the host renders from `top`, and this writes it to the scroller, telling its own scrolls from the learner's;
 * - select: `select()` picks an event here and fires `traffic-select` (detail: {seq}); a `selectedSeq` set from
 *   outside is scrolled into view.
 *
 * When the hooks run: `hostUpdate` (after the host's `willUpdate`, so the host has already laid out new events)
 * reveals a selection made elsewhere, then follows the bottom; `hostUpdated` (before the host's `updated`) moves the
 * scroller to `top`. Every change of state asks the host to update.
 *
 * @example private scroll = new FollowController(this, { scroller: () => this.list, contentHeight: () => n * ROW,
 *   revealSelected: (seq) => this.topOf(seq), slack: ROW / 2 });
 */
export class FollowController implements ReactiveController {
  /** The newest sequence number the view shows while paused. */
  pausedAt = 0;
  #paused = false;
  #following = true;
  #top = 0;
  #viewHeight: number;
  /** The scrollTop set here, to tell these scrolls from the learner's. */
  #ownScroll = -1;
  /** The host's selectedSeq was set by select(), not by another view. */
  #selectedFromHere = false;
  #seenSelected?: number;

  constructor(
    private readonly host: FollowHost,
    private readonly options: FollowOptions,
    viewHeight: number,
  ) {
    this.#viewHeight = viewHeight;
    host.addController(this);
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** The newest sequence number to show: the pause point, or everything. */
  get until(): number {
    return this.#paused ? this.pausedAt : Infinity;
  }

  /** Whether the view keeps the newest event in sight (the Autoscroll / Follow checkbox). */
  get following(): boolean {
    return this.#following;
  }

  set following(on: boolean) {
    this.#following = on;
    this.host.requestUpdate();
  }

  /** The scrollTop the host renders from. */
  get top(): number {
    return this.#top;
  }

  set top(value: number) {
    this.#top = value;
    this.host.requestUpdate();
  }

  /** The scroller's visible height, as the host measures it. */
  get viewHeight(): number {
    return this.#viewHeight;
  }

  set viewHeight(value: number) {
    this.#viewHeight = value;
    this.host.requestUpdate();
  }

  /** Pause at `newestSeen`, or resume; returns whether the view is now paused. */
  togglePause(newestSeen: number): boolean {
    this.#paused = !this.#paused;
    if (this.#paused) this.pausedAt = newestSeen;
    this.host.requestUpdate();
    return this.#paused;
  }

  /** Show `top` and stop following (keys moved through the list, or a selection came from elsewhere). */
  reveal(top: number): void {
    this.#following = false;
    this.top = top;
  }

  /** The learner picked `seq` in this view: select it and tell the other views. */
  select(seq: number): void {
    if (this.host.selectedSeq === seq) return;
    this.#selectedFromHere = true;
    this.host.selectedSeq = seq;
    this.host.dispatchEvent(new CustomEvent('traffic-select', { detail: { seq }, bubbles: true, composed: true }));
  }

  /** The scroller's scroll listener. */
  readonly onScroll = (): void => {
    const scroller = this.options.scroller();
    if (!scroller) return;
    const top = scroller.scrollTop;
    if (Math.abs(top - this.#ownScroll) < 1) {
      this.#ownScroll = -1;
      return;
    }
    this.top = top;
    // The learner scrolled: follow again only once they are back at the bottom.
    this.#following = top + scroller.clientHeight >= scroller.scrollHeight - this.options.slack;
  };

  hostUpdate(): void {
    const selected = this.host.selectedSeq;
    if (selected !== this.#seenSelected) {
      this.#seenSelected = selected;
      if (!this.#selectedFromHere && selected !== undefined) {
        const top = this.options.revealSelected(selected);
        if (top !== undefined) this.reveal(top);
      }
    }
    this.#selectedFromHere = false;
    if (this.#following && !this.#paused) this.#top = Math.max(0, this.options.contentHeight() - this.#viewHeight);
  }

  hostUpdated(): void {
    const scroller = this.options.scroller();
    if (scroller && Math.abs(scroller.scrollTop - this.#top) >= 1) {
      this.#ownScroll = this.#top;
      scroller.scrollTop = this.#top;
    }
  }
}
