import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { marked } from 'marked';
import { whenIdle } from '../page/idle.js';

/**
 * Lesson prose. The Markdown is the course's own (shipped with the site, never user input), so rendering its HTML is
 * safe. Code blocks are highlighted once the editor's highlighter has loaded, so the prose never waits for it.
 */
@customElement('markdown-view')
export class MarkdownView extends LitElement {
  static override styles = css`
    :host { display: block; line-height: 1.7; font-size: 15.5px; }
    p { margin: 0 0 14px; }
    h2, h3 { margin: 22px 0 10px; line-height: 1.3; }
    code { font-family: var(--pl-mono); font-size: 0.9em; background: var(--pl-code-bg); padding: 1px 5px; border-radius: 4px; }
    pre { line-height: 1.55; font-size: 13px; background: var(--pl-code-bg); border: 1px solid var(--pl-border); border-radius: 8px; padding: 10px 14px; overflow: auto; margin: 0 0 14px; }
    /* A long packet or URL in running text wraps rather than widening a phone's page. */
    :not(pre) > code { overflow-wrap: anywhere; }
    pre:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: 2px; }
    pre code { background: none; padding: 0; font-size: inherit; }
    ul, ol { padding-left: 22px; margin: 0 0 14px; }
    li { margin: 3px 0; }
    a { color: var(--pl-accent); }
    /* A table wider than a phone scrolls inside itself (display: block keeps its rows a table) instead of widening the page. */
    table { border-collapse: collapse; margin: 0 0 14px; font-size: 14px; display: block; max-width: 100%; overflow-x: auto; }
    table:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: 2px; }
    th, td { border: 1px solid var(--pl-border); padding: 4px 10px; text-align: left; }
    /* One Light's hues, darkened until each reads at 4.5:1 or more on the code background (axe's color-contrast). */
    .tok-keyword { color: #a626a4; }
    .tok-string, .tok-string2 { color: #387a37; }
    .tok-number, .tok-bool, .tok-atom { color: #8a6100; }
    .tok-comment { color: #646b74; font-style: italic; }
    .tok-variableName.tok-definition, .tok-propertyName.tok-definition { color: #2f5fcf; }
    .tok-typeName, .tok-className { color: #8a5d00; }
  `;

  @property() source = '';

  override render() {
    return html`${unsafeHTML(marked.parse(this.source, { async: false }))}`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('source')) return;
    // A code block or a table wider than the text scrolls sideways: a keyboard user must be able to focus it to scroll it.
    for (const wide of this.renderRoot.querySelectorAll<HTMLElement>('pre, table')) wide.tabIndex = 0;
    void this.highlight();
  }

  private async highlight(): Promise<void> {
    const blocks = [...this.renderRoot.querySelectorAll<HTMLElement>('pre code.language-js, pre code.language-javascript')];
    if (blocks.length === 0) return;
    await whenIdle();
    const { highlightJs } = await import('../editor/highlight.js');
    for (const block of blocks) highlightJs(block);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'markdown-view': MarkdownView;
  }
}
