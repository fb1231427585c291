import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { marked } from 'marked';
import { currentLang } from '../i18n/locale.js';
import { exercisesIn, filesIn } from '../lessons/code-comments.js';
import { nextLesson } from '../lessons/index.js';
import { whenIdle } from '../page/idle.js';
import { SPLIT_MAX, SPLIT_MIN } from '../page/layout-prefs.js';
import { lessonHref } from '../page/route.js';
import { NO_NETWORK_CONDITIONS, type NetworkAction, type NetworkConditions, type RunMode } from '../shared/protocol.js';
import type { TrafficKind, Transport } from '../shared/traffic.js';
import type { LessonContent, LessonFile, LessonFileName, LessonMeta } from '../shared/lesson.js';
import type { Lang } from '../shared/localized.js';
import './code-panel.js';
import type { CodePanel } from './code-panel.js';
import './console-panel.js';
import './exercise-list.js';
import { LessonEditsController } from './lesson-edits-controller.js';
import { LessonLayoutController, NARROW_PANES, type NarrowPane } from './lesson-layout-controller.js';
import { LessonRunController, type RealRunAnswer } from './lesson-run-controller.js';
import './real-run-consent.js';
import './markdown-view.js';
import './mode-switch.js';
import './pane-splitter.js';

type Panel = 'console' | 'traffic' | 'compare';
const PANELS: Panel[] = ['console', 'traffic', 'compare'];

interface TrafficFilterState {
  transport: Transport | '';
  kind: TrafficKind | '';
  text: string;
}

/**
 * One lesson: goals and prose on one side; on the other the code, Run / Stop / Reset / Share, and what the run says.
 * Everything lesson-specific comes from the lesson's data.
 *
 * The element lays out and routes events; its behaviour lives in two controllers: LessonEditsController (the
 * learner's files: saved edits, share links, Reset / solution and Undo) and LessonRunController (the run session,
 * mode, network panel, and the throttled Observation the exercise checks read). What stays here is which output
 * panel is shown and the one selection and filter the traffic views share.
 */
