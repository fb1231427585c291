import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { marked } from 'marked';
import { currentLang } from '../i18n/locale.js';
import { markPassed, passedExercises } from '../page/progress.js';
import type { CheckResult, Exercise, Observation } from '../shared/lesson.js';
import './markdown-view.js';

type Status = 'idle' | 'checking' | 'pass' | 'fail';

/**
 * A lesson's exercises with their live checks. Each check reads the run's observation (traffic and console) as it
 * grows: it passes as soon as the run shows what the exercise asks for, and says what it saw and expected once the run
 * has had time enough (or ended) without it. Hints open one at a time; the solution can be shown and used.
 * Emits 'use-solution' {files}.
 */
@customElement('exercise-list')
@localized()
export class ExerciseList extends LitElement {
  static override styles = css`
    :host { display: block; }
    h2 { font-size: 15px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--pl-muted); margin: 26px 0 4px; display: flex; gap: 8px; align-items: baseline; }
    .progress { text-transform: none; letter-spacing: 0; font-weight: 400; }
    ol { list-style: none; padding: 0; margin: 0; display: grid; gap: 12px; }
    li { border: 1px solid var(--pl-border); border-radius: 8px; padding: 10px 14px; background: var(--pl-surface); }
    li.pass { border-color: #9bd3ae; background: #f3fbf5; }
    .head { display: flex; gap: 8px; align-items: baseline; }
    h3 { margin: 0; font-size: 15.5px; flex: 1; }
    .badge { font-size: 12.5px; border-radius: 999px; padding: 1px 9px; white-space: nowrap; }
    .badge.pass { background: #2da44e; color: #fff; }
    .badge.fail { background: #fdecea; color: var(--pl-error); }
    .badge.checking, .badge.idle { background: var(--pl-code-bg); color: var(--pl-muted); }
    .badge.done { background: #e6f4ea; color: #1a7f37; }
    markdown-view { font-size: 14.5px; margin-top: 6px; }
    .why { font-size: 14px; background: #fff8e1; border-radius: 6px; padding: 6px 10px; margin: 6px 0; line-height: 1.5; }
    .why div + div { margin-top: 2px; }
    .actions { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 4px; }
    button { font: inherit; font-size: 13.5px; background: none; border: 0; padding: 0; color: var(--pl-accent); cursor: pointer; text-decoration: underline; }
    button:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: 2px; }
    .hint { font-size: 14px; margin: 6px 0 0; padding-left: 10px; border-left: 3px solid var(--pl-accent); }
    .hint code { font-family: var(--pl-mono); font-size: 0.9em; background: var(--pl-code-bg); padding: 1px 5px; border-radius: 4px; overflow-wrap: anywhere; }
    pre { font: 12.5px/1.5 var(--pl-mono); background: var(--pl-code-bg); border-radius: 6px; padding: 8px 10px; overflow: auto; max-height: 260px; margin: 6px 0; }
    .file { font: 12px var(--pl-mono); color: var(--pl-muted); margin-top: 6px; }
  `;

  @property({ attribute: false }) exercises: Exercise[] = [];
  @property() lessonId = '';
  /** The current run as checks see it; undefined before the first run. */
  @property({ attribute: false }) observation: Observation | undefined;
  /** Whether the run is still going (a stopped run's failing checks are final). */
  @property({ type: Boolean }) running = false;

