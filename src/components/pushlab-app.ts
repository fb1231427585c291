import { localized, msg } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { currentLang } from '../i18n/locale.js';
import { lessonById } from '../lessons/index.js';
import { parseRoute, type Route } from '../page/route.js';
import './course-list.js';
import './language-switch.js';
import './lesson-view.js';

/** The page: a header, then the course list or one lesson, chosen by the URL's hash. */
@customElement('pushlab-app')
@localized()
export class PushlabApp extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 100vh; }
    header { display: flex; align-items: center; gap: 16px; padding: 8px 20px; background: var(--pl-surface);
             border-bottom: 1px solid var(--pl-border); position: sticky; top: 0; z-index: 10; }
    .brand { font-weight: 700; font-size: 18px; color: inherit; text-decoration: none; letter-spacing: 0.2px; }
    .brand span { color: var(--pl-accent); }
    .spacer { flex: 1; }
    main { flex: 1; display: flex; flex-direction: column; min-height: 0; }
    a:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: 2px; }
  `;

  @state() private route: Route = parseRoute(location.hash);
  private onHash = () => {
    this.route = parseRoute(location.hash);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHash);
    super.disconnectedCallback();
  }

  override updated(): void {
    const lesson = this.route.view === 'lesson' ? lessonById(this.route.id) : undefined;
    document.title = lesson ? `${lesson.title[currentLang()]} · Pushlab` : 'Pushlab';
  }

  override render() {
    const route = this.route;
    const lesson = route.view === 'lesson' ? lessonById(route.id) : undefined;
    return html`
      <header>
        <a class="brand" href="#/">Push<span>lab</span></a>
        <a href="#/">${msg('Course', { id: 'nav-course' })}</a>
        <span class="spacer"></span>
        <language-switch></language-switch>
      </header>
      <main>
        ${route.view === 'lesson' && lesson
          ? html`<lesson-view .meta=${lesson} .sharedCode=${route.code}></lesson-view>`
          : html`<course-list></course-list>`}
      </main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pushlab-app': PushlabApp;
  }
}
