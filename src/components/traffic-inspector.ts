import { localized, msg } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { TRAFFIC_KINDS, TRANSPORTS, type TrafficBuffer, type TrafficEvent, type TrafficKind, type Transport } from '../shared/traffic.js';
import './traffic-detail.js';
import './wire-list.js';
import type { WireLayer } from '../shared/wire/connection.js';
import { arrowOf, exportText, formatBytes, formatDelta, formatTime, type ObserverFilter, type TrafficFilter } from '../traffic/traffic-format.js';
import { eventBySeq, TrafficIndex } from '../traffic/traffic-index.js';
import { FollowController } from './follow-controller.js';
import { ResizeController } from './resize-controller.js';
import { TrafficBufferController } from './traffic-buffer-controller.js';

/** Every row has this height, so the list can draw only the rows in view and stand in for the rest with a spacer. */
const ROW_HEIGHT = 22;
/** Rows drawn above and below the visible ones, so a fast scroll shows no blank strip before the next frame. */
const OVERSCAN = 8;

/**
 * The live list of traffic events of a run, read from the page's one TrafficBuffer. It keeps no copy of the events:
 * a TrafficIndex holds the sequence numbers the filters let through, and only the rows in view are rendered, in at
 * most one update per animation frame however fast events arrive.
 *
 * Fires `traffic-select` (detail: {seq}) when the learner picks an event; `selectedSeq` selects one from outside
 * (the sequence diagram) and scrolls it into view. "Clear" hides what is in the buffer from this view only: other
 * views and the exercise checks read the same buffer and must not lose it.
 *
 * @example html`<traffic-inspector .buffer=${run.traffic} observer="client"></traffic-inspector>`
 */
