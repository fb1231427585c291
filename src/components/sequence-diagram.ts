import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing, render, svg, unsafeCSS, type PropertyValues, type SVGTemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { currentLang } from '../i18n/locale.js';
import { partyName } from '../shared/localized.js';
import { TRAFFIC_KINDS, TRANSPORTS, type TrafficBuffer, type TrafficKind, type Transport } from '../shared/traffic.js';
import { DEFAULT_LAYOUT, SequenceLayout, type Arrow, type GapMode, type Span } from '../traffic/sequence-layout.js';
import { formatDelta, formatTime, matches, type ObserverFilter, type TrafficFilter } from '../traffic/traffic-format.js';
import { FollowController } from './follow-controller.js';
import { ResizeController } from './resize-controller.js';
import { TrafficBufferController } from './traffic-buffer-controller.js';

/** Rows drawn above and below the visible ones, so a fast scroll shows no blank strip before the next frame. */
const OVERSCAN = 6;
/** Left margin holding the time axis. */
const AXIS = 64;
const HEAD = 26;
const ROW = DEFAULT_LAYOUT.rowHeight;
/** Roughly how wide a label character is at 11px monospace: labels are cut to the room between their lanes. */
const CHAR_PX = 6.7;

/**
 * The drawing's look, shared by the live view (shadow styles) and the exported SVG (an embedded <style>), so an
 * export looks like the screen.
 */
const SVG_CSS = `
  .lane { stroke: #b9bec7; stroke-width: 1; stroke-dasharray: 4 3; }
  .lane-name { font: 600 12px system-ui, sans-serif; fill: #1d1d1f; text-anchor: middle; }
  .axis { font: 10px ui-monospace, Menlo, Consolas, monospace; fill: #777; }
  .tick { stroke: #999; }
  .gap { stroke: #999; fill: none; }
  .gap-text { font: italic 10px system-ui, sans-serif; fill: #777; }
  .label { font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; fill: #1d1d1f; }
  .arrow line { stroke-width: 1.4; }
  .arrow .hit { fill: transparent; cursor: pointer; }
  .arrow:hover .hit { fill: rgba(127,127,127,0.08); }
  .arrow[aria-selected='true'] .hit { fill: rgba(10,102,194,0.16); }
  .arrow[aria-selected='true'] .label { font-weight: 700; }
  .request line, .request polygon, .request circle { stroke: #0a66c2; fill: #0a66c2; }
  .response line, .response polygon, .response circle { stroke: #2e7d32; fill: #2e7d32; }
  .data line, .data polygon, .data circle { stroke: #6a3fb5; fill: #6a3fb5; }
  .open line, .open polygon, .open circle { stroke: #00838f; fill: #00838f; }
  .close line, .close polygon, .close circle { stroke: #b35c00; fill: #b35c00; }
  .error line, .error polygon, .error circle { stroke: #c62828; fill: #c62828; }
  .error .label { fill: #c62828; }
  .span.held { fill: rgba(10,102,194,0.18); stroke: #0a66c2; stroke-width: 0.8; }
  .span.stream { fill: rgba(106,63,181,0.12); stroke: #6a3fb5; stroke-width: 0.6; }
  .span-text { font: 10px system-ui, sans-serif; fill: #0a66c2; }
`;

/**
 * A live sequence diagram of a run's traffic: one lane per party (each client, then the server), time running down,
 * one arrow per event labelled as a developer would say it, held requests as spans. It reads the page's one
 * TrafficBuffer and keeps no copy of the events: `SequenceLayout` holds positions and labels, and only the rows in
 * view are drawn, in at most one update per animation frame.
 *
 * Hand-drawn SVG in Lit rather than a diagram library: the sequence-diagram libraries (mermaid, js-sequence-diagrams,
 * PlantUML renderers) lay out a whole static text description at once; none appends rows to a live diagram or draws
 * only a window of 10,000 rows, and their text input would put learner payloads through another parser.
 *
 * Fires `traffic-select` (detail: {seq}) when an arrow is picked; `selectedSeq` selects one from outside (the
 * inspector) and scrolls it into view. `transport`, `kind` and `text` are the inspector's filters.
 *
 * @example html`<sequence-diagram .buffer=${run.traffic} observer="client" .selectedSeq=${seq}
 *   @traffic-select=${(e) => (seq = e.detail.seq)}></sequence-diagram>`
 */
