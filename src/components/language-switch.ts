import { localized, msg } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { changeLang, currentLang } from '../i18n/locale.js';
import type { Lang } from '../shared/protocol.js';

/** 中文 | English. Each label is written in its own language, so a reader finds theirs whichever is active. */
@customElement('language-switch')
@localized()
export class LanguageSwitch extends LitElement {
  static override styles = css`
    :host { display: inline-flex; border: 1px solid var(--pl-border); border-radius: 6px; overflow: hidden; }
    button { font: inherit; font-size: 13px; border: 0; padding: 4px 10px; background: var(--pl-surface); color: var(--pl-text); cursor: pointer; }
    button[aria-pressed='true'] { background: var(--pl-accent); color: var(--pl-accent-text); }
    button:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: -2px; }
  `;

  override render() {
    const lang = currentLang();
    const option = (value: Lang, label: string) =>
      html`<button lang=${value === 'zh' ? 'zh-CN' : 'en'} aria-pressed=${lang === value} @click=${() => changeLang(value)}>${label}</button>`;
    return html`<div role="group" aria-label=${msg('Language', { id: 'lang-label' })}>${option('zh', '中文')}${option('en', 'English')}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'language-switch': LanguageSwitch;
  }
}
