import { localized, msg } from '@lit/localize';
import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { PollKind } from '../shared/lesson.js';
import type { TrafficBuffer } from '../shared/traffic.js';
import { formatBytes, type ObserverFilter } from '../traffic/traffic-format.js';
import { bucketEnds, cumulative, delaysOf, median, TransportStats, WAYS, type Way } from '../traffic/transport-stats.js';
import { ResizeController } from './resize-controller.js';
import { TrafficBufferController } from './traffic-buffer-controller.js';

const COLORS: Record<Way, string> = { short: '#b35c00', long: '#0a66c2', sse: '#2e7d32', ws: '#6a3fb5' };
// Most telling first: in a lesson's bottom panel (about 800 × 300 px) only the first row of charts shows without
// scrolling, and the delay per item is what tells push from polling at a glance.
const CHARTS = ['delay', 'requests', 'down', 'up'] as const;
type Chart = (typeof CHARTS)[number];

/**
 * The same news delivered four ways at once (short polling, long polling, SSE, WebSocket), compared from the run's
 * traffic events: requests, bytes each way (headers counted) and the delay from publish to display of each item,
 * over time and as a summary table. What counts as which way, and the delay convention (`t` in each item), are in
 * transport-stats.ts. Charts are uPlot: made for live time series, small, and it redraws 4 × 400 points per frame
 * without effort.
 *
 * `epoch` is the run's time origin (the RunMessage's `epoch`, ms since 1970); without it the element estimates it
 * from events as they arrive live (the earliest page time minus event time seen).
 *
 * @example html`<transport-comparison .buffer=${run.traffic} .epoch=${run.epoch} .pollKind=${lesson.pollKind}></transport-comparison>`
 */
@customElement('transport-comparison')
@localized()
export class TransportComparison extends LitElement {
  // uPlot's own stylesheet is a file to load globally, which a shadow root would not see: these are the few rules
  // its layout needs (positioned layers, the legend), written for this element.
  static override styles = css`
    :host { display: block; font: 12px/1.4 system-ui, sans-serif; color: var(--pl-text, #1d1d1f); background: var(--pl-surface, #fff); }
    table { border-collapse: collapse; margin: 6px; font-variant-numeric: tabular-nums; }
    th, td { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--pl-border, #ddd); }
    th:first-child, td:first-child { text-align: left; }
    .swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
    .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 8px; padding: 6px; }
    .chart h4 { margin: 0 0 2px; font-size: 12px; font-weight: 600; }
    .plot { min-height: 160px; }
    .uplot { font: 11px system-ui, sans-serif; }
    .u-wrap { position: relative; user-select: none; }
    .u-over, .u-under, .u-axis { position: absolute; }
    .u-under { overflow: hidden; }
    .uplot canvas { display: block; position: relative; width: 100%; height: 100%; }
    .u-legend { margin: auto; text-align: center; font-size: 11px; }
    .u-inline tr { display: inline-block; margin: 0 6px; }
    .u-inline th, .u-inline td { display: inline; border: 0; padding: 0 2px; }
    .u-legend .u-marker { width: 0.8em; height: 0.8em; margin-right: 4px; display: inline-block; vertical-align: middle; }
    .u-legend .u-off > * { opacity: 0.3; }
    .u-cursor-x, .u-cursor-y { position: absolute; left: 0; top: 0; pointer-events: none; will-change: transform; }
    .u-cursor-x { height: 100%; border-right: 1px dashed #8a8f98; }
    .u-cursor-y { width: 100%; border-bottom: 1px dashed #8a8f98; }
    .u-cursor-pt { position: absolute; top: 0; left: 0; border-radius: 50%; border: 0 solid; pointer-events: none; will-change: transform; }
    .u-select { position: absolute; background: rgba(0, 0, 0, 0.07); pointer-events: none; }
    .u-hz .u-cursor-x, .u-hz .u-cursor-y { display: block; }
  `;