@customElement('traffic-inspector')
@localized()
export class TrafficInspector extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 160px; height: 100%; font: 12px/1.4 system-ui, sans-serif;
      color: var(--pl-text, #1d1d1f); background: var(--pl-surface, #fff); container-type: inline-size; }
    .bar { display: flex; flex-wrap: wrap; gap: 4px 6px; align-items: center; padding: 4px 6px; border-bottom: 1px solid var(--pl-border, #ddd); }
    .bar select, .bar input[type='search'], .bar button { font: inherit; padding: 2px 6px; border: 1px solid var(--pl-border, #ccc);
      border-radius: 4px; background: var(--pl-surface, #fff); color: inherit; }
    .bar input[type='search'] { flex: 1 1 8em; min-width: 6em; }
    .bar button[aria-pressed='true'] { background: var(--pl-accent, #0a66c2); color: var(--pl-accent-text, #fff); }
    .bar label { display: inline-flex; gap: 3px; align-items: center; }
    .counters { display: flex; flex-wrap: wrap; gap: 2px 12px; padding: 2px 6px; color: var(--pl-muted, #666); border-bottom: 1px solid var(--pl-border, #ddd); }
    .counters .warn { color: var(--pl-warn, #b35c00); font-weight: 600; }
    .main { flex: 1; min-height: 0; display: flex; flex-direction: column; }
    /* Kept in the DOM while a wire layer is shown, so its list keeps its scroll position and observers. */
    .main[hidden] { display: none; }
    .list { flex: 1; min-height: 60px; overflow-y: auto; position: relative; outline: none; }
    .list:focus-visible { box-shadow: inset 0 0 0 2px var(--pl-accent, #0a66c2); }
    .spacer { position: relative; }
    .row { position: absolute; left: 0; right: 0; height: ${ROW_HEIGHT}px; line-height: ${ROW_HEIGHT}px; display: grid;
      grid-template-columns: 4.6em 5.2em 1.2em 4.6em 5.6em 4.8em minmax(0, 1fr); gap: 6px; padding: 0 6px;
      white-space: nowrap; cursor: pointer; box-sizing: border-box; font-variant-numeric: tabular-nums; }
    .row > span { overflow: hidden; text-overflow: ellipsis; }
    .row:hover { background: var(--pl-hover, rgba(127, 127, 127, 0.08)); }
    .row[aria-selected='true'] { background: var(--pl-selected, rgba(10, 102, 194, 0.14)); }
    .row:focus-visible { outline: 2px solid var(--pl-accent, #0a66c2); outline-offset: -2px; }
    .row.error { color: var(--pl-error, #c62828); }
    .delta, .size { text-align: right; color: var(--pl-muted, #666); }
    .dir { text-align: center; }
    .preview { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    .empty { padding: 8px; color: var(--pl-muted, #666); }
    .details { border-top: 1px solid var(--pl-border, #ddd); max-height: 45%; display: flex; flex-direction: column; min-height: 0; }
    .details-head { display: flex; justify-content: space-between; align-items: center; padding: 2px 6px; font-weight: 600; }
    .details-head button { font: inherit; border: 0; background: none; cursor: pointer; color: inherit; padding: 0 4px; }
    traffic-detail { flex: 1; min-height: 0; }
    /* A narrow column (~420 px): drop the delta and transport columns, the rest keeps its place. */
    @container (max-width: 520px) {
      .row { grid-template-columns: 4.4em 1.1em 5.4em 4.2em minmax(0, 1fr); gap: 4px; }
      .delta, .transport { display: none; }
    }
    /* A wide one: details beside the list. */
    @container (min-width: 900px) {
      .main.open { flex-direction: row; }
      .main.open .details { max-height: none; width: 42%; border-top: 0; border-left: 1px solid var(--pl-border, #ddd); }
    }
  `;

  @property({ attribute: false }) buffer?: TrafficBuffer;
  /** Which side's taps to show: the client's (default), the server shims', or both. */
  @property() observer: ObserverFilter = 'client';
  @property({ type: Number, attribute: 'selected-seq' }) selectedSeq?: number;

  /** Filters, shared with the sequence diagram through the owner: set them, and hear 'traffic-filter' when changed here. */
  @property() transport: Transport | '' = '';
  @property() kind: TrafficKind | '' = '';
  @property() text = '';
  /**
   * '' lists the events the APIs on each side reported (the default); a layer lists the recorded wire decoded at that
   * layer instead (bytes, HTTP heads and frames, Engine.IO, Socket.IO, the application's events).
   */
  @property() layer: WireLayer | '' = '';
  /** The wire view shows ping, pong and SSE heartbeats as rows (folded by default: they drown a quiet connection). */
  @state() private showControl = false;
  @state() private expandedSeq?: number;
  /** Bumped when the index changed, to re-render. */
  @state() private revision = 0;

  @query('.list') private list?: HTMLElement;

  private index = new TrafficIndex(this.filter());
  private bufferCleared = false;
  // Coalesce any number of buffer notifications into one sync and one render per animation frame.
  private traffic = new TrafficBufferController(this, {
    // clear() notifies while empty; a push never leaves it empty. A cleared buffer numbers on from where it was.
    onNotify: (buffer) => {
      if (buffer.size === 0) this.bufferCleared = true;
    },
    onFrame: () => this.syncIndex(),
  });
  /** Local "clear": events up to this seq are hidden from this view. */
  private clearedThrough = 0;
  private focusSeq?: number;
  private focusPending = false;
  // Autoscroll, Pause, the list's scroll position and selection, as the sequence diagram has them.
  private live = new FollowController(
    this,
    {
      scroller: () => this.list,
      contentHeight: () => this.index.length * ROW_HEIGHT,
      revealSelected: (seq) => {
        const i = this.index.indexOf(seq);
        if (i < 0) return undefined;
        this.focusSeq = seq;
        return this.revealTop(i);
      },
      slack: ROW_HEIGHT / 2,
    },
    400,
  );
  private resize = new ResizeController(this, () => {
    const list = this.list;
    if (list && list.clientHeight && list.clientHeight !== this.live.viewHeight) this.live.viewHeight = list.clientHeight;
  });

  /** The events the filters let through, as the Export button saves them. */
  exportJson(): string {
    return this.buffer ? exportText(this.index.events(this.buffer)) : exportText([]);
  }

  /** How many events the filters currently let through (all of them, not only the rows drawn). */
  get shownCount(): number {
    return this.index.length;
  }

  private filter(): TrafficFilter {
    return { observer: this.observer, transport: this.transport, kind: this.kind, text: this.text };
  }

  private syncIndex(): void {
    if (!this.buffer) return;
    if (this.bufferCleared) {
      this.bufferCleared = false;
      this.index.reset(this.index.newestSeenSeq);
      this.expandedSeq = undefined;
      this.revision++;
    }
    if (this.index.sync(this.buffer, this.live.until) || this.live.paused || this.buffer.dropped) this.revision++;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('buffer')) {
      this.clearedThrough = 0;
      this.index.reset(0);
    }
    const filterChanged = (['observer', 'transport', 'kind', 'text'] as const).some((k) => changed.has(k as keyof TrafficInspector));
    if (filterChanged) {
      this.index.filter = this.filter();
      this.index.reset(this.clearedThrough);
    }
    if ((changed.has('buffer') || filterChanged) && this.buffer) {
      this.index.sync(this.buffer, this.live.until);
    }
    // The FollowController then reveals a selection made in the sequence diagram, or follows the newest row.
  }

  protected override firstUpdated(): void {
    this.resize.observe(this.list!);
  }

  protected override updated(): void {
    // The FollowController has moved the list to its place already.
    if (this.focusPending) {
      this.focusPending = false;
      this.renderRoot.querySelector<HTMLElement>(`[data-seq="${this.focusSeq}"]`)?.focus({ preventScroll: true });
    }
  }

  /** The scrollTop that brings row i into view, or the current one if it is already visible. */
  private revealTop(i: number): number {
    const { top: listTop, viewHeight } = this.live;
    const top = i * ROW_HEIGHT;
    if (top < listTop) return top;
    if (top + ROW_HEIGHT > listTop + viewHeight) return top + ROW_HEIGHT - viewHeight;
    return listTop;
  }

  private pick(seq: number, toggle: boolean): void {
    this.focusSeq = seq;
    this.expandedSeq = toggle && this.expandedSeq === seq ? undefined : seq;
    this.live.select(seq);
  }

  private onListClick(e: MouseEvent): void {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-seq]');
    if (row) this.pick(Number(row.dataset['seq']), true);
  }

  /** Focus reached a row by Tab, a click or script: the keys act on that row from now on. */
  private onListFocusin(e: FocusEvent): void {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-seq]');
    if (row) this.focusSeq = Number(row.dataset['seq']);
  }

  private onListKeydown(e: KeyboardEvent): void {
    const n = this.index.length;
    if (!n) return;
    const current = this.focusSeq === undefined ? -1 : this.index.indexOf(this.focusSeq);
    const page = Math.max(1, Math.floor(this.live.viewHeight / ROW_HEIGHT) - 1);
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = Math.min(n - 1, current + 1);
        break;
      case 'ArrowUp':
        next = current < 0 ? n - 1 : Math.max(0, current - 1);
        break;
      case 'PageDown':
        next = Math.min(n - 1, Math.max(0, current) + page);
        break;
      case 'PageUp':
        next = Math.max(0, current - page);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = n - 1;
        break;
      case 'Enter':
      case ' ':
        if (current >= 0) {
          e.preventDefault();
          this.pick(this.focusSeq!, true);
        }
        return;
      case 'Escape':
        this.expandedSeq = undefined;
        return;
      default:
        return;
    }
    e.preventDefault();
    this.focusSeq = this.index.seqAt(next);
    this.focusPending = true;
    this.live.reveal(this.revealTop(next));
    this.revision++;
  }

  private togglePause(): void {
    if (!this.live.togglePause(this.index.newestSeenSeq)) this.syncIndex();
  }

  private clearView(): void {
    const buffer = this.buffer;
    this.clearedThrough = buffer && buffer.size ? buffer.at(buffer.size - 1)!.seq : this.index.newestSeenSeq;
    this.index.reset(this.clearedThrough);
    this.live.pausedAt = this.clearedThrough;
    this.expandedSeq = undefined;
    this.live.top = 0;
    this.revision++;
  }

  private download(): void {
    const blob = new Blob([this.exportJson()], { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `traffic-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  private directionLabel(event: TrafficEvent): string {
    if (event.direction === 'c2s') return msg('client to server', { id: 'inspector-dir-c2s' });
    if (event.direction === 's2c') return msg('server to client', { id: 'inspector-dir-s2c' });
    return msg('state change', { id: 'inspector-dir-none' });
  }

  private renderRow(i: number, buffer: TrafficBuffer) {
    const e = this.index.eventAt(buffer, i);
    if (!e) return nothing;
    const prev = i > 0 ? this.index.eventAt(buffer, i - 1) : undefined;
    return html`<div
      class="row ${e.kind === 'error' ? 'error' : ''}"
      role="option"
      tabindex="-1"
      data-seq=${e.seq}
      aria-selected=${e.seq === this.selectedSeq ? 'true' : 'false'}
      aria-posinset=${i + 1}
      aria-setsize=${this.index.length}
      style="top:${i * ROW_HEIGHT}px"
    >
      <span class="time">${formatTime(e.time)}</span><span class="delta">${prev ? formatDelta(e.time - prev.time) : ''}</span
      ><span class="dir" role="img" aria-label=${this.directionLabel(e)}>${arrowOf(e.direction)}</span
      ><span class="transport">${e.transport}</span><span class="kind">${e.kind}</span
      ><span class="size">${e.bytes ? formatBytes(e.bytes) : ''}</span><span class="preview" title=${e.preview}>${e.preview}</span>
    </div>`;
  }

  private renderCounters(buffer: TrafficBuffer | undefined) {
    // With a recorded wire, its figures are the true ones (every byte each way; every request, an EventSource's GET
    // and a WebSocket's upgrade included); the API taps' figures are estimates and stand in only without it. A filter
    // narrows the list, and the counts then describe the list shown: the wire's figures are the whole run's.
    const filtered = this.transport !== '' || this.kind !== '' || this.text.trim() !== '';
    const c = this.index.wire.chunks && !filtered ? this.index.wire : this.index.counters;
    const onWire = c === this.index.wire;
    const paused = this.live.paused;
    const waiting = paused && buffer && buffer.size ? buffer.at(buffer.size - 1)!.seq - this.live.pausedAt : 0;
    return html`<div class="counters ${onWire ? 'on-wire' : ''}" role="status" aria-live="off"
      title=${onWire ? msg('Counted on the wire: every byte each way, opening requests included', { id: 'wire-counted' }) : ''}>
      <span>${msg('Requests', { id: 'inspector-count-requests' })} <b class="n-requests">${c.requests}</b></span>
      <span>${msg('Messages', { id: 'inspector-count-messages' })} <b class="n-messages">${this.index.counters.messages}</b></span>
      <span title=${msg('client to server', { id: 'inspector-dir-c2s' })}>↑ <b class="bytes-up">${formatBytes(c.bytesUp)}</b></span>
      <span title=${msg('server to client', { id: 'inspector-dir-s2c' })}>↓ <b class="bytes-down">${formatBytes(c.bytesDown)}</b></span>
      ${buffer && buffer.dropped
        ? html`<span class="warn dropped">${buffer.dropped} ${msg('dropped (the buffer keeps the newest)', { id: 'inspector-dropped' })}</span>`
        : nothing}
      ${paused ? html`<span class="warn paused">${msg('Paused', { id: 'inspector-paused' })}: ${waiting} ${msg('new', { id: 'inspector-new' })}</span>` : nothing}
    </div>`;
  }

  /** A learner changed a filter here: apply it, and tell the owner so the other views follow. */
  private setFilter(change: Partial<{ transport: Transport | ''; kind: TrafficKind | ''; text: string }>): void {
    Object.assign(this, change);
    const detail = { transport: this.transport, kind: this.kind, text: this.text };
    this.dispatchEvent(new CustomEvent('traffic-filter', { detail, bubbles: true, composed: true }));
  }

  override render() {
    const buffer = this.buffer;
    const n = this.index.length;
    const { top, viewHeight, paused } = this.live;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((top + viewHeight) / ROW_HEIGHT) + OVERSCAN);
    const rows = [];
    if (buffer) for (let i = first; i < last; i++) rows.push(this.renderRow(i, buffer));
    const expanded = this.expandedSeq !== undefined && buffer ? eventBySeq(buffer, this.expandedSeq) : undefined;
    const all = msg('All', { id: 'inspector-all' });
    return html`
      <div class="bar" role="toolbar" aria-label=${msg('Traffic filters', { id: 'inspector-toolbar' })}>
        <select class="transport-filter" aria-label=${msg('Transport', { id: 'inspector-transport' })}
          @change=${(e: Event) => this.setFilter({ transport: (e.target as HTMLSelectElement).value as Transport | '' })}>
          <option value="" ?selected=${!this.transport}>${msg('Transport', { id: 'inspector-transport' })}: ${all}</option>
          ${TRANSPORTS.map((t) => html`<option value=${t} ?selected=${this.transport === t}>${t}</option>`)}
        </select>
        <select class="kind-filter" aria-label=${msg('Kind', { id: 'inspector-kind' })}
          @change=${(e: Event) => this.setFilter({ kind: (e.target as HTMLSelectElement).value as TrafficKind | '' })}>
          <option value="" ?selected=${!this.kind}>${msg('Kind', { id: 'inspector-kind' })}: ${all}</option>
          ${TRAFFIC_KINDS.map((k) => html`<option value=${k} ?selected=${this.kind === k}>${k}</option>`)}
        </select>
        <select class="side-filter" aria-label=${msg('Side', { id: 'wire-side' })}
          @change=${(e: Event) => (this.observer = (e.target as HTMLSelectElement).value as ObserverFilter)}>
          <option value="client" ?selected=${this.observer === 'client'}>${msg('Client', { id: 'wire-side-client' })}</option>
          <option value="server" ?selected=${this.observer === 'server'}>${msg('Server', { id: 'wire-side-server' })}</option>
          <option value="both" ?selected=${this.observer === 'both'}>${msg('Both sides', { id: 'wire-side-both' })}</option>
        </select>
        <select class="layer-filter" aria-label=${msg('Layer', { id: 'wire-layer' })}
          @change=${(e: Event) => (this.layer = (e.target as HTMLSelectElement).value as WireLayer | '')}>
          <option value="" ?selected=${!this.layer}>${msg('API events', { id: 'wire-layer-api' })}</option>
          <option value="bytes" ?selected=${this.layer === 'bytes'}>${msg('Bytes (TCP)', { id: 'wire-layer-bytes' })}</option>
          <option value="http" ?selected=${this.layer === 'http'}>${msg('HTTP / frames', { id: 'wire-layer-http' })}</option>
          <option value="eio" ?selected=${this.layer === 'eio'}>Engine.IO</option>
          <option value="sio" ?selected=${this.layer === 'sio'}>Socket.IO</option>
          <option value="events" ?selected=${this.layer === 'events'}>${msg('Events', { id: 'wire-layer-events' })}</option>
        </select>
        ${this.layer
          ? html`<label><input type="checkbox" class="show-control" .checked=${this.showControl}
              @change=${(e: Event) => (this.showControl = (e.target as HTMLInputElement).checked)} />ping/pong</label>`
          : nothing}
        <input type="search" class="text-filter" .value=${this.text}
          placeholder=${msg('Filter', { id: 'inspector-filter-placeholder' })}
          aria-label=${msg('Filter by text', { id: 'inspector-filter-text' })}
          @input=${(e: Event) => this.setFilter({ text: (e.target as HTMLInputElement).value })} />
        <button class="pause" aria-pressed=${paused ? 'true' : 'false'} @click=${this.togglePause}>
          ${paused ? msg('Resume', { id: 'inspector-resume' }) : msg('Pause', { id: 'inspector-pause' })}
        </button>
        <label><input type="checkbox" class="autoscroll" .checked=${this.live.following}
          @change=${(e: Event) => (this.live.following = (e.target as HTMLInputElement).checked)} />${msg('Autoscroll', { id: 'inspector-autoscroll' })}</label>
        <button class="clear" @click=${this.clearView}>${msg('Clear', { id: 'inspector-clear' })}</button>
        <button class="export" @click=${this.download}>${msg('Export JSON', { id: 'inspector-export' })}</button>
      </div>
      ${this.renderCounters(buffer)}
      ${this.layer
        ? html`<wire-list .buffer=${buffer} layer=${this.layer} side=${this.observer} ?show-control=${this.showControl}></wire-list>`
        : nothing}
      ${this.renderEvents(n, rows, expanded)}
    `;
  }

  private renderEvents(n: number, rows: unknown[], expanded: TrafficEvent | undefined) {
    return html`
      <div class="main ${expanded || this.expandedSeq !== undefined ? 'open' : ''}" ?hidden=${!!this.layer}>
        <div class="list" role="listbox" tabindex="0" aria-label=${msg('Traffic events', { id: 'inspector-list' })}
          @scroll=${this.live.onScroll} @click=${this.onListClick} @focusin=${this.onListFocusin} @keydown=${this.onListKeydown}>
          ${n === 0 ? html`<div class="empty">${msg('No traffic yet.', { id: 'inspector-empty' })}</div>` : nothing}
          <div class="spacer" style="height:${n * ROW_HEIGHT}px">${rows}</div>
        </div>
        ${this.expandedSeq !== undefined
          ? html`<section class="details" id="details" aria-label=${msg('Event details', { id: 'inspector-details' })}>
              <div class="details-head">
                <span>${expanded ? `#${expanded.seq} ${expanded.transport} ${expanded.kind}` : ''}</span>
                <button aria-label=${msg('Close details', { id: 'inspector-details-close' })} @click=${() => (this.expandedSeq = undefined)}>×</button>
              </div>
              <traffic-detail .event=${expanded}></traffic-detail>
            </section>`
          : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'traffic-inspector': TrafficInspector;
  }
}
