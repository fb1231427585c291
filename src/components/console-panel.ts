import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { currentLang } from '../i18n/locale.js';
import type { ConsoleLine, ConsoleStore } from '../page/console-store.js';
import { partyName } from '../shared/localized.js';

/**
 * One side's console: every line with its time since the run started, errors with a link to the learner's line.
 * The store is bounded; this view shows what it holds and how many lines it had to drop. It follows new lines while
 * the learner is at the bottom and leaves the scroll alone when they have scrolled up to read.
 * Emits 'reveal-line' {file, line} when a location is clicked.
 */
@customElement('console-panel')
@localized()
export class ConsolePanel extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; min-width: 0; background: var(--pl-surface); border: 1px solid var(--pl-border); border-radius: 8px; overflow: hidden; }
    h3 { margin: 0; font-size: 12.5px; font-weight: 600; padding: 6px 10px; border-bottom: 1px solid var(--pl-border); background: var(--pl-code-bg);
         display: flex; align-items: center; gap: 6px; }
    h3 .dot { width: 8px; height: 8px; border-radius: 50%; }
    :host([side='server']) h3 .dot { background: var(--pl-server); }
    :host([side='client']) h3 .dot { background: var(--pl-client); }
    .count { margin-left: auto; font-weight: 400; color: var(--pl-muted); }
    .lines { flex: 1; overflow: auto; font: 12.5px/1.5 var(--pl-mono); padding: 4px 0; }
    .line { display: grid; grid-template-columns: 64px 1fr; gap: 8px; padding: 1px 10px; border-bottom: 1px solid #f0f0f0; }
    .time { color: var(--pl-muted); text-align: right; user-select: none; }
    .text { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; font: inherit; }
    .warn { background: #fff8e1; }
    .warn .text { color: var(--pl-warn); }
    .error { background: #fdecea; }
    .error .text { color: var(--pl-error); }
    .party { font-size: 11px; color: var(--pl-client); border: 1px solid currentColor; border-radius: 4px; padding: 0 4px; margin-right: 6px; }
    .dropped, .empty { color: var(--pl-muted); font-style: italic; padding: 4px 10px; }
    button.loc { font: inherit; color: var(--pl-accent); background: none; border: 0; padding: 0; cursor: pointer; text-decoration: underline; }
  `;

  @property({ reflect: true }) side: 'server' | 'client' = 'client';
  @property() label = '';
  @property({ attribute: false }) store: ConsoleStore | undefined;
  /** Bumped by the owner when the store changed; the store itself is mutable. */
  @property({ type: Number }) version = 0;
  @query('.lines') private scroller!: HTMLElement;
  private atBottom = true;

  protected override willUpdate(): void {
    const el = this.scroller;
    if (el) this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  }

  protected override updated(_changed: PropertyValues<this>): void {
    if (this.atBottom && this.scroller) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  private time(line: ConsoleLine): string {
    return Number.isFinite(line.time) ? `${(line.time / 1000).toFixed(3)}s` : '';
  }

  override render() {
    const store = this.store;
    const lines = store?.lines ?? [];
    return html`
      <h3 id="title"><span class="dot" aria-hidden="true"></span>${this.label}
        <span class="count">${lines.length === 1 ? msg('1 line', { id: 'console-count-one' }) : msg(str`${lines.length} lines`, { id: 'console-count' })}</span></h3>
      <div class="lines" role="log" aria-labelledby="title" tabindex="0">
        ${store && store.dropped > 0
          ? html`<div class="dropped">${msg(str`${store.dropped} earlier lines were dropped to keep the page responsive.`, { id: 'console-dropped' })}</div>`
          : nothing}
        ${lines.length === 0 ? html`<div class="empty">${msg('No output yet.', { id: 'console-empty' })}</div>` : nothing}
        ${repeat(
          lines,
          (l) => l.id,
          (l) => html`<div class="line ${l.level}">
            <span class="time">${this.time(l)}</span>
            <pre class="text">${l.party ? html`<span class="party">${partyName(l.party)[currentLang()]}</span>` : nothing}${l.text}${l.file && l.line
              ? html` <button class="loc" @click=${() => this.reveal(l)}>${l.file}:${l.line}</button>`
              : nothing}</pre>
          </div>`,
        )}
      </div>
    `;
  }

  private reveal(line: ConsoleLine): void {
    this.dispatchEvent(new CustomEvent('reveal-line', { detail: { file: line.file, line: line.line }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'console-panel': ConsolePanel;
  }
}