  @property({ attribute: false }) buffer?: TrafficBuffer;
  @property() observer: ObserverFilter = 'client';
  /** The run's epoch (ms since 1970 at run time 0); estimated from live events when not given. */
  @property({ type: Number }) epoch?: number;
  /** The lesson's way of telling long polls from short ones (LessonContent.pollKind); all short without it. */
  @property({ attribute: false }) pollKind?: PollKind;

  /** Bumped when the figures changed, to re-render. */
  @state() private revision = 0;

  private stats = new TransportStats();
  private lastSeq = 0;
  private estimatedEpoch = Infinity;
  // Coalesce any number of buffer notifications into one pass over the new events and one render per frame.
  private traffic = new TrafficBufferController(this, {
    onFrame: () => {
      if (this.sync(true)) this.revision++;
    },
  });
  private plots = new Map<Chart, uPlot>();
  private resize = new ResizeController(this, () => {
    for (const [chart, plot] of this.plots) {
      const box = this.renderRoot.querySelector<HTMLElement>(`.plot[data-chart="${chart}"]`);
      if (box && box.clientWidth && Math.abs(box.clientWidth - plot.width) > 1) plot.setSize({ width: box.clientWidth, height: 140 });
    }
  });

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const p of this.plots.values()) p.destroy();
    this.plots.clear();
  }

  private sync(live = false): boolean {
    const buffer = this.buffer;
    if (!buffer || !buffer.size) return false;
    const first = buffer.at(0)!.seq;
    let changed = false;
    for (let i = Math.max(0, this.lastSeq + 1 - first); i < buffer.size; i++) {
      const e = buffer.at(i)!;
      this.lastSeq = e.seq;
      // The recorded wire counts whichever side is shown: both sides put the same bytes on it.
      if (e.transport === 'tcp') {
        this.stats.addWire(e);
        changed = true;
        continue;
      }
      if (this.observer !== 'both' && e.observer !== this.observer) continue;
      this.stats.add(e);
      changed = true;
    }
    if (live && changed) {
      // An event is seen here a little after it happened, never before: the smallest (now - time) is the closest
      // estimate of the run's origin on this page's clock.
      const newest = buffer.at(buffer.size - 1)!;
      this.estimatedEpoch = Math.min(this.estimatedEpoch, performance.timeOrigin + performance.now() - newest.time);
    }
    return changed;
  }

  private get runEpoch(): number | undefined {
    return this.epoch ?? (Number.isFinite(this.estimatedEpoch) ? this.estimatedEpoch : undefined);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('buffer') || changed.has('observer') || changed.has('pollKind')) {
      this.stats = new TransportStats(this.pollKind);
      this.lastSeq = 0;
      this.sync();
    }
  }

  protected override firstUpdated(): void {
    for (const box of this.renderRoot.querySelectorAll<HTMLElement>('.plot')) this.resize.observe(box);
  }

  protected override updated(): void {
    this.drawCharts();
  }

  private wayName(way: Way): string {
    switch (way) {
      case 'short':
        return msg('Short polling', { id: 'compare-short' });
      case 'long':
        return msg('Long polling', { id: 'compare-long' });
      case 'sse':
        return 'SSE';
      case 'ws':
        return 'WebSocket';
    }
  }

  private chartData(chart: Chart): uPlot.AlignedData {
    const s = this.stats.figures();
    if (chart === 'delay') {
      const epoch = this.runEpoch ?? 0;
      const points = WAYS.flatMap((way, w) => s[way].arrivals.map((a) => [a.time / 1000, w, a.time + epoch - a.t] as const));
      points.sort((a, b) => a[0] - b[0]);
      const xs = points.map((p) => p[0]);
      const ys = WAYS.map((_, w) => points.map((p) => (p[1] === w ? p[2] : null)));
      return [xs, ...ys];
    }
    const xs = bucketEnds(this.stats.end);
    const series = WAYS.map((way) => {
      const steps: ReadonlyArray<readonly [number, number]> =
        chart === 'requests' ? s[way].requestTimes.map((t) => [t, 1] as const) : chart === 'up' ? s[way].upSteps : s[way].downSteps;
      return cumulative(steps, xs);
    });
    return [xs, ...series];
  }

  private drawCharts(): void {
    for (const chart of CHARTS) {
      const box = this.renderRoot.querySelector<HTMLElement>(`.plot[data-chart="${chart}"]`);
      if (!box) continue;
      const data = this.chartData(chart);
      const plot = this.plots.get(chart);
      if (plot) {
        plot.setData(data);
        continue;
      }
      const scatter = chart === 'delay';
      const opts: uPlot.Options = {
        width: box.clientWidth || 320,
        height: 140,
        scales: { x: { time: false } },
        axes: [
          { label: msg('s since the run started', { id: 'compare-axis-time' }), size: 34, labelSize: 14 },
          { size: 50, values: chart === 'up' || chart === 'down' ? (_u, vals) => vals.map((v) => formatBytes(v)) : undefined },
        ],
        series: [
          // The x value in the legend: uPlot would label it "Value"; it is seconds since the run started.
          { label: 's' },
          ...WAYS.map((way) => ({
            label: this.wayName(way),
            stroke: COLORS[way],
            width: scatter ? 0 : 1.5,
            ...(scatter ? { paths: () => null, points: { show: true, size: 5, fill: COLORS[way] } } : { points: { show: false } }),
          })),
        ],
        legend: { show: true },
      };
      this.plots.set(chart, new uPlot(opts, data, box));
    }
  }

  override render() {
    const s = this.stats.figures();
    const epoch = this.runEpoch;
    const ms = (v: number | undefined) => (v === undefined ? '—' : `${Math.round(v)} ms`);
    const titles: Record<Chart, string> = {
      requests: msg('Requests (total)', { id: 'compare-chart-requests' }),
      up: msg('Bytes client → server (total, headers counted)', { id: 'compare-chart-up' }),
      down: msg('Bytes server → client (total, headers counted)', { id: 'compare-chart-down' }),
      delay: msg('Delay from publish to display, per item (ms)', { id: 'compare-chart-delay' }),
    };
    return html`
      <table class="summary">
        <thead>
          <tr>
            <th>${msg('Way', { id: 'compare-way' })}</th>
            <th>${msg('Requests', { id: 'compare-requests' })}</th>
            <th>${msg('Items shown', { id: 'compare-items' })}</th>
            <th>${msg('Bytes ↑', { id: 'compare-up' })}</th>
            <th>${msg('Bytes ↓', { id: 'compare-down' })}</th>
            <th>${msg('Bytes per item', { id: 'compare-per-item' })}</th>
            <th>${msg('Median delay', { id: 'compare-median' })}</th>
            <th>${msg('Max delay', { id: 'compare-max' })}</th>
          </tr>
        </thead>
        <tbody>
          ${WAYS.map((way) => {
            const w = s[way];
            const delays = epoch === undefined ? [] : delaysOf(w, epoch);
            const items = w.arrivals.length;
            return html`<tr data-way=${way}>
              <td><span class="swatch" style="background:${COLORS[way]}"></span>${this.wayName(way)}</td>
              <td class="requests">${w.requests}</td>
              <td class="items">${items}</td>
              <td class="up">${formatBytes(w.bytesUp)}</td>
              <td class="down">${formatBytes(w.bytesDown)}</td>
              <td class="per-item">${items ? formatBytes(Math.round((w.bytesUp + w.bytesDown) / items)) : '—'}</td>
              <td class="median">${ms(median(delays))}</td>
              <td class="max">${ms(delays.length ? Math.max(...delays) : undefined)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
      <div class="charts">
        ${CHARTS.map((chart) => html`<figure class="chart" style="margin:0"><h4>${titles[chart]}</h4><div class="plot" data-chart=${chart}></div></figure>`)}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'transport-comparison': TransportComparison;
  }
}
