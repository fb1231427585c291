import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * The handle between two side-by-side panes: drag it, or focus it and use the arrow keys (Home / End for the ends,
 * Page Up / Page Down for big steps), as the WAI-ARIA window splitter pattern describes
 * (https://www.w3.org/WAI/ARIA/apg/patterns/windowsplitter/). Its value is the first pane's share of its parent's
 * width, in percent. It does not move anything itself: it emits 'split-change' {value} while dragging or on a key,
 * and 'split-commit' {value} when a drag ends or a key was pressed, and the parent lays the panes out.
 */
@customElement('pane-splitter')
export class PaneSplitter extends LitElement {
  static override styles = css`
    :host { display: block; position: relative; cursor: col-resize; touch-action: none; outline: none;
            background: var(--pl-border); }
    /* A 1px line looks right but is hard to grab: the handle's hit area is wider than what is drawn. */
    :host::before { content: ''; position: absolute; inset: 0 -4px; }
    .grip { position: absolute; top: 50%; left: 50%; width: 6px; height: 36px; transform: translate(-50%, -50%);
            border-radius: 3px; background: var(--pl-surface); border: 1px solid var(--pl-border); }
    :host(:hover), :host([dragging]) { background: var(--pl-accent); }
    :host(:focus-visible) { background: var(--pl-accent); box-shadow: 0 0 0 2px var(--pl-accent); }
    :host(:focus-visible) .grip, :host(:hover) .grip, :host([dragging]) .grip { border-color: var(--pl-accent); }
  `;

  @property({ type: Number }) value = 50;
  @property({ type: Number }) min = 0;
  @property({ type: Number }) max = 100;
  /** What the value means, read by screen readers with the number (aria-valuetext). */
  @property() valueText = '';

  private dragFrom: DOMRect | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('role', 'separator');
    this.setAttribute('aria-orientation', 'vertical');
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    this.addEventListener('keydown', this.onKey);
    this.addEventListener('pointerdown', this.onPointerDown);
  }

  override disconnectedCallback(): void {
    this.removeEventListener('keydown', this.onKey);
    this.removeEventListener('pointerdown', this.onPointerDown);
    super.disconnectedCallback();
  }

  protected override updated(): void {
    this.setAttribute('aria-valuenow', String(this.value));
    this.setAttribute('aria-valuemin', String(this.min));
    this.setAttribute('aria-valuemax', String(this.max));
    if (this.valueText) this.setAttribute('aria-valuetext', this.valueText);
  }

  private emit(type: 'split-change' | 'split-commit', value: number): void {
    const clamped = Math.round(Math.min(this.max, Math.max(this.min, value)));
    this.dispatchEvent(new CustomEvent(type, { detail: { value: clamped }, bubbles: true, composed: true }));
  }

  private onKey = (event: KeyboardEvent): void => {
    const steps: Record<string, number> = { ArrowLeft: -2, ArrowRight: 2, PageUp: 10, PageDown: -10 };
    let next: number | undefined;
    if (event.key in steps) next = this.value + steps[event.key]!;
    else if (event.key === 'Home') next = this.min;
    else if (event.key === 'End') next = this.max;
    if (next === undefined) return;
    event.preventDefault();
    this.emit('split-change', next);
    this.emit('split-commit', next);
  };

  /** The parent's box: the value is a share of its width. In a shadow root the parent is the root's host. */
  private container(): Element {
    return this.parentElement ?? (this.getRootNode() as ShadowRoot).host;
  }

  private onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    event.preventDefault();
    this.focus();
    this.dragFrom = this.container().getBoundingClientRect();
    this.setPointerCapture(event.pointerId);
    this.toggleAttribute('dragging', true);
    this.addEventListener('pointermove', this.onPointerMove);
    this.addEventListener('pointerup', this.onPointerUp);
    this.addEventListener('pointercancel', this.onPointerUp);
  };

  private valueAt(event: PointerEvent): number {
    const box = this.dragFrom!;
    return ((event.clientX - box.left) / box.width) * 100;
  }

  private onPointerMove = (event: PointerEvent): void => {
    if (this.dragFrom) this.emit('split-change', this.valueAt(event));
  };

  private onPointerUp = (event: PointerEvent): void => {
    if (!this.dragFrom) return;
    this.emit('split-commit', this.valueAt(event));
    this.dragFrom = undefined;
    this.toggleAttribute('dragging', false);
    this.removeEventListener('pointermove', this.onPointerMove);
    this.removeEventListener('pointerup', this.onPointerUp);
    this.removeEventListener('pointercancel', this.onPointerUp);
  };

  override render() {
    return html`<div class="grip"></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pane-splitter': PaneSplitter;
  }
}