@customElement('lesson-view')
@localized()
export class LessonView extends LitElement {
  static override styles = css`
    /* The layout (lesson-layout-controller.ts): text | splitter | playground; the playground alone (full); or, on a
       narrow screen, one of Read / Code / Run. --pl-top is the height of the page's header above the lesson. */
    :host { display: grid; grid-template-columns: minmax(240px, var(--pl-split, 40%)) 6px minmax(380px, 1fr); flex: 1; min-height: 0; }
    :host([full]) { grid-template-columns: minmax(0, 1fr); }
    :host([full]) .read, :host([full]) pane-splitter, :host([full]) real-run-consent { grid-column: 1; }
    :host([full]) .read, :host([full]) pane-splitter { display: none; }
    /* With the whole window, the output (the traffic views above all) gets the larger share of the height. */
    :host([full]) code-panel { flex-basis: 30%; }
    :host([full]) :is(.consoles, .traffic, transport-comparison) { flex-basis: 52%; }
    pane-splitter { position: sticky; top: var(--pl-top, 46px); height: calc(100vh - var(--pl-top, 46px)); z-index: 1; }
    .read { padding: 24px 28px 48px; overflow: auto; background: var(--pl-surface); min-width: 0; }
    .narrow-tabs { display: none; }
    :host([narrow]) { display: flex; flex-direction: column; }
    :host([narrow]) pane-splitter, :host([narrow]) .full-toggle { display: none; }
    :host([narrow]) .narrow-tabs { display: flex; position: sticky; top: var(--pl-top, 46px); z-index: 5; background: var(--pl-surface);
      border-bottom: 1px solid var(--pl-border); }
    .narrow-tabs [role='tab'] { flex: 1; font: inherit; font-size: 15px; padding: 10px 8px; border: 0; border-bottom: 3px solid transparent;
      background: none; color: var(--pl-muted); cursor: pointer; }
    .narrow-tabs [role='tab'][aria-selected='true'] { color: var(--pl-text); border-bottom-color: var(--pl-accent); font-weight: 600; }
    .narrow-tabs [role='tab']:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: -3px; }
    :host([narrow]) .read { padding: 16px 16px 40px; overflow: visible; }
    :host([narrow]) h1 { font-size: 22px; }
    :host([narrow]) kbd { display: none; }
    :host([narrow][pane='read']) .work { display: none; }
    :host([narrow]:not([pane='read'])) .read { display: none; }
    :host([narrow]) .work { position: static; padding: 10px 10px 12px; height: calc(100dvh - var(--pl-top, 46px) - 44px); }
    :host([narrow][pane='code']) :is(details.network, .panel-tabs, .consoles, .traffic, transport-comparison, .frame-host) { display: none; }
    :host([narrow][pane='run']) code-panel { display: none; }
    :host([narrow][pane='run']) .work { height: auto; min-height: calc(100dvh - var(--pl-top, 46px) - 44px); }
    :host([narrow][pane='run']) :is(.consoles, .traffic) { min-height: 320px; }
    :host([narrow][pane='run']) .traffic { grid-template-columns: 1fr; grid-template-rows: minmax(280px, auto) minmax(320px, auto); }
    h1 { font-size: 26px; margin: 0 0 14px; line-height: 1.25; }
    h1 .n { color: var(--pl-muted); font-weight: 500; margin-right: 6px; }
    h2 { font-size: 15px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--pl-muted); margin: 26px 0 8px; }
    .goals code { font-family: var(--pl-mono); font-size: 0.9em; background: #dde9fb; padding: 0 4px; border-radius: 3px; }
    .goals { background: #eef5ff; border: 1px solid #cfe0fb; border-radius: 8px; padding: 10px 16px 10px 34px; margin: 0 0 22px; line-height: 1.6; }
    .recap { border-top: 1px solid var(--pl-border); margin-top: 28px; padding-top: 8px; }
    .next { display: inline-block; margin-top: 12px; padding: 8px 14px; border-radius: 6px; background: var(--pl-accent); color: var(--pl-accent-text); text-decoration: none; }
    .work { display: flex; flex-direction: column; gap: 10px; padding: 12px 14px 16px; min-width: 0; position: sticky; top: var(--pl-top, 46px);
      height: calc(100vh - var(--pl-top, 46px)); box-sizing: border-box; container-type: inline-size; }
    code-panel { flex: 1 1 46%; min-height: 220px; }
    .toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
    .toolbar button { font: inherit; font-size: 14px; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--pl-border); background: var(--pl-surface); color: var(--pl-text); cursor: pointer; }
    .toolbar button.primary { background: var(--pl-accent); border-color: var(--pl-accent); color: var(--pl-accent-text); font-weight: 600; }
    .toolbar button:disabled { opacity: 0.5; cursor: default; }
    .toolbar button:focus-visible, .banner button:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: 2px; }
    kbd { font: 11px var(--pl-mono); margin-left: 4px; }
    .status { margin-left: auto; color: var(--pl-muted); font-size: 13px; }
    .status.running::before { content: ''; display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: #2da44e; margin-right: 6px; }
    details.network { font-size: 13.5px; }
    details.network summary { cursor: pointer; color: var(--pl-muted); width: max-content; }
    details.network[open] summary { margin-bottom: 6px; }
    .banner { border-radius: 8px; padding: 8px 12px; font-size: 14px; line-height: 1.5; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
    .banner.error { background: #fdecea; color: var(--pl-error); border: 1px solid #f5c2c0; }
    .banner.info { background: #eef5ff; border: 1px solid #cfe0fb; }
    .banner button { font: inherit; background: none; border: 0; color: var(--pl-accent); text-decoration: underline; cursor: pointer; padding: 0; }
    .banner input { flex: 1; min-width: 200px; font: 12px var(--pl-mono); }
    .consoles { flex: 1 1 34%; min-height: 160px; display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
    .consoles[hidden], .traffic[hidden] { display: none; }
    .traffic { flex: 1 1 34%; min-height: 160px; display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 10px; }
    /* The diagram's labels need room: side by side only when the playground is wide enough for both. */
    @container (max-width: 700px) { .traffic { grid-template-columns: 1fr; grid-template-rows: 1fr 1fr; } }
    .traffic > * { min-height: 0; min-width: 0; }
    transport-comparison { flex: 1 1 34%; min-height: 160px; overflow: auto; }
    .panel-tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--pl-border); margin-bottom: -4px; }
    .panel-tabs [role='tab'] { font: inherit; font-size: 13.5px; padding: 5px 12px; border: 0; border-bottom: 2px solid transparent; background: none; color: var(--pl-muted); cursor: pointer; }
    .panel-tabs [role='tab'][aria-selected='true'] { color: var(--pl-text); border-bottom-color: var(--pl-accent); font-weight: 600; }
    .panel-tabs [role='tab']:focus-visible { outline: 2px solid var(--pl-accent); outline-offset: -2px; }
    @container (max-width: 640px) { .consoles { grid-template-columns: 1fr; } }
    .frame-host { display: none; }
    .frame-host.visible { display: flex; gap: 8px; height: 260px; flex: 0 0 auto; }
    .frame-host.visible iframe { flex: 1; min-width: 0; border: 1px solid var(--pl-border); border-radius: 8px; background: #fff; }
    .loading { padding: 40px; color: var(--pl-muted); }
    /* A lesson without files (the closing page) is text alone, whatever the playground's layout was. */
    .read.alone { grid-column: 1 / -1; }
    .read.alone > * { max-width: 920px; margin-inline: auto; }
    :host([full]) .read.alone, :host([narrow]:not([pane='read'])) .read.alone { display: block; }
  `;

