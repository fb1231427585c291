import { localized, msg } from '@lit/localize';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { EditorMark, MultiFileEditor } from '../editor/codemirror.js';
import { whenIdle } from '../page/idle.js';
import type { LessonFile } from '../shared/lesson.js';

/**
 * The lesson's files, one tab each, in CodeMirror. Until the editor's chunk has loaded the code is shown as plain
 * text, so the lesson is readable and runnable at once. Emits 'code-change' {file, text} and 'run-request'.
 */
@customElement('code-panel')
@localized()
export class CodePanel extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; background: var(--pl-surface); border: 1px solid var(--pl-border); border-radius: 8px; overflow: hidden; }
    [role='tablist'] { display: flex; gap: 2px; padding: 4px 6px 0; background: var(--pl-code-bg); border-bottom: 1px solid var(--pl-border); }
    [role='tab'] { font: 13px var(--pl-mono); border: 1px solid transparent; border-bottom: 0; border-radius: 6px 6px 0 0; padding: 5px 12px;
                   background: transparent; color: var(--pl-muted); cursor: pointer; }
    [role='tab'][aria-selected='true'] { background: var(--pl-surface); color: var(--pl-text); border-color: var(--pl-border); margin-bottom: -1px; }
    [role='tab']:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: -2px; }
    .side { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; }
    .side.server { background: var(--pl-server); }
    .side.client { background: var(--pl-client); }
    .side.page { background: var(--pl-muted); }
    .has-error { display: inline-block; width: 7px; height: 7px; border-radius: 50%; background: var(--pl-error); margin-left: 6px; vertical-align: 1px; }
    .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .editor { flex: 1; min-height: 0; overflow: auto; display: flex; flex-direction: column; }
    .cm-host { flex: 1; min-height: 0; }
    .cm-host[hidden] { display: none; }
    .cm-host .cm-editor { height: 100%; }
    pre { margin: 0; padding: 4px 12px; font: 13.5px/1.55 var(--pl-mono); white-space: pre; }
  `;

  @property({ attribute: false }) files: LessonFile[] = [];
  /** Text per file as the learner has it (edits or the lesson's code); read once when files change. */
  @property({ attribute: false }) texts: Record<string, string> = {};
  @state() private active = '';
  @state() private editorReady = false;
  /** CodeMirror's own element: Lit renders nothing inside it, so the two never fight over its children. */
  @query('.cm-host') private host!: HTMLElement;
  private editor: MultiFileEditor | undefined;
  /** Marks of the last run; also shown on the tabs, so an error in a file that is not shown is not missed. */
  @state() private pendingMarks: EditorMark[] = [];

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('files') && !this.files.some((f) => f.name === this.active)) {
      this.active = this.files.find((f) => f.name === 'client.js')?.name ?? this.files[0]?.name ?? '';
    }
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('files')) void this.createEditor();
  }

  private async createEditor(): Promise<void> {
    this.editor?.destroy();
    this.editor = undefined;
    this.editorReady = false;
    const files = this.files;
    if (files.length === 0) return;
    // The editor is most of the page's JavaScript; the code is readable (and runnable) as text until it arrives.
    await whenIdle();
    const { MultiFileEditor } = await import('../editor/codemirror.js');
    if (files !== this.files) return; // the lesson changed while the editor loaded
    await this.updateComplete;
    this.editor = new MultiFileEditor(
      this.host,
      files.map((f) => ({ ...f, code: this.texts[f.name] ?? f.code })),
      this.active,
      {
        onChange: (file, text) => this.dispatchEvent(new CustomEvent('code-change', { detail: { file, text } })),
        onRun: () => this.dispatchEvent(new CustomEvent('run-request')),
      },
      (file) => `${file}: ${msg('code', { id: 'code-label' })}`,
    );
    this.editor.mark(this.pendingMarks);
    this.editorReady = true;
  }

  /** Current text of every file: from the editor once it is there, else what it was given. */
  currentTexts(): Record<string, string> {
    if (this.editor) return this.editor.texts();
    return Object.fromEntries(this.files.map((f) => [f.name, this.texts[f.name] ?? f.code]));
  }

  replaceAll(texts: Record<string, string>): void {
    if (this.editor) for (const [file, text] of Object.entries(texts)) this.editor.replace(file, text);
    else {
      this.texts = { ...texts };
      for (const [file, text] of Object.entries(texts)) this.dispatchEvent(new CustomEvent('code-change', { detail: { file, text } }));
    }
  }

  mark(marks: EditorMark[]): void {
    this.pendingMarks = marks;
    this.editor?.mark(marks);
  }

  reveal(file: string, line: number): void {
    this.select(file);
    this.editor?.reveal(file, line);
  }

  private select(file: string): void {
    this.active = file;
    this.editor?.show(file);
  }

  private onTabKey(event: KeyboardEvent): void {
    const i = this.files.findIndex((f) => f.name === this.active);
    let next = i;
    if (event.key === 'ArrowRight') next = (i + 1) % this.files.length;
    else if (event.key === 'ArrowLeft') next = (i - 1 + this.files.length) % this.files.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = this.files.length - 1;
    else return;
    event.preventDefault();
    this.select(this.files[next]!.name);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[aria-selected="true"]')?.focus());
  }

  override render() {
    const sideOf = (name: string) => (name === 'server.js' ? 'server' : name === 'client.js' ? 'client' : 'page');
    return html`
      <div role="tablist" aria-label=${msg('Files', { id: 'code-files' })} @keydown=${this.onTabKey}>
        ${this.files.map(
          (f) => html`<button
            role="tab"
            id="tab-${f.name}"
            aria-selected=${f.name === this.active}
            aria-controls="editor"
            tabindex=${f.name === this.active ? 0 : -1}
            @click=${() => this.select(f.name)}
          ><span class="side ${sideOf(f.name)}" aria-hidden="true"></span>${f.name}${this.pendingMarks.some((m) => m.file === f.name)
            ? html`<span class="has-error" title=${msg('Has an error', { id: 'code-has-error' })}><span class="sr-only">${msg('Has an error', { id: 'code-has-error' })}</span></span>`
            : ''}</button>`,
        )}
      </div>
      <div class="editor" id="editor" role="tabpanel" aria-labelledby="tab-${this.active}">
        <div class="cm-host" ?hidden=${!this.editorReady}></div>
        ${this.editorReady ? '' : html`<pre>${this.texts[this.active] ?? this.files.find((f) => f.name === this.active)?.code}</pre>`}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'code-panel': CodePanel;
  }
}
