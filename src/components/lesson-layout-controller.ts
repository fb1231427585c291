import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clampSplit, loadSplit, loadWorkspaceFull, saveSplit, saveWorkspaceFull } from '../page/layout-prefs.js';

/** On a narrow screen the lesson shows one of these at a time. */
export type NarrowPane = 'read' | 'code' | 'run';
export const NARROW_PANES: readonly NarrowPane[] = ['read', 'code', 'run'];

/**
 * Below this width the lesson text and the playground do not fit side by side (a phone; a tablet in portrait still
 * gets the split): the lesson shows Read / Code / Run as tabs instead of a column thousands of pixels long.
 */
export const NARROW_QUERY = '(max-width: 760px)';

/**
 * How <lesson-view> is laid out: on a wide screen, where the split between text and playground sits and whether the
 * playground has the whole window (both remembered, see page/layout-prefs.ts); on a narrow one, which pane is shown.
 * The host reflects it as attributes its styles read: `narrow`, `pane="read|code|run"`, `full`, and `--pl-split`.
 */
export class LessonLayoutController implements ReactiveController {
  /** The lesson text's share of the width, in percent. */
  split = loadSplit();
  full = loadWorkspaceFull();
  narrow = false;
  pane: NarrowPane = 'read';
  private readonly media = window.matchMedia(NARROW_QUERY);

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    this.narrow = this.media.matches;
    this.media.addEventListener('change', this.onMedia);
  }

  hostDisconnected(): void {
    this.media.removeEventListener('change', this.onMedia);
  }

  hostUpdate(): void {
    const host = this.host;
    host.toggleAttribute('narrow', this.narrow);
    host.toggleAttribute('full', this.full && !this.narrow);
    host.setAttribute('pane', this.pane);
    host.style.setProperty('--pl-split', `${this.split}%`);
  }

  /** The sticky parts sit under the page's header, whatever its height in this language and font. */
  hostUpdated(): void {
    const top = `${this.host.offsetTop}px`;
    if (this.host.style.getPropertyValue('--pl-top') !== top) this.host.style.setProperty('--pl-top', top);
  }

  private onMedia = (event: MediaQueryListEvent): void => {
    this.narrow = event.matches;
    this.host.requestUpdate();
  };

  /** While dragging: moves the split without remembering it yet. */
  moveSplit(percent: number): void {
    this.split = clampSplit(percent);
    this.host.requestUpdate();
  }

  /** A drag ended or a key moved the split: this is where the learner wants it. */
  commitSplit(percent: number): void {
    this.moveSplit(percent);
    saveSplit(this.split);
  }

  setFull(full: boolean): void {
    this.full = full;
    saveWorkspaceFull(full);
    this.host.requestUpdate();
  }

  show(pane: NarrowPane): void {
    this.pane = pane;
    this.host.requestUpdate();
  }
}