  @state() private results = new Map<string, CheckResult>();
  @state() private hintsShown = new Map<string, number>();
  @state() private solutionShown = new Set<string>();
  @state() private passedEver = new Set<string>();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('lessonId')) {
      this.passedEver = passedExercises(this.lessonId);
      this.results = new Map();
      this.hintsShown = new Map();
      this.solutionShown = new Set();
    }
    if (changed.has('observation')) this.evaluate();
  }

  private evaluate(): void {
    const observation = this.observation;
    if (!observation) {
      this.results = new Map();
      return;
    }
    const results = new Map<string, CheckResult>();
    for (const exercise of this.exercises) {
      let result: CheckResult;
      try {
        result = exercise.check(observation);
      } catch (error) {
        // A check that cannot read an unusual observation must not take the lesson down with it.
        result = { pass: false, saw: { en: String(error), zh: String(error) } };
      }
      results.set(exercise.id, result);
      if (result.pass && !this.passedEver.has(exercise.id)) {
        markPassed(this.lessonId, exercise.id);
        this.passedEver = new Set([...this.passedEver, exercise.id]);
      }
    }
    this.results = results;
  }

  private status(exercise: Exercise): Status {
    const result = this.results.get(exercise.id);
    if (!this.observation || !result) return 'idle';
    if (result.pass) return 'pass';
    return this.running && this.observation.elapsed < exercise.watchMs ? 'checking' : 'fail';
  }

  override render() {
    if (this.exercises.length === 0) return nothing;
    const lang = currentLang();
    const done = this.exercises.filter((e) => this.passedEver.has(e.id)).length;
    const total = this.exercises.length;
    return html`
      <h2 id="ex-title">${msg('Exercises', { id: 'ex-title' })}
        <span class="progress">${msg(str`${done} of ${total} done`, { id: 'ex-progress' })}</span></h2>
      <ol aria-labelledby="ex-title">
        ${this.exercises.map((exercise, i) => {
          const status = this.status(exercise);
          const result = this.results.get(exercise.id);
          const hints = this.hintsShown.get(exercise.id) ?? 0;
          const showSolution = this.solutionShown.has(exercise.id);
          return html`<li class=${status === 'pass' ? 'pass' : ''} data-exercise=${exercise.id}>
            <div class="head">
              <h3>${i + 1}. ${exercise.title[lang]}</h3>
              ${this.passedEver.has(exercise.id) && status !== 'pass' ? html`<span class="badge done">${msg('Done before', { id: 'ex-done' })}</span>` : nothing}
              <span class="badge ${status}" role="status" aria-live="polite">${this.statusText(status)}</span>
            </div>
            <markdown-view .source=${exercise.task[lang]}></markdown-view>
            ${status === 'fail' && result && (result.saw || result.expected)
              ? html`<div class="why">
                  ${result.saw ? html`<div><strong>${msg('Saw:', { id: 'ex-saw' })}</strong> ${result.saw[lang]}</div>` : nothing}
                  ${result.expected ? html`<div><strong>${msg('Expected:', { id: 'ex-expected' })}</strong> ${result.expected[lang]}</div>` : nothing}
                </div>`
              : nothing}
            ${exercise.hints[lang].slice(0, hints).map((h) => html`<p class="hint">${unsafeHTML(marked.parseInline(h, { async: false }))}</p>`)}
            <div class="actions">
              ${hints < exercise.hints[lang].length
                ? html`<button @click=${() => (this.hintsShown = new Map(this.hintsShown).set(exercise.id, hints + 1))}>
                    ${hints === 0 ? msg('Show a hint', { id: 'ex-hint' }) : msg('Another hint', { id: 'ex-hint-more' })}</button>`
                : nothing}
              <button aria-expanded=${showSolution} @click=${() => this.toggleSolution(exercise.id)}>
                ${showSolution ? msg('Hide the solution', { id: 'ex-solution-hide' }) : msg('Show the solution', { id: 'ex-solution' })}</button>
              ${showSolution
                ? html`<button @click=${() => this.dispatchEvent(new CustomEvent('use-solution', { detail: { files: exercise.solution } }))}>
                    ${msg('Put the solution in the editor', { id: 'ex-use' })}</button>`
                : nothing}
            </div>
            ${showSolution
              ? Object.entries(exercise.solution).map(([file, code]) => html`<div class="file">${file}</div><pre>${code}</pre>`)
              : nothing}
          </li>`;
        })}
      </ol>
    `;
  }

  private toggleSolution(id: string): void {
    const next = new Set(this.solutionShown);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.solutionShown = next;
  }

  private statusText(status: Status): string {
    switch (status) {
      case 'pass':
        return msg('Passed', { id: 'ex-pass' });
      case 'fail':
        return msg('Not yet', { id: 'ex-fail' });
      case 'checking':
        return msg('Checking…', { id: 'ex-checking' });
      default:
        return msg('Run to check', { id: 'ex-idle' });
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'exercise-list': ExerciseList;
  }
}
