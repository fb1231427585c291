import { localized, msg } from '@lit/localize';
import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { TrafficBuffer } from '../shared/traffic.js';
import type { WireLayer } from '../shared/wire/connection.js';
import { eventBySeq } from '../traffic/traffic-index.js';
import { arrowOf, formatBytes, formatDelta, formatTime } from '../traffic/traffic-format.js';
import { summaryText, WireRows, type WireSide } from '../traffic/wire-rows.js';
import { currentLang } from '../i18n/locale.js';
import './wire-detail.js';
import { ResizeController } from './resize-controller.js';
import { TrafficBufferController } from './traffic-buffer-controller.js';

const ROW_HEIGHT = 22;
const OVERSCAN = 8;
/** Decoding time allowed per frame: the rest of a 60 Hz frame stays for drawing and the page's own work. */
const FRAME_BUDGET_MS = 8;

/**
 * The inspector's wire view: the run's recorded bytes decoded at one layer (bytes, HTTP and frames, Engine.IO,
 * Socket.IO, the application's events), one row per record, the rows in view drawn and the rest stood in for by a
 * spacer. Decoding runs only while this element exists (a wire layer is chosen), once per animation frame, for the
 * events that arrived since. Ping, pong and SSE heartbeats are folded unless asked for.
 *
 * @example html`<wire-list .buffer=${run.traffic} layer="http" side="server"></wire-list>`
 */
@customElement('wire-list')
@localized()
export class WireList extends LitElement {
  static override styles = css`
    :host { display: flex; flex-direction: column; min-height: 0; flex: 1; font: 12px/1.4 system-ui, sans-serif; container-type: inline-size; }
    .info { padding: 2px 6px; color: var(--pl-muted, #666); border-bottom: 1px solid var(--pl-border, #ddd); display: flex; flex-wrap: wrap; gap: 2px 12px; }
    .main { flex: 1; min-height: 0; display: flex; flex-direction: column; }
    .list { flex: 1; min-height: 60px; overflow-y: auto; position: relative; outline: none; }
    .list:focus-visible { box-shadow: inset 0 0 0 2px var(--pl-accent, #0a66c2); }
    .spacer { position: relative; }
    .row { position: absolute; left: 0; right: 0; height: ${ROW_HEIGHT}px; line-height: ${ROW_HEIGHT}px; display: grid;
      grid-template-columns: 4.6em 5.2em 1.2em 3.6em 5.4em 4.8em minmax(0, 1fr); gap: 6px; padding: 0 6px;
      white-space: nowrap; cursor: pointer; box-sizing: border-box; font-variant-numeric: tabular-nums; }
    .row > span { overflow: hidden; text-overflow: ellipsis; }
    .row:hover { background: var(--pl-hover, rgba(127, 127, 127, 0.08)); }
    .row[aria-selected='true'] { background: var(--pl-selected, rgba(10, 102, 194, 0.14)); }
    .row.error { color: var(--pl-error, #c62828); }
    .delta, .size { text-align: right; color: var(--pl-muted, #666); }
    .dir { text-align: center; }
    .conn { color: var(--pl-muted, #666); }
    .summary { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    .empty { padding: 8px; color: var(--pl-muted, #666); }
    .details { border-top: 1px solid var(--pl-border, #ddd); max-height: 50%; display: flex; flex-direction: column; min-height: 0; }
    .details-head { display: flex; justify-content: space-between; align-items: center; padding: 2px 6px; font-weight: 600; }
    .details-head button { font: inherit; border: 0; background: none; cursor: pointer; color: inherit; padding: 0 4px; }
    wire-detail { flex: 1; min-height: 0; }
    @container (max-width: 520px) {
      .row { grid-template-columns: 4.4em 1.1em 4.6em 4.2em minmax(0, 1fr); gap: 4px; }
      .delta, .conn { display: none; }
    }
    @container (min-width: 900px) {
      .main.open { flex-direction: row; }
      .main.open .details { max-height: none; width: 42%; border-top: 0; border-left: 1px solid var(--pl-border, #ddd); }
    }
  `;

  @property({ attribute: false }) buffer?: TrafficBuffer;
  @property() layer: WireLayer = 'http';
  @property() side: WireSide = 'server';
  /** Show ping, pong and heartbeat comments as rows (folded, and counted, by default). */
  @property({ type: Boolean, attribute: 'show-control' }) showControl = false;
  @state() private selected?: number;
  @state() private revision = 0;
  @state() private top = 0;
  @state() private viewHeight = 400;
  @query('.list') private list?: HTMLElement;

  private rows = new WireRows(this.layer, this.side, this.showControl);
  /** Follow the newest row while the list is scrolled to its end. */
  private following = true;
  private catchUp = 0;
  private bufferCleared = false;
  private traffic = new TrafficBufferController(this, {
    onNotify: (buffer) => {
      if (buffer.size === 0) this.bufferCleared = true;
    },
    onFrame: () => this.sync(),
  });
  private resize = new ResizeController(this, () => {
    if (this.list && this.list.clientHeight) this.viewHeight = this.list.clientHeight;
  });

  /** The rows as drawn, for tests and exports: label and summary of each. */
  get rowCount(): number {
    return this.rows.rows.length;
  }

  private sync(): void {
    if (!this.buffer) return;
    if (this.bufferCleared) {
      this.bufferCleared = false;
      this.rows = new WireRows(this.layer, this.side, this.showControl);
      this.selected = undefined;
    }
    if (this.rows.sync(this.buffer, performance.now() + FRAME_BUDGET_MS)) this.revision++;
    this.catchUpLater();
  }

