import { localized, msg } from '@lit/localize';
import { css, html, LitElement } from 'lit';
import { customElement } from 'lit/decorators.js';
import { currentLang } from '../i18n/locale.js';
import { COURSE } from '../lessons/index.js';
import { lessonHref } from '../page/route.js';

/** The home page: what the course teaches, and every lesson in order. */
@customElement('course-list')
@localized()
export class CourseList extends LitElement {
  static override styles = css`
    :host { display: block; max-width: 880px; margin: 0 auto; padding: 32px 20px 64px; }
    h1 { font-size: 28px; margin: 0 0 8px; }
    .lead { color: var(--pl-muted); font-size: 17px; line-height: 1.6; margin: 0 0 28px; max-width: 60ch; }
    ol { list-style: none; padding: 0; margin: 0; display: grid; gap: 12px; }
    a { display: grid; grid-template-columns: 44px 1fr auto; gap: 4px 14px; align-items: center; padding: 16px 18px;
        background: var(--pl-surface); border: 1px solid var(--pl-border); border-radius: 10px; color: inherit; text-decoration: none; }
    a:hover { border-color: var(--pl-accent); }
    a:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: 2px; }
    .n { grid-row: span 2; width: 36px; height: 36px; border-radius: 50%; display: grid; place-items: center;
         background: var(--pl-code-bg); font-weight: 600; }
    .title { font-weight: 600; font-size: 17px; }
    .summary { color: var(--pl-muted); grid-column: 2; }
    .badge { grid-row: span 2; font-size: 12px; color: var(--pl-warn); border: 1px solid currentColor; border-radius: 999px; padding: 2px 8px; white-space: nowrap; }
  `;

  override render() {
    const lang = currentLang();
    return html`
      <h1>${msg('Server push, by running it', { id: 'home-title' })}</h1>
      <p class="lead">
        ${msg(
          'Each lesson has a server and a client you can edit and run right here in your browser, and shows every request, event and frame that travels between them. One switch runs the same server in real Node.',
          { id: 'home-lead' },
        )}
      </p>
      <nav aria-label=${msg('Lessons', { id: 'home-lessons' })}>
        <ol>
          ${COURSE.map(
            (l) => html`<li>
              <a href=${lessonHref(l.id)}>
                <span class="n" aria-hidden="true">${l.number}</span>
                <span class="title">${l.title[lang]}</span>
                ${l.load ? '' : html`<span class="badge">${msg('Being written', { id: 'home-soon' })}</span>`}
                <span class="summary">${l.summary[lang]}</span>
              </a>
            </li>`,
          )}
        </ol>
      </nav>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'course-list': CourseList;
  }
}