  @property({ attribute: false }) meta!: LessonMeta;
  /** The `code` of a share link, if the page was opened from one. */
  @property({ attribute: false }) sharedCode: string | undefined;

  @state() private content: LessonContent | undefined;
  /** Which of the bottom panels is shown: both consoles, or the traffic inspector. */
  @state() private panel: Panel = 'console';
  /** One selection and one filter for the inspector and the diagram, so both always show the same events. */
  @state() private selectedSeq: number | undefined;
  @state() private filter: TrafficFilterState = { transport: '', kind: '', text: '' };
  @query('code-panel') private codePanel!: CodePanel;
  @query('.frame-host') private frameHost!: HTMLElement;

  private edits = new LessonEditsController(this, () => this.codePanel);
  private runs = new LessonRunController(this);
  private layout = new LessonLayoutController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // The output views are not needed to read the lesson or press Run: they load once the page is usable (their
    // elements upgrade in place, keeping the properties already set on them).
    void whenIdle().then(() =>
      Promise.all([
        import('./traffic-inspector.js'),
        import('./sequence-diagram.js'),
        import('./transport-comparison.js'),
        import('./network-panel.js'),
      ]),
    );
    this.addEventListener('keydown', this.onKey);
    window.addEventListener('lit-localize-status', this.onLangChange);
  }

  override disconnectedCallback(): void {
    this.removeEventListener('keydown', this.onKey);
    window.removeEventListener('lit-localize-status', this.onLangChange);
    super.disconnectedCallback();
  }

  /** The lesson as loaded, its files' comments in English: the language's own are made from it (filesIn). */
  private loaded: LessonContent | undefined;

  /**
   * The files the code panel was given when the lesson opened. A language switch changes `content` (Reset, the
   * solutions) but not these: new files would make the panel build a new editor, and lose its undo history and cursor.
   */
  @state() private panelFiles: LessonFile[] = [];

  /** The language changed: files the learner has not touched show their comments in the new one. */
  private onLangChange = (event: Event): void => {
    if ((event as CustomEvent<{ status: string }>).detail.status !== 'ready' || !this.loaded || !this.content) return;
    const before = this.content;
    this.content = inLanguage(this.loaded, currentLang());
    this.edits.untouchedTo(before, this.content);
  };

  private useSolution(event: CustomEvent<{ files: Partial<Record<LessonFileName, string>> }>): void {
    this.edits.useSolution(event.detail.files);
  }

  private onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.run();
    }
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('meta')) {
      // A new lesson opens on its text, on a phone too.
      if (changed.get('meta')) this.layout.show('read');
      void this.load();
    }
  }

  protected override updated(): void {
    const session = this.runs.session;
    const marks = session.compileErrors.map((e) => ({ ...e }));
    for (const e of session.errors) {
      if (e.file && e.line) marks.push({ file: e.file, line: e.line, column: e.column ?? 1, message: e.message });
    }
    this.codePanel?.mark(marks);
  }

  private async load(): Promise<void> {
    const meta = this.meta;
    await this.runs.reset();
    this.content = undefined;
    this.loaded = undefined;
    this.panelFiles = [];
    this.edits.clear();
    if (!meta.load) return;
    const loaded = (await meta.load()).default;
    if (meta !== this.meta) return;
    const lang = currentLang();
    let content = inLanguage(loaded, lang);
    await this.edits.open(meta, content, this.sharedCode);
    if (meta !== this.meta) return;
    // The language may have changed while a share link's code was decoded: nothing showed the lesson yet.
    if (currentLang() !== lang) {
      const now = inLanguage(loaded, currentLang());
      this.edits.untouchedTo(content, now);
      content = now;
    }
    this.loaded = loaded;
    this.panelFiles = content.files;
    this.content = content;
  }

  private onCodeChange(event: CustomEvent<{ file: string; text: string }>): void {
    this.edits.edited(event.detail.file, event.detail.text);
  }

  /** Runs the editor's files (Run, Run again, Ctrl+Enter). */
  async run(): Promise<void> {
    // Ctrl+Enter on a page with no code has nothing to run.
    if (!this.content || this.content.files.length === 0) return;
    // On a phone the output is on its own tab: show what the run does.
    if (this.layout.narrow && this.layout.pane === 'code') this.layout.show('run');
    const files = this.codePanel?.currentTexts() ?? this.edits.texts;
    await this.runs.run(files, {
      lessonId: this.meta.id,
      clients: this.content.clients,
      frameHost: this.frameHost,
      scenes: (this.content.exercises ?? []).flatMap((e) => (e.scene ? [e.scene] : [])),
      askFirst: this.edits.fromLink ? () => this.askBeforeRealRun(files['server.js'] ?? '') : undefined,
    });
  }

  /** A share link's code is about to run in real Node: the learner sees it and chooses (real-run-consent.ts). */
  private async askBeforeRealRun(serverCode: string): Promise<RealRunAnswer> {
    const consent = this.renderRoot.querySelector('real-run-consent');
    if (!consent) return 'cancel';
    const answer = await consent.ask(serverCode);
    if (answer === 'real') this.edits.acceptFromLink();
    return answer;
  }

  private onNetworkChange(event: CustomEvent<{ conditions: NetworkConditions }>): void {
    this.runs.setNetwork(event.detail.conditions);
  }

  private onNetworkAction(event: CustomEvent<{ action: NetworkAction }>): void {
    this.runs.networkAction(event.detail.action);
  }

  private onModeChange(event: CustomEvent<{ mode: RunMode }>): void {
    this.runs.setMode(event.detail.mode);
  }

  private reset(): void {
    if (this.content) this.edits.reset(this.content);
  }

  private backToOwnCode(): void {
    if (this.content) this.edits.backToOwnCode(this.content);
  }

  private reveal(event: CustomEvent<{ file: string; line: number }>): void {
    void this.revealLine(event.detail.file, event.detail.line);
  }

  /** On a phone the code is a pane of its own, not beside the console or the traffic the line was picked in. */
  private async revealLine(file: string, line: number): Promise<void> {
    if (this.layout.narrow && this.layout.pane !== 'code') {
      this.layout.show('code');
      // The editor scrolls to the line only once it is shown: hidden, it has no size to scroll in.
      await this.updateComplete;
    }
    this.codePanel.reveal(file, line);
  }

  override render() {
    const lang = currentLang();
    const meta = this.meta;
    if (!meta.load) {
      return html`<div class="read" style="grid-column: 1 / -1">
        <h1><span class="n">${meta.number}.</span>${meta.title[lang]}</h1>
        <p>${meta.summary[lang]}</p>
        <p>${msg('This lesson is being written. Its place in the course is kept.', { id: 'lesson-soon' })}</p>
        ${this.renderNext()}
      </div>`;
    }
    const content = this.content;
    if (!content) return html`<div class="loading" role="status">${msg('Loading the lesson…', { id: 'lesson-loading' })}</div>`;
    if (content.files.length === 0) return this.renderTextOnly(content);
    const { session, version, observation, mode, backendInfo, offline } = this.runs;
    const running = session.state === 'running' || session.state === 'starting';
    const layout = this.layout;
    return html`
      <div class="narrow-tabs" role="tablist" aria-label=${msg('Lesson', { id: 'narrow-tabs-label' })} @keydown=${this.onNarrowKey}>
        ${this.narrowTab('read', msg('Read', { id: 'narrow-read' }))}
        ${this.narrowTab('code', msg('Code', { id: 'narrow-code' }))}
        ${this.narrowTab('run', msg('Run', { id: 'run' }))}
      </div>
      <article class="read" id="pane-read" aria-labelledby="lesson-title">
        <h1 id="lesson-title"><span class="n">${meta.number}.</span>${meta.title[lang]}</h1>
        <section aria-label=${msg('Goals', { id: 'lesson-goals' })}>
          <ul class="goals">${content.goals[lang].map((g) => html`<li>${unsafeHTML(marked.parseInline(g, { async: false }))}</li>`)}</ul>
        </section>
        <markdown-view .source=${content.prose[lang]}></markdown-view>
        <exercise-list .exercises=${content.exercises ?? []} .lessonId=${meta.id} .observation=${observation}
          ?running=${running} @use-solution=${this.useSolution}></exercise-list>
        <section class="recap" aria-labelledby="recap-title">
          <h2 id="recap-title">${msg('Summary', { id: 'lesson-summary' })}</h2>
          <markdown-view .source=${content.recap[lang]}></markdown-view>
          ${this.renderNext()}
        </section>
      </article>
      <pane-splitter .value=${layout.split} min=${SPLIT_MIN} max=${SPLIT_MAX}
        aria-label=${msg('Resize the lesson text and the playground', { id: 'split-label' })}
        .valueText=${msg(str`Lesson text ${layout.split}% of the width`, { id: 'split-value' })}
        @split-change=${(e: CustomEvent<{ value: number }>) => layout.moveSplit(e.detail.value)}
        @split-commit=${(e: CustomEvent<{ value: number }>) => layout.commitSplit(e.detail.value)}></pane-splitter>
      <real-run-consent></real-run-consent>
      <section class="work" id="pane-work" aria-label=${msg('Playground', { id: 'lesson-playground' })}>
        <code-panel .files=${this.panelFiles} .texts=${this.edits.texts} @code-change=${this.onCodeChange} @run-request=${() => this.run()}></code-panel>
        <div class="toolbar" role="toolbar" aria-label=${msg('Run controls', { id: 'run-controls' })}>
          <button class="primary" @click=${() => this.run()} aria-keyshortcuts="Control+Enter Meta+Enter">
            ${running ? msg('Run again', { id: 'run-again' }) : msg('Run', { id: 'run' })}<kbd>Ctrl+Enter</kbd>
          </button>
          <button @click=${() => this.runs.stop()} ?disabled=${!running}>${msg('Stop', { id: 'stop' })}</button>
          <button @click=${() => this.reset()}>${msg('Reset', { id: 'reset' })}</button>
          <button @click=${() => this.edits.share()}>${msg('Share', { id: 'share' })}</button>
          <mode-switch .mode=${mode} .backend=${backendInfo} @mode-change=${this.onModeChange}></mode-switch>
          <span class="status ${session.state}" role="status" aria-live="polite">${this.statusText()}</span>
          <button class="full-toggle" aria-pressed=${layout.full} @click=${() => layout.setFull(!layout.full)}
            title=${layout.full ? msg('Show the lesson text again', { id: 'full-off-title' }) : msg('Give the playground and its traffic views the whole window', { id: 'full-on-title' })}>
            ${layout.full ? msg('Show lesson', { id: 'full-off' }) : msg('Full window', { id: 'full-on' })}
          </button>
        </div>
        <details class="network">
          <summary>${msg('Network conditions', { id: 'network-summary' })}</summary>
          <network-panel .conditions=${session.networkConditions ?? NO_NETWORK_CONDITIONS} .offline=${offline}
            mode=${mode} ?running=${running} @network-change=${this.onNetworkChange} @network-action=${this.onNetworkAction}></network-panel>
        </details>
        ${this.renderBanners()}
        <div class="panel-tabs" role="tablist" aria-label=${msg('Output', { id: 'output-label' })} @keydown=${this.onPanelKey}>
          ${this.panelTab('console', msg('Console', { id: 'panel-console' }))}
          ${this.panelTab('traffic', msg('Traffic', { id: 'panel-traffic' }))}
          ${this.panelTab('compare', msg('Compare', { id: 'panel-compare' }))}
        </div>
        <div class="consoles" id="panel-console" role="tabpanel" aria-labelledby="tab-console" ?hidden=${this.panel !== 'console'}>
          <console-panel side="server" .label=${msg('Server console', { id: 'console-server' })} .store=${session.consoles.server} .version=${version} @reveal-line=${this.reveal}></console-panel>
          <console-panel side="client" .label=${msg('Client console', { id: 'console-client' })} .store=${session.consoles.client} .version=${version} @reveal-line=${this.reveal}></console-panel>
        </div>
        <div class="traffic" id="panel-traffic" role="tabpanel" aria-labelledby="tab-traffic" ?hidden=${this.panel !== 'traffic'}
          @reveal-line=${this.reveal}
          @traffic-select=${(e: CustomEvent<{ seq: number }>) => (this.selectedSeq = e.detail.seq)}
          @traffic-filter=${(e: CustomEvent<TrafficFilterState>) => (this.filter = { ...e.detail })}>
          <traffic-inspector .buffer=${session.traffic} observer="client" .selectedSeq=${this.selectedSeq}
            .transport=${this.filter.transport} .kind=${this.filter.kind} .text=${this.filter.text}></traffic-inspector>
          <sequence-diagram shared-filters .buffer=${session.traffic} observer="client" .selectedSeq=${this.selectedSeq}
            .transport=${this.filter.transport} .kind=${this.filter.kind} .text=${this.filter.text}></sequence-diagram>
        </div>
        ${this.panel === 'compare'
          ? html`<transport-comparison id="panel-compare" role="tabpanel" tabindex="0" aria-labelledby="tab-compare" .buffer=${session.traffic} .epoch=${session.epochOfRun} .pollKind=${content.pollKind}></transport-comparison>`
          : nothing}
        <div class="frame-host ${content.files.some((f) => f.name === 'index.html') ? 'visible' : ''}"></div>
      </section>
    `;
  }

  private narrowTab(pane: NarrowPane, label: unknown) {
    const selected = this.layout.pane === pane;
    return html`<button role="tab" id="narrow-${pane}" aria-controls=${pane === 'read' ? 'pane-read' : 'pane-work'} aria-selected=${selected}
      tabindex=${selected ? 0 : -1} @click=${() => this.layout.show(pane)}>${label}</button>`;
  }

  private onNarrowKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const step = event.key === 'ArrowRight' ? 1 : NARROW_PANES.length - 1;
    const pane = NARROW_PANES[(NARROW_PANES.indexOf(this.layout.pane) + step) % NARROW_PANES.length]!;
    this.layout.show(pane);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#narrow-${pane}`)?.focus());
  }

  private panelTab(id: Panel, label: unknown) {
    return html`<button role="tab" id="tab-${id}" aria-controls="panel-${id}" aria-selected=${this.panel === id}
      tabindex=${this.panel === id ? 0 : -1} @click=${() => (this.panel = id)}>${label}</button>`;
  }

  private onPanelKey(event: KeyboardEvent): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const step = event.key === 'ArrowRight' ? 1 : PANELS.length - 1;
    this.panel = PANELS[(PANELS.indexOf(this.panel) + step) % PANELS.length]!;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`#tab-${this.panel}`)?.focus());
  }

  private statusText(): string {
    switch (this.runs.session.state) {
      case 'starting':
        return msg('Starting…', { id: 'status-starting' });
      case 'running':
        return msg('Running', { id: 'status-running' });
      case 'stopped':
        return msg('Stopped', { id: 'status-stopped' });
      default:
        return msg('Not run yet', { id: 'status-idle' });
    }
  }

  private renderBanners() {
    const s = this.runs.session;
    const edits = this.edits;
    return html`
      ${s.compileErrors.map(
        (e) => html`<div class="banner error" role="alert">
          <strong>${msg('Syntax error', { id: 'syntax-error' })}</strong>
          <button @click=${() => void this.revealLine(e.file, e.line)}>${e.file}:${e.line}:${e.column}</button>
          <span>${e.message}</span>
          <span>${msg('Nothing was run.', { id: 'nothing-ran' })}</span>
        </div>`,
      )}
      ${s.endReason
        ? html`<div class="banner error" role="alert">
            <strong>${msg('The run was stopped.', { id: 'run-ended' })}</strong> <span>${s.endReason.message}</span>
            ${s.endReason.file && s.endReason.line
              ? html`<button @click=${() => void this.revealLine(s.endReason!.file!, s.endReason!.line!)}>${s.endReason.file}:${s.endReason.line}</button>`
              : nothing}
          </div>`
        : nothing}
      ${edits.viewingShared
        ? html`<div class="banner info">
            ${msg('You are looking at shared code. Your own edits are kept until you change this code.', { id: 'shared-notice' })}
            <button @click=${this.backToOwnCode}>${msg('Back to my code', { id: 'shared-back' })}</button>
          </div>`
        : nothing}
      ${edits.beforeReplace
        ? html`<div class="banner info">
            ${edits.replacedBy === 'reset'
              ? msg("The code is back to the lesson's.", { id: 'reset-done' })
              : msg('The solution is in the editor.', { id: 'solution-done' })}
            <button @click=${() => edits.undo()}>${msg('Undo', { id: 'reset-undo' })}</button>
          </div>`
        : nothing}
      ${edits.shareLink
        ? html`<div class="banner info">
            <span>${msg('Link to this code (copied if the browser allowed it):', { id: 'share-link' })}</span>
            <input readonly .value=${edits.shareLink} aria-label=${msg('Share link', { id: 'share-link-label' })} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} />
            <button @click=${() => edits.closeShareLink()}>${msg('Close', { id: 'close' })}</button>
          </div>`
        : nothing}
    `;
  }

  /** A lesson with nothing to run: its goals, text and summary, across the whole width, with no playground. */
  private renderTextOnly(content: LessonContent) {
    const lang = currentLang();
    const meta = this.meta;
    return html`<article class="read alone" id="pane-read" aria-labelledby="lesson-title">
      <h1 id="lesson-title"><span class="n">${meta.number}.</span>${meta.title[lang]}</h1>
      <section aria-label=${msg('Goals', { id: 'lesson-goals' })}>
        <ul class="goals">${content.goals[lang].map((g) => html`<li>${unsafeHTML(marked.parseInline(g, { async: false }))}</li>`)}</ul>
      </section>
      <markdown-view .source=${content.prose[lang]}></markdown-view>
      <section class="recap" aria-labelledby="recap-title">
        <h2 id="recap-title">${msg('Summary', { id: 'lesson-summary' })}</h2>
        <markdown-view .source=${content.recap[lang]}></markdown-view>
        ${this.renderNext()}
      </section>
    </article>`;
  }

  private renderNext() {
    const next = nextLesson(this.meta.id);
    if (!next) return nothing;
    const title = next.title[currentLang()];
    return html`<a class="next" href=${lessonHref(next.id)}>${msg(str`Next: ${title}`, { id: 'lesson-next' })} →</a>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'lesson-view': LessonView;
  }
}

/** A lesson as a learner of `lang` opens it: its files' and its solutions' comments in that language. */
function inLanguage(content: LessonContent, lang: Lang): LessonContent {
  const files = filesIn(content.files, lang);
  return { ...content, files, exercises: content.exercises && exercisesIn(content.exercises, content.files, lang) };
}