@customElement('sequence-diagram')
@localized()
export class SequenceDiagram extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 160px; height: 100%; font: 12px/1.4 system-ui, sans-serif;
      color: var(--pl-text, #1d1d1f); background: var(--pl-surface, #fff); }
    .bar { display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; padding: 4px 6px; border-bottom: 1px solid var(--pl-border, #ddd); }
    .bar select, .bar input[type='search'], .bar button { font: inherit; padding: 2px 6px; border: 1px solid var(--pl-border, #ccc);
      border-radius: 4px; background: var(--pl-surface, #fff); color: inherit; }
    .bar input[type='search'] { flex: 1 1 6em; min-width: 5em; }
    .bar button[aria-pressed='true'] { background: var(--pl-accent, #0a66c2); color: var(--pl-accent-text, #fff); }
    .bar label { display: inline-flex; gap: 3px; align-items: center; }
    .head { position: relative; height: ${HEAD}px; border-bottom: 1px solid var(--pl-border, #ddd); }
    .head span { position: absolute; top: 4px; transform: translateX(-50%); font-weight: 600; white-space: nowrap; }
    .scroll { flex: 1; min-height: 60px; overflow-y: auto; overflow-x: hidden; position: relative; outline: none; }
    .scroll:focus-visible { box-shadow: inset 0 0 0 2px var(--pl-accent, #0a66c2); }
    svg.view { position: sticky; top: 0; display: block; }
    .empty { position: absolute; padding: 8px; color: var(--pl-muted, #666); }
    ${unsafeCSS(SVG_CSS)}
  `;

  @property({ attribute: false }) buffer?: TrafficBuffer;
  /** Which side's taps to draw: the client's (default), the server shims', or both. */
  @property() observer: ObserverFilter = 'client';
  @property() transport: Transport | '' = '';
  @property() kind: TrafficKind | '' = '';
  @property() text = '';
  /** Set when another view (the inspector beside it) shows the filter controls: the diagram then only follows them. */
  @property({ type: Boolean, attribute: 'shared-filters' }) sharedFilters = false;
  /** 'compressed': long silences become a marked gap; 'scale': silences are drawn to scale. */
  @property({ attribute: 'gap-mode' }) gapMode: GapMode = 'compressed';
  @property({ type: Number, attribute: 'selected-seq' }) selectedSeq?: number;

  @state() private width = 600;
  /** Bumped when the layout changed, to re-render. */
  @state() private revision = 0;

  @query('.scroll') private scroller?: HTMLElement;

  private layout = new SequenceLayout(DEFAULT_LAYOUT);
  private lastSeq = 0;
  // Coalesce any number of buffer notifications into one layout step and one render per animation frame.
  private traffic = new TrafficBufferController(this, {
    onFrame: () => {
      if (this.sync()) this.revision++;
    },
  });
  // Follow, Pause, the scroll position and selection, as the traffic inspector has them.
  private live = new FollowController(
    this,
    {
      scroller: () => this.scroller,
      contentHeight: () => this.layout.height,
      revealSelected: (seq) => {
        const i = this.layout.indexOf(seq);
        return i >= 0 ? this.revealTop(i) : undefined;
      },
      slack: ROW / 2,
    },
    300,
  );
  private resize = new ResizeController(this, () => {
    const scroller = this.scroller;
    if (!scroller) return;
    if (scroller.clientHeight && scroller.clientHeight !== this.live.viewHeight) this.live.viewHeight = scroller.clientHeight;
    if (scroller.clientWidth && scroller.clientWidth !== this.width) this.width = scroller.clientWidth;
  });

  /** How many arrows the filters let through (all of them, not only those drawn). */
  get arrowCount(): number {
    return this.layout.length;
  }

  private filter(): TrafficFilter {
    return { observer: this.observer, transport: this.transport, kind: this.kind, text: this.text };
  }

  private rebuild(): void {
    this.layout = new SequenceLayout({ ...DEFAULT_LAYOUT, mode: this.gapMode });
    this.lastSeq = 0;
    this.sync();
  }

  /** Lay out the buffer's events newer than the last look (up to the pause point); true when something changed. */
  private sync(): boolean {
    const buffer = this.buffer;
    if (!buffer) return false;
    if (buffer.size === 0) {
      // The buffer was cleared: a new run numbers on, so start over.
      const had = this.layout.length > 0;
      if (had) this.layout = new SequenceLayout({ ...DEFAULT_LAYOUT, mode: this.gapMode });
      return had;
    }
    const first = buffer.at(0)!.seq;
    const before = this.layout.length;
    this.layout.trim(first);
    let changed = this.layout.length !== before;
    const until = this.live.until;
    const filter = this.filter();
    for (let i = Math.max(0, this.lastSeq + 1 - first); i < buffer.size; i++) {
      const e = buffer.at(i)!;
      if (e.seq > until) break;
      this.lastSeq = e.seq;
      if (matches(e, filter)) {
        this.layout.add(e);
        changed = true;
      }
    }
    return changed;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const relayout = (['buffer', 'observer', 'transport', 'kind', 'text', 'gapMode'] as const).some((k) => changed.has(k as keyof SequenceDiagram));
    if (relayout) this.rebuild();
    // The FollowController then reveals a selection made in the inspector, or follows the newest arrow.
  }

  protected override firstUpdated(): void {
    this.resize.observe(this.scroller!);
  }

  private revealTop(i: number): number {
    const { top, viewHeight } = this.live;
    const a = this.layout.arrowAt(i)!;
    const y = a.y - this.layout.top;
    if (y < top) return Math.max(0, y - ROW);
    if (y + ROW > top + viewHeight) return y + 2 * ROW - viewHeight;
    return top;
  }

  private onClick(e: MouseEvent): void {
    const target = (e.composedPath()[0] as Element).closest?.('[data-seq]');
    if (target) this.live.select(Number(target.getAttribute('data-seq')));
  }

  private onKeydown(e: KeyboardEvent): void {
    const n = this.layout.length;
    if (!n || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    e.preventDefault();
    const current = this.selectedSeq === undefined ? -1 : this.layout.indexOf(this.selectedSeq);
    const next = e.key === 'ArrowDown' ? Math.min(n - 1, current + 1) : current < 0 ? n - 1 : Math.max(0, current - 1);
    this.live.select(this.layout.arrowAt(next)!.seq);
    this.live.reveal(this.revealTop(next));
  }

  private togglePause(): void {
    if (!this.live.togglePause(this.lastSeq) && this.sync()) this.revision++;
  }

  // -------------------------------------------------------------------------------------------------- drawing

  private laneX(width: number): Map<string, number> {
    const lanes = this.layout.lanes;
    const room = (width - AXIS) / Math.max(1, lanes.length);
    return new Map(lanes.map((name, i) => [name, AXIS + room * (i + 0.5)]));
  }

  /**
   * Rows [from, to) and the spans crossing them, as SVG, at `dy` from the top of the drawing. The live view and the
   * exports both draw through here.
   */
  private drawRows(from: number, to: number, spans: Span[], width: number, dy: number, top: number, bottom: number): SVGTemplateResult {
    const layout = this.layout;
    const x = this.laneX(width);
    const base = layout.top;
    const room = (width - AXIS) / Math.max(1, layout.lanes.length);
    const rows: SVGTemplateResult[] = [];
    for (let i = from; i < to; i++) {
      const a = layout.arrowAt(i);
      if (a) rows.push(this.drawArrow(a, x, a.y - base + dy, room, width));
    }
    return svg`
      ${layout.lanes.map((name) => svg`<line class="lane" x1=${x.get(name)!} x2=${x.get(name)!} y1=${top + dy} y2=${bottom + dy}></line>`)}
      ${spans.map((s) => this.drawSpan(s, x, base, dy))}
      ${rows}`;
  }

  private drawSpan(s: Span, x: Map<string, number>, base: number, dy: number): SVGTemplateResult {
    const lx = x.get(s.lane) ?? AXIS;
    const y1 = s.startY - base + dy + ROW * 0.7;
    const y2 = (s.endY ?? this.layout.arrowAt(this.layout.length - 1)!.y + ROW) - base + dy + (s.endY === undefined ? 0 : ROW * 0.7);
    // Held requests sit on the server's right, streams on the client's left, each concurrent one a step further.
    const sx = s.kind === 'held' ? lx + 3 + s.slot * 7 : lx - 8 - s.slot * 7;
    const held = s.kind === 'held' && s.endTime !== undefined ? s.endTime - s.startTime : 0;
    return svg`<rect class="span ${s.kind}" x=${sx} y=${y1} width="5" height=${Math.max(1, y2 - y1)} rx="1.5"></rect>${
      held >= 100 ? svg`<text class="span-text" x=${sx + 8} y=${(y1 + y2) / 2 + 3}>${msg(str`held ${formatDelta(held).slice(1)}`, { id: 'diagram-held' })}</text>` : nothing
    }`;
  }

  private drawArrow(a: Arrow, x: Map<string, number>, y: number, room: number, width: number): SVGTemplateResult {
    const ly = y + ROW * 0.7;
    const selected = this.selectedSeq !== undefined && a.seqs.includes(this.selectedSeq);
    let shape: SVGTemplateResult;
    let label: SVGTemplateResult;
    const said = a.notSent ? `${msg('(not sent)', { id: 'diagram-not-sent' })} ${a.label}` : a.label;
    if (a.dir === 'mark') {
      const mx = x.get(a.markLane ?? a.party)!;
      const text = fit(said, (width - mx - 12) / CHAR_PX);
      shape = svg`<circle cx=${mx} cy=${ly} r="3.5"></circle>`;
      label = svg`<text class="label" x=${mx + 8} y=${ly + 4}>${text}</text>`;
    } else {
      const client = x.get(a.party)!;
      const server = x.get('server')!;
      const [x1, x2] = a.dir === 'c2s' ? [client, server] : [server, client];
      const head = x2 > x1 ? -7 : 7;
      const span = Math.abs(x2 - x1);
      const text = fit(said, Math.max(span, room) / CHAR_PX);
      shape = svg`<line x1=${x1} y1=${ly} x2=${x2 + head / 2} y2=${ly}></line>
        <polygon points="${x2},${ly} ${x2 + head},${ly - 3.5} ${x2 + head},${ly + 3.5}"></polygon>`;
      label = svg`<text class="label" x=${(x1 + x2) / 2} y=${ly - 4} text-anchor="middle">${text}</text>`;
    }
    const gap =
      a.gapBefore !== undefined
        ? svg`<path class="gap" d=${zigzag(AXIS, width - 4, y - DEFAULT_LAYOUT.gapHeight / 2)}></path>
            <text class="gap-text" x="4" y=${y - DEFAULT_LAYOUT.gapHeight / 2 + 3}>⋯ ${formatDelta(a.gapBefore).slice(1)}</text>`
        : nothing;
    return svg`${gap}${this.drawTicks(a, y)}<g class="arrow ${a.tone}" data-seq=${a.seq} role="option" aria-selected=${selected ? 'true' : 'false'}>
      <rect class="hit" x="0" y=${y} width=${width} height=${ROW}></rect>
      <text class="axis" x="4" y=${ly + 3}>${formatTime(a.time)}</text>${shape}${label}<title>${said}</title></g>`;
  }

  /** Scale mode: a tick on the axis at every whole second inside the silence before this row. */
  private drawTicks(a: Arrow, y: number): SVGTemplateResult | typeof nothing {
    if (a.prevTime === undefined || a.prevY === undefined) return nothing;
    const ticks: SVGTemplateResult[] = [];
    const prevY = y - (a.y - a.prevY);
    const perMs = DEFAULT_LAYOUT.pxPerSecond / 1000;
    for (let s = Math.floor(a.prevTime / 1000) + 1; s * 1000 < a.time && ticks.length < 200; s++) {
      const ty = prevY + ROW * 0.7 + (s * 1000 - a.prevTime) * perMs;
      if (ty > y + ROW * 0.7) break;
      // A second too close to a row's own time would print over it: keep the tick, drop its text.
      const roomy = ty - (prevY + ROW * 0.7) > 10 && y + ROW * 0.7 - ty > 10;
      ticks.push(svg`<line class="tick" x1=${AXIS - 10} x2=${AXIS - 2} y1=${ty} y2=${ty}></line>${roomy ? svg`<text class="axis" x="4" y=${ty + 3}>${s} s</text>` : nothing}`);
    }
    return svg`${ticks}`;
  }

  // -------------------------------------------------------------------------------------------------- export

  /** The whole diagram (every arrow the filters let through) as a standalone SVG document. */
  exportSvg(): string {
    return this.svgText(0, this.layout.length);
  }

  /**
   * The rows in view as a PNG. Only the visible window: a whole run can be taller than a canvas may be (browsers
   * cap a side at 32,767 px or less), and the SVG export has everything.
   */
  async exportPng(scale = window.devicePixelRatio || 1): Promise<Blob> {
    const { top, viewHeight } = this.live;
    const [from, to] = this.layout.rowsIn(top, top + viewHeight);
    const text = this.svgText(from, to);
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    const w = Number(doc.getAttribute('width'));
    const h = Number(doc.getAttribute('height'));
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = Math.ceil(w * scale);
      canvas.height = Math.ceil(h * scale);
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.scale(scale, scale);
      g.drawImage(img, 0, 0, w, h);
      return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  private svgText(from: number, to: number): string {
    const layout = this.layout;
    const width = Math.max(this.width, 480);
    const first = layout.arrowAt(from);
    const last = layout.arrowAt(to - 1);
    const top = first ? first.y - layout.top - (first.gapBefore !== undefined ? DEFAULT_LAYOUT.gapHeight : 0) : 0;
    const bottom = last ? last.y - layout.top + ROW : 0;
    const height = HEAD + bottom - top + 4;
    const x = this.laneX(width);
    const host = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    render(
      svg`<style>${SVG_CSS}</style><rect width="100%" height="100%" fill="#fff"></rect>
        ${layout.lanes.map((name) => svg`<text class="lane-name" x=${x.get(name)!} y="16">${partyName(name)[currentLang()]}</text>`)}
        ${this.drawRows(from, to, layout.spansIn(top, bottom), width, HEAD - top, top, bottom)}`,
      host,
    );
    host.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    host.setAttribute('width', String(width));
    host.setAttribute('height', String(height));
    host.setAttribute('viewBox', `0 0 ${width} ${height}`);
    // Lit's part markers are comments: meaningless outside Lit, and a 10,000-row export would carry thousands.
    return new XMLSerializer().serializeToString(host).replace(/<!--[^>]*?-->/g, '');
  }

  private download(blob: Blob, ext: string): void {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `sequence-${new Date().toISOString().replace(/[:.]/g, '-')}.${ext}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  // -------------------------------------------------------------------------------------------------- render

  /** A learner changed a filter here: apply it, and tell the owner so the other views follow. */
  private setFilter(change: Partial<{ transport: Transport | ''; kind: TrafficKind | ''; text: string }>): void {
    Object.assign(this, change);
    const detail = { transport: this.transport, kind: this.kind, text: this.text };
    this.dispatchEvent(new CustomEvent('traffic-filter', { detail, bubbles: true, composed: true }));
  }

  override render() {
    const layout = this.layout;
    const width = this.width;
    const { top, viewHeight, paused } = this.live;
    const bottom = top + viewHeight;
    const [from, to] = layout.rowsIn(top - OVERSCAN * ROW, bottom + OVERSCAN * ROW);
    const x = this.laneX(width);
    const all = msg('All', { id: 'diagram-all' });
    return html`
      <div class="bar" role="toolbar" aria-label=${msg('Sequence diagram', { id: 'diagram-toolbar' })}>
        ${this.sharedFilters ? nothing : html`<select class="transport-filter" aria-label=${msg('Transport', { id: 'diagram-transport' })}
          @change=${(e: Event) => this.setFilter({ transport: (e.target as HTMLSelectElement).value as Transport | '' })}>
          <option value="" ?selected=${!this.transport}>${msg('Transport', { id: 'diagram-transport' })}: ${all}</option>
          ${TRANSPORTS.map((t) => html`<option value=${t} ?selected=${this.transport === t}>${t}</option>`)}
        </select>
        <select class="kind-filter" aria-label=${msg('Kind', { id: 'diagram-kind' })}
          @change=${(e: Event) => this.setFilter({ kind: (e.target as HTMLSelectElement).value as TrafficKind | '' })}>
          <option value="" ?selected=${!this.kind}>${msg('Kind', { id: 'diagram-kind' })}: ${all}</option>
          ${TRAFFIC_KINDS.map((k) => html`<option value=${k} ?selected=${this.kind === k}>${k}</option>`)}
        </select>
        <input type="search" class="text-filter" .value=${this.text} placeholder=${msg('Filter', { id: 'diagram-filter' })}
          aria-label=${msg('Filter by text', { id: 'diagram-filter-text' })}
          @input=${(e: Event) => this.setFilter({ text: (e.target as HTMLInputElement).value })} />`}
        <select class="side-filter" aria-label=${msg('Side', { id: 'wire-side' })}
          title=${msg("The server's side draws each request and response head as the server read and wrote it (an EventSource's GET and its 200 held open with its events inside, a WebSocket's 101)", { id: 'diagram-side-title' })}
          @change=${(e: Event) => (this.observer = (e.target as HTMLSelectElement).value as ObserverFilter)}>
          <option value="client" ?selected=${this.observer === 'client'}>${msg('Client', { id: 'wire-side-client' })}</option>
          <option value="server" ?selected=${this.observer === 'server'}>${msg('Server', { id: 'wire-side-server' })}</option>
          <option value="both" ?selected=${this.observer === 'both'}>${msg('Both sides', { id: 'wire-side-both' })}</option>
        </select>
        <button class="gap-mode" aria-pressed=${this.gapMode === 'scale' ? 'true' : 'false'}
          title=${msg('Draw pauses to scale instead of compressing them', { id: 'diagram-scale-title' })}
          @click=${() => (this.gapMode = this.gapMode === 'scale' ? 'compressed' : 'scale')}>${msg('To scale', { id: 'diagram-scale' })}</button>
        <button class="pause" aria-pressed=${paused ? 'true' : 'false'} @click=${this.togglePause}>
          ${paused ? msg('Resume', { id: 'diagram-resume' }) : msg('Pause', { id: 'diagram-pause' })}
        </button>
        <label><input type="checkbox" class="follow" .checked=${this.live.following}
          @change=${(e: Event) => (this.live.following = (e.target as HTMLInputElement).checked)} />${msg('Follow', { id: 'diagram-follow' })}</label>
        <button class="export-svg" @click=${() => this.download(new Blob([this.exportSvg()], { type: 'image/svg+xml' }), 'svg')}>SVG</button>
        <button class="export-png" @click=${async () => this.download(await this.exportPng(), 'png')}>PNG</button>
      </div>
      <div class="head" aria-hidden="true">${layout.lanes.map((name) => html`<span style="left:${x.get(name)}px">${partyName(name)[currentLang()]}</span>`)}</div>
      <div class="scroll" tabindex="0" role="listbox" aria-label=${msg('Traffic as a sequence diagram', { id: 'diagram-list' })}
        @scroll=${this.live.onScroll} @click=${this.onClick} @keydown=${this.onKeydown}>
        ${layout.length === 0 ? html`<div class="empty">${msg('No traffic yet.', { id: 'diagram-empty' })}</div>` : nothing}
        <div class="spacer" style="height:${Math.max(layout.height, 1)}px">
          <svg class="view" width=${width} height=${viewHeight} style="margin-bottom:${-viewHeight}px"
            viewBox="0 ${top} ${width} ${viewHeight}">
            ${layout.length ? this.drawRows(from, to, layout.spansIn(top, bottom), width, 0, top, bottom) : nothing}
          </svg>
        </div>
      </div>
    `;
  }
}

/** Cut a label to about `chars` characters. */
function fit(label: string, chars: number): string {
  const n = Math.max(6, Math.floor(chars));
  return label.length > n ? label.slice(0, n - 1) + '…' : label;
}

/** A horizontal zigzag across the lanes: the conventional mark for "time cut out here". */
function zigzag(x1: number, x2: number, y: number): string {
  let d = `M${x1},${y}`;
  for (let x = x1, up = true; x < x2; x += 6, up = !up) d += ` L${Math.min(x + 6, x2)},${y + (up ? -3 : 3)}`;
  return d;
}

declare global {
  interface HTMLElementTagNameMap {
    'sequence-diagram': SequenceDiagram;
  }
  interface HTMLElementEventMap {
    'traffic-select': CustomEvent<{ seq: number }>;
  }
}
