import { localized, msg } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { currentLang } from '../i18n/locale.js';
import { noBackendText, type BackendInfo } from '../page/backend-client.js';
import type { RunMode } from '../shared/protocol.js';

/**
 * Where server.js runs: in this browser, or in real Node through the local backend. On a static host with no backend
 * the real option stays selectable and, when picked, says how to start one instead of failing silently.
 * Emits 'mode-change' {mode}.
 */
@customElement('mode-switch')
@localized()
export class ModeSwitch extends LitElement {
  static override styles = css`
    :host { display: inline-flex; flex-direction: column; gap: 4px; font-size: 13px; }
    .group { display: inline-flex; border: 1px solid var(--pl-border); border-radius: 6px; overflow: hidden; }
    label { display: inline-flex; align-items: center; gap: 5px; padding: 5px 10px; cursor: pointer; background: var(--pl-surface); }
    label:has(input:checked) { background: #e8f0fe; color: var(--pl-accent); font-weight: 600; }
    label:has(input:focus-visible) { outline: 2px solid var(--pl-accent); outline-offset: -2px; }
    input { margin: 0; accent-color: var(--pl-accent); }
    .note { color: var(--pl-muted); max-width: 52ch; line-height: 1.45; }
    .note.warn { color: var(--pl-warn); }
    code { font-family: var(--pl-mono); background: var(--pl-code-bg); padding: 0 4px; border-radius: 3px; }
  `;

  @property() mode: RunMode = 'browser';
  /** undefined while looking for a backend, null when there is none. */
  @property({ attribute: false }) backend: BackendInfo | null | undefined;
  @state() private askedForReal = false;

  private pick(mode: RunMode): void {
    if (mode === 'real' && !this.backend) {
      // Keep the run where it can happen (the live() bindings put the radios back) and say what is missing.
      this.askedForReal = true;
      this.requestUpdate();
      return;
    }
    this.askedForReal = false;
    if (mode !== this.mode) this.dispatchEvent(new CustomEvent('mode-change', { detail: { mode } }));
  }

  override render() {
    const note = this.noteText();
    return html`
      <div class="group" role="radiogroup" aria-label=${msg('Where the server runs', { id: 'mode-label' })}>
        <label><input type="radio" name="mode" value="browser" .checked=${live(this.mode === 'browser')} @change=${() => this.pick('browser')} />${msg('In the browser', { id: 'mode-browser' })}</label>
        <label><input type="radio" name="mode" value="real" .checked=${live(this.mode === 'real')} @change=${() => this.pick('real')} />${msg('Real Node', { id: 'mode-real' })}</label>
      </div>
      ${note ? html`<div class="note ${this.askedForReal ? 'warn' : ''}" role=${this.askedForReal ? 'alert' : nothing}>${note}</div>` : nothing}
    `;
  }

  private noteText(): unknown {
    if (this.askedForReal && this.backend === null) return renderCode(noBackendText()[currentLang()]);
    if (this.askedForReal && this.backend === undefined) return msg('Looking for the local backend…', { id: 'mode-probing' });
    if (this.mode === 'real' && this.backend && !this.backend.exec) {
      return msg("This backend runs only the lessons' own server files: your edits to server.js are not run.", { id: 'mode-no-exec' });
    }
    return undefined;
  }
}

/** `npm start` in the backend's texts is shown as code. */
function renderCode(text: string) {
  return text.split(/`([^`]+)`/).map((part, i) => (i % 2 ? html`<code>${part}</code>` : part));
}

declare global {
  interface HTMLElementTagNameMap {
    'mode-switch': ModeSwitch;
  }
}
