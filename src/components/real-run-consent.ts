import { localized, msg } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import type { RealRunAnswer } from './lesson-run-controller.js';

/**
 * Asked before a share link's server.js runs in real Node. A link can come from anyone, and real mode runs its code
 * on the learner's computer with their files and network; the browser runs it in a page with neither. So the
 * learner sees the code and chooses, and the safe choice is the one that has focus. `ask()` resolves with the choice
 * ('cancel' also for Escape).
 */
@customElement('real-run-consent')
@localized()
export class RealRunConsent extends LitElement {
  static override styles = css`
    /* Only the modal dialog shows, in the top layer: the element itself takes no place in the lesson's grid. */
    :host { display: contents; }
    dialog { box-sizing: border-box; width: min(720px, calc(100vw - 24px)); max-width: none; border: 1px solid var(--pl-border); border-radius: 8px; padding: 18px 20px; }
    dialog::backdrop { background: rgb(0 0 0 / 35%); }
    h2 { margin: 0 0 8px; font-size: 17px; }
    p { margin: 6px 0; line-height: 1.5; }
    pre { max-height: 40vh; overflow: auto; background: var(--pl-code-bg); border-radius: 6px; padding: 8px 10px;
      font: 12px/1.45 var(--pl-mono); white-space: pre; }
    .actions { display: flex; flex-wrap: wrap; gap: 8px; justify-content: flex-end; margin-top: 12px; }
    button { font: inherit; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--pl-border); background: var(--pl-surface); cursor: pointer; }
    button.safe { background: var(--pl-accent); color: #fff; border-color: var(--pl-accent); }
    button.danger { color: var(--pl-warn); }
    button:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: 2px; }
  `;

  @state() private code = '';
  @query('dialog') private dialog!: HTMLDialogElement;
  private answer: ((choice: RealRunAnswer) => void) | undefined;

  async ask(serverCode: string): Promise<RealRunAnswer> {
    this.answer?.('cancel');
    this.code = serverCode;
    await this.updateComplete;
    this.dialog.showModal();
    (this.renderRoot.querySelector('button.safe') as HTMLButtonElement | null)?.focus();
    return new Promise((resolve) => (this.answer = resolve));
  }

  private choose(choice: RealRunAnswer): void {
    const answer = this.answer;
    this.answer = undefined;
    if (this.dialog.open) this.dialog.close();
    answer?.(choice);
  }

  override render() {
    return html`<dialog aria-labelledby="consent-title" @cancel=${(e: Event) => (e.preventDefault(), this.choose('cancel'))}>
      <h2 id="consent-title">${msg('Run code from a link on your computer?', { id: 'consent-title' })}</h2>
      <p>
        ${msg(
          'This server.js came from a link, not from you. In Real Node it runs on your computer as you, and can read and change your files like any program you start. In the browser it cannot.',
          { id: 'consent-why' },
        )}
      </p>
      <p>${msg('Read it before you choose:', { id: 'consent-read' })}</p>
      <pre tabindex="0" aria-label="server.js">${this.code}</pre>
      <div class="actions">
        <button @click=${() => this.choose('cancel')}>${msg('Cancel', { id: 'consent-cancel' })}</button>
        <button class="danger" @click=${() => this.choose('real')}>${msg('Run on my computer', { id: 'consent-real' })}</button>
        <button class="safe" @click=${() => this.choose('browser')}>${msg('Run in the browser', { id: 'consent-browser' })}</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'real-run-consent': RealRunConsent;
  }
}
