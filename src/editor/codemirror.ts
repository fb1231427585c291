/**
 * CodeMirror's default colours, with the two that read below 4.5:1 on white (escapes and template parts #e40, invalid
 * #f00; axe's color-contrast) darkened to the same hues.
 */
const readableHighlightStyle = HighlightStyle.define(
  defaultHighlightStyle.specs.map((spec) => (spec.color === '#e40' ? { ...spec, color: '#c23a00' } : spec.color === '#f00' ? { ...spec, color: '#c80000' } : spec)),
);

/**
 * The CodeMirror set-up, loaded lazily by <code-panel>: the editor is most of the page's JavaScript, and a lesson can
 * be read (and even run) before it arrives. One EditorView shows one EditorState per file, so each file keeps its own
 * undo history when the learner switches tabs.
 */
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { html } from '@codemirror/lang-html';
import { javascript } from '@codemirror/lang-javascript';
import { bracketMatching, defaultHighlightStyle, foldGutter, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';

export interface EditorFile {
  name: string;
  language: 'javascript' | 'html';
  code: string;
}

export interface EditorHandlers {
  onChange(file: string, text: string): void;
  onRun(): void;
}

export interface EditorMark {
  file: string;
  line: number;
  column: number;
  message: string;
}

export class MultiFileEditor {
  readonly view: EditorView;
  private states = new Map<string, EditorState>();
  private active: string;

  constructor(parent: HTMLElement, files: EditorFile[], active: string, private handlers: EditorHandlers, label: (file: string) => string) {
    for (const f of files) this.states.set(f.name, this.createState(f, label(f.name)));
    this.active = active;
    this.view = new EditorView({
      parent,
      state: this.states.get(active)!,
      dispatch: (tr, view) => {
        view.update([tr]);
        this.states.set(this.active, view.state);
        if (tr.docChanged) this.handlers.onChange(this.active, view.state.doc.toString());
      },
    });
  }

  private createState(file: EditorFile, ariaLabel: string): EditorState {
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      foldGutter(),
      drawSelection(),
      indentOnInput(),
      syntaxHighlighting(readableHighlightStyle, { fallback: true }),
      bracketMatching(),
      closeBrackets(),
      highlightActiveLine(),
      lintGutter(),
      keymap.of([
        // Mod-Enter runs from inside the editor, where the default keymap would otherwise insert a line.
        { key: 'Mod-Enter', run: () => (this.handlers.onRun(), true) },
        ...closeBracketsKeymap,
        ...defaultKeymap,
        ...historyKeymap,
        indentWithTab,
      ]),
      file.language === 'html' ? html() : javascript(),
      // An explicit tabindex: the editable content is what makes the scroller keyboard-reachable, and axe's
      // scrollable-region-focusable rule counts only elements focusable by tabindex or by nature.
      EditorView.contentAttributes.of({ 'aria-label': ariaLabel, tabindex: '0' }),
      EditorView.theme({
        '&': { height: '100%', fontSize: '13.5px', backgroundColor: 'var(--pl-surface)' },
        '.cm-scroller': { fontFamily: 'var(--pl-mono)', lineHeight: '1.55' },
        '.cm-gutters': { backgroundColor: 'var(--pl-code-bg)', borderRight: '1px solid var(--pl-border)' },
        // Where the keyboard is must show: the editor's own ring, since its content area fills it edge to edge.
        '&.cm-focused': { outline: '2px solid var(--pl-accent)', outlineOffset: '-2px' },
      }),
    ];
    return EditorState.create({ doc: file.code, extensions });
  }

  show(file: string): void {
    if (file === this.active || !this.states.has(file)) return;
    this.states.set(this.active, this.view.state);
    this.active = file;
    this.view.setState(this.states.get(file)!);
  }

  text(file: string): string {
    return (file === this.active ? this.view.state : this.states.get(file))?.doc.toString() ?? '';
  }

  texts(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.states.keys()) out[name] = this.text(name);
    return out;
  }

  /** Replaces a file's text as one undoable change, so Ctrl+Z brings the previous text back. */
  replace(file: string, text: string): void {
    const state = file === this.active ? this.view.state : this.states.get(file);
    if (!state || state.doc.toString() === text) return;
    const tr = state.update({ changes: { from: 0, to: state.doc.length, insert: text } });
    if (file === this.active) this.view.dispatch(tr);
    else {
      this.states.set(file, tr.state);
      this.handlers.onChange(file, text);
    }
  }

  /** Marks learner errors (syntax errors, the line of an uncaught exception) in the gutter and under the text. */
  mark(marks: EditorMark[]): void {
    for (const [name, state] of this.states) {
      const diagnostics: Diagnostic[] = marks
        .filter((m) => m.file === name)
        .map((m) => {
          const line = state.doc.line(Math.min(Math.max(m.line, 1), state.doc.lines));
          const from = Math.min(line.from + Math.max(m.column - 1, 0), line.to);
          return { from, to: Math.max(from + 1, line.to), severity: 'error', message: m.message };
        });
      const tr = state.update(setDiagnostics(state, diagnostics));
      if (name === this.active) this.view.dispatch(tr);
      else this.states.set(name, tr.state);
    }
  }

  /** Shows a file at a line, with the cursor there. */
  reveal(file: string, line: number): void {
    this.show(file);
    const doc = this.view.state.doc;
    const pos = doc.line(Math.min(Math.max(line, 1), doc.lines)).from;
    this.view.dispatch({ selection: { anchor: pos }, effects: EditorView.scrollIntoView(pos, { y: 'center' }) });
    this.view.focus();
  }

  destroy(): void {
    this.view.destroy();
  }
}