  /** A sync cut short by its budget goes on in the next frame until the rows have caught up with the buffer. */
  private catchUpLater(): void {
    if (this.catchUp || !this.buffer || !this.rows.behind(this.buffer)) return;
    this.catchUp = requestAnimationFrame(() => {
      this.catchUp = 0;
      if (this.isConnected) this.sync();
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.catchUp);
    this.catchUp = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((['buffer', 'layer', 'side', 'showControl'] as const).some((k) => changed.has(k))) {
      this.rows = new WireRows(this.layer, this.side, this.showControl);
      this.selected = undefined;
      if (this.buffer) {
        this.rows.sync(this.buffer, performance.now() + FRAME_BUDGET_MS);
        this.catchUpLater();
      }
    }
  }

  protected override firstUpdated(): void {
    this.resize.observe(this.list!);
  }

  protected override updated(): void {
    const list = this.list;
    if (list && this.following) {
      const end = this.rows.rows.length * ROW_HEIGHT - list.clientHeight;
      if (end > 0 && list.scrollTop < end) list.scrollTop = end;
    }
  }

  private onScroll(): void {
    const list = this.list!;
    this.top = list.scrollTop;
    this.following = list.scrollTop + list.clientHeight >= list.scrollHeight - ROW_HEIGHT / 2;
  }

  private onClick(e: MouseEvent): void {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-i]');
    if (!row) return;
    const i = Number(row.dataset['i']);
    this.selected = this.selected === i ? undefined : i;
    // A row picked to read stays where it is: new rows no longer scroll the list (scrolling to the end follows again).
    if (this.selected !== undefined) this.following = false;
  }

  private onKeydown(e: KeyboardEvent): void {
    const n = this.rows.rows.length;
    if (!n) return;
    let next: number | undefined;
    if (e.key === 'ArrowDown') next = Math.min(n - 1, (this.selected ?? -1) + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, (this.selected ?? n) - 1);
    else if (e.key === 'Escape') this.selected = undefined;
    if (next === undefined) return;
    e.preventDefault();
    this.selected = next;
    this.following = false;
    const list = this.list!;
    const top = next * ROW_HEIGHT;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ROW_HEIGHT > list.scrollTop + list.clientHeight) list.scrollTop = top + ROW_HEIGHT - list.clientHeight;
  }

  override render() {
    const all = this.rows.rows;
    const n = all.length;
    const first = Math.max(0, Math.floor(this.top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((this.top + this.viewHeight) / ROW_HEIGHT) + OVERSCAN);
    const indexes: number[] = [];
    for (let i = first; i < last; i++) indexes.push(i);
    // Keyed by row: a scroll keeps each row's element, so what a pointer (or a test) holds stays that row.
    const lang = currentLang();
    const rows = repeat(indexes, (i) => i + this.rows.dropped, (i) => {
      const r = all[i]!;
      const summary = summaryText(r, lang);
      const prev = all[i - 1];
      return html`<div class="row ${r.error ? 'error' : ''}" role="option" data-i=${i} style="top:${i * ROW_HEIGHT}px"
        aria-selected=${i === this.selected ? 'true' : 'false'}>
        <span class="time">${formatTime(r.time)}</span><span class="delta">${prev ? formatDelta(r.time - prev.time) : ''}</span
        ><span class="dir">${arrowOf(r.direction)}</span><span class="conn">${r.conn}</span><span class="label">${r.label}</span
        ><span class="size">${r.size ? formatBytes(r.size) : ''}</span><span class="summary" title=${summary}>${summary}</span>
      </div>`;
    });
    const selected = this.selected !== undefined ? all[this.selected] : undefined;
    const event = selected && this.buffer ? (selected.event ?? eventBySeq(this.buffer, selected.seq)) : undefined;
    const noClientSide = this.side === 'client' && this.rows.recorded === 0;
    return html`
      <div class="info" role="status" aria-live="off">
        ${this.rows.folded ? html`<span class="folded">${this.rows.folded} ${msg('ping/pong folded', { id: 'wire-folded' })}</span>` : nothing}
        ${this.rows.dropped ? html`<span class="dropped">${this.rows.dropped} ${msg('older rows dropped', { id: 'wire-rows-dropped' })}</span>` : nothing}
      </div>
      <div class="main ${selected ? 'open' : ''}">
        <div class="list" role="listbox" tabindex="0" aria-label=${msg('Wire records', { id: 'wire-list' })}
          @scroll=${this.onScroll} @click=${this.onClick} @keydown=${this.onKeydown}>
          ${n === 0
            ? html`<div class="empty">${noClientSide
                ? msg("The client's side of the wire is not recorded: a browser does not show its sockets' bytes. Choose the server's side: it reads and writes the same bytes.", { id: 'wire-no-client' })
                : msg('No bytes recorded at this layer yet.', { id: 'wire-empty' })}</div>`
            : nothing}
          <div class="spacer" style="height:${n * ROW_HEIGHT}px">${rows}</div>
        </div>
        ${selected
          ? html`<section class="details" aria-label=${msg('Event details', { id: 'inspector-details' })}>
              <div class="details-head"><span>${selected.label} · ${selected.conn}</span>
                <button aria-label=${msg('Close details', { id: 'inspector-details-close' })} @click=${() => (this.selected = undefined)}>×</button></div>
              <wire-detail .row=${selected} .event=${event}></wire-detail>
            </section>`
          : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wire-list': WireList;
  }
}
