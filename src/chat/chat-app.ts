/**
 * The chat page: pick a nickname and a room, then chat. Everything shown comes from a ChatClient (chat-client.ts);
 * this element only renders it and forwards what the person does. Messages are rendered through Lit text bindings,
 * never as HTML, so `<img src=x onerror=alert(1)>` is shown as typed.
 */
import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { ChatClient, newClientId, type PendingMessage, type TimelineEntry } from './chat-client.js';
import { charCount, DEFAULT_ROOM, MAX_NICK, MAX_ROOM, MAX_TEXT } from '../shared/chat-protocol.js';
import type { Lang, Localized } from '../shared/localized.js';
import { text, type StringKey } from './strings.js';

const LANG_KEY = 'pushlab.lang'; // the playground's key: one choice for the whole site
const CLIENT_KEY = 'pushlab.chat.client';
const NICK_KEY = 'pushlab.chat.nick';

function storage(kind: 'local' | 'session'): Storage | undefined {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return undefined; // some privacy modes throw: the page then simply forgets
  }
}

function initialLang(): Lang {
  const stored = storage('local')?.getItem(LANG_KEY);
  if (stored === 'zh' || stored === 'en') return stored;
  for (const tag of navigator.languages?.length ? navigator.languages : [navigator.language]) {
    if (tag.toLowerCase().startsWith('zh')) return 'zh';
    if (tag.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

/** Per tab (sessionStorage): two tabs are two people, and a reload stays the same one. */
function clientId(): string {
  const store = storage('session');
  const existing = store?.getItem(CLIENT_KEY);
  if (existing) return existing;
  const id = newClientId();
  store?.setItem(CLIENT_KEY, id);
  return id;
}

@customElement('chat-app')
export class ChatApp extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; height: 100%; box-sizing: border-box; }
    header { display: flex; align-items: center; gap: 1rem; padding: 0.6rem 1rem; background: var(--pl-surface);
      border-bottom: 1px solid var(--pl-border); }
    h1 { font-size: 1.1rem; margin: 0; }
    header .spacer { flex: 1; }
    .status { font-size: 0.85rem; color: var(--pl-muted); }
    .status.down { color: var(--pl-warn); }
    main { flex: 1; display: flex; min-height: 0; }
    aside { width: 14rem; padding: 1rem; border-right: 1px solid var(--pl-border); background: var(--pl-surface);
      overflow: auto; }
    aside h2 { font-size: 0.9rem; margin: 1rem 0 0.4rem; color: var(--pl-muted); }
    aside ul { list-style: none; margin: 0; padding: 0; }
    aside form { padding: 0; flex-wrap: wrap; }
    aside form input { width: 100%; box-sizing: border-box; }
    aside li button { background: none; border: 0; padding: 0.15rem 0; font: inherit; color: var(--pl-accent);
      cursor: pointer; }
    .conversation { flex: 1; display: flex; flex-direction: column; min-width: 0; }
    ol { flex: 1; list-style: none; margin: 0; padding: 1rem; overflow: auto; }
    li.message { margin: 0.25rem 0; line-height: 1.4; }
    li.message .from { font-weight: 600; margin-right: 0.4rem; }
    li.message .time { color: var(--pl-muted); font-size: 0.75rem; margin-right: 0.4rem; }
    li.message.private .from::after { content: ' 🔒'; }
    li.message .text { white-space: pre-wrap; overflow-wrap: anywhere; }
    li.notice, li.gap { color: var(--pl-muted); font-style: italic; font-size: 0.9rem; }
    li.pending { opacity: 0.6; }
    li.pending.failed { color: var(--pl-error); opacity: 1; }
    .typing { min-height: 1.3rem; padding: 0 1rem; color: var(--pl-muted); font-size: 0.85rem; }
    .notice-line { min-height: 1.3rem; padding: 0 1rem; color: var(--pl-warn); font-size: 0.85rem; }
    form { display: flex; gap: 0.5rem; align-items: center; padding: 0.6rem 1rem; }
    form.compose { border-top: 1px solid var(--pl-border); background: var(--pl-surface); }
    form.compose input[name='text'] { flex: 1; }
    input, select, button { font: inherit; padding: 0.35rem 0.5rem; }
    button[type='submit'] { background: var(--pl-accent); color: var(--pl-accent-text); border: 0; border-radius: 4px; }
    .join { max-width: 28rem; margin: 3rem auto; padding: 1.5rem; background: var(--pl-surface);
      border: 1px solid var(--pl-border); border-radius: 8px; }
    .join form { flex-direction: column; align-items: stretch; padding: 0; }
    .join label { display: flex; flex-direction: column; gap: 0.2rem; }
    .error { color: var(--pl-error); }
    .count { color: var(--pl-muted); font-size: 0.8rem; }
  `;

  /** The connection behind the page; public so a test can cut it as a network would (`client.socket.io.engine.close()`). */
  readonly client = new ChatClient(undefined, clientId());
  @state() private uiLang: Lang = initialLang();
  @state() private error: Localized | undefined;
  @state() private recipient = '';
  @state() private draft = '';
  @state() private unreachable = false;
  private unsubscribe: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.lang = this.uiLang === 'zh' ? 'zh-CN' : 'en';
    this.unsubscribe = this.client.subscribe(() => this.requestUpdate());
    this.client.socket.on('connect_error', () => (this.unreachable = true));
    this.client.socket.on('connect', () => (this.unreachable = false));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unsubscribe?.();
  }

  private t(key: StringKey, ...values: Array<string | number>): string {
    return text(this.uiLang, key, ...values);
  }

  private setLang(lang: Lang): void {
    this.uiLang = lang;
    storage('local')?.setItem(LANG_KEY, lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }

  private async join(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const nick = String(data.get('nick') ?? this.client.nick ?? '');
    const room = String(data.get('room') ?? DEFAULT_ROOM);
    const result = await this.client.join(room, nick);
    this.error = result.ok ? undefined : result.message;
    if (result.ok) {
      storage('local')?.setItem(NICK_KEY, result.nick);
      this.recipient = '';
    }
  }

  private send(event: SubmitEvent): void {
    event.preventDefault();
    const message = this.draft;
    if (message.trim() === '') return;
    this.draft = '';
    this.client.setTyping(false);
    void this.client.send(message, this.recipient || undefined);
  }

  private input(event: InputEvent): void {
    this.draft = (event.target as HTMLInputElement).value;
    this.client.setTyping(this.draft !== '');
  }

  override updated(): void {
    const list = this.renderRoot.querySelector('ol');
    if (list) list.scrollTop = list.scrollHeight;
  }

  override render() {
    const c = this.client;
    return html`
      <header>
        <h1>${this.t('title')}</h1>
        <span class="status ${c.connected ? '' : 'down'}" role="status">
          ${c.connected
            ? this.t('connected')
            : c.refused
              ? c.refused[this.uiLang]
              : this.unreachable && !c.room
                ? this.t('unreachable')
                : this.t('reconnecting')}
        </span>
        <span class="spacer"></span>
        <label>
          ${this.t('language')}
          <select @change=${(e: Event) => this.setLang((e.target as HTMLSelectElement).value as Lang)}>
            <option value="en" ?selected=${this.uiLang === 'en'}>English</option>
            <option value="zh" ?selected=${this.uiLang === 'zh'}>中文</option>
          </select>
        </label>
        <a href="./">${this.t('course')}</a>
      </header>
      ${c.room ? this.renderRoom() : this.renderJoin()}
    `;
  }

  private renderJoin() {
    const lost = this.client.lostRoom;
    return html`
      <section class="join">
        <p>${this.t('lead')}</p>
        <form @submit=${this.join}>
          <label>${this.t('nick')}
            <input name="nick" required maxlength=${MAX_NICK} autocomplete="nickname"
              .value=${storage('local')?.getItem(NICK_KEY) ?? ''} /></label>
          <label>${this.t('room')}
            <input name="room" required maxlength=${MAX_ROOM} .value=${DEFAULT_ROOM} /></label>
          <button type="submit">${this.t('join')}</button>
        </form>
        ${this.error || lost ? html`<p class="error" role="alert">${(this.error ?? lost)![this.uiLang]}</p>` : nothing}
      </section>
    `;
  }

  private renderRoom() {
    const c = this.client;
    const others = c.online.filter((n) => n !== c.nick);
    const typing = c.typing;
    return html`
      <main>
        <aside>
          <h2>${this.t('room')}: ${c.room}</h2>
          <form @submit=${this.join}>
            <input name="room" aria-label=${this.t('room')} maxlength=${MAX_ROOM} required size="10" />
            <button type="submit">${this.t('switchRoom')}</button>
          </form>
          ${this.error ? html`<p class="error" role="alert">${this.error[this.uiLang]}</p>` : nothing}
          <h2>${this.t('online')} (${c.count})</h2>
          <ul class="online" aria-label=${this.t('online')}>
            ${c.online.map((n) =>
              n === c.nick
                ? html`<li>${n}</li>`
                : html`<li><button @click=${() => (this.recipient = n)}>${n}</button></li>`,
            )}
          </ul>
        </aside>
        <section class="conversation">
          <ol aria-label=${this.t('messages')} aria-live="polite">
            ${c.timeline.map((e) => this.renderEntry(e))} ${c.pending.map((p) => this.renderPending(p))}
          </ol>
          <div class="typing">
            ${typing.length === 0 ? '' : this.t(typing.length === 1 ? 'typingOne' : 'typingMany', typing.join(', '))}
          </div>
          <div class="notice-line" role="status">${c.notice ? c.notice[this.uiLang] : ''}</div>
          <form class="compose" @submit=${this.send}>
            <label>${this.t('to')}
              <select .value=${this.recipient} @change=${(e: Event) => (this.recipient = (e.target as HTMLSelectElement).value)}>
                <option value="">${this.t('everyone')}</option>
                ${others.map((n) => html`<option value=${n} ?selected=${n === this.recipient}>${n}</option>`)}
              </select>
            </label>
            <input name="text" aria-label=${this.t('message')} autocomplete="off" .value=${this.draft}
              @input=${this.input} @blur=${() => c.setTyping(false)} />
            <span class="count">${this.t('count', charCount(this.draft), MAX_TEXT)}</span>
            <button type="submit" ?disabled=${charCount(this.draft) > MAX_TEXT}>${this.t('send')}</button>
          </form>
        </section>
      </main>
    `;
  }

  private renderEntry(e: TimelineEntry) {
    if (e.type === 'gap') return html`<li class="gap">${this.t('gap')}</li>`;
    if (e.type === 'notice') {
      return html`<li class="notice">${e.notice.nick} ${this.t(e.notice.kind)}</li>`;
    }
    const m = e.message;
    const time = new Date(m.time).toLocaleTimeString(this.uiLang === 'zh' ? 'zh-CN' : 'en', { hour: '2-digit', minute: '2-digit' });
    return html`<li class="message ${m.to ? 'private' : ''}" data-offset=${m.offset}>
      <span class="time">${time}</span><span class="from">${m.from}${m.to ? html` → ${m.to}` : nothing}</span
      ><span class="text">${m.text}</span>
    </li>`;
  }

  private renderPending(p: PendingMessage) {
    return html`<li class="message pending ${p.state}">
      <span class="from">${this.client.nick}${p.to ? html` → ${p.to}` : nothing}</span><span class="text">${p.text}</span>
      <span class="time">${this.t(p.state === 'failed' ? 'failed' : p.state === 'stored' ? 'stored' : 'sending')}</span>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-app': ChatApp;
  }
}
