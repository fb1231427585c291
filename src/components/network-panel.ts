import { localized, msg, str } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { NO_NETWORK_CONDITIONS, type NetworkAction, type NetworkConditions, type RunMode } from '../shared/protocol.js';

/** Presets a learner reaches for first; the sliders give any value in between. */
const LATENCIES = [0, 50, 200, 1000, 3000];
/** kbit/s; 0 is unlimited. */
const BANDWIDTHS = [0, 4000, 400, 50, 8];

/** Which way a "Go silent" leaves the open connections dead, as the select offers it. */
type SilentAction = Extract<NetworkAction, 'silent' | 'silent-to-server' | 'silent-to-client'>;

/**
 * The network panel: disturb the run's connections so that reconnection stops being abstract. Added latency,
 * bandwidth and a drop rate apply from now on; "kill the connection", "go offline" and "restart the server" act once.
 * It keeps no run state of its own: the host passes `conditions`, `offline` and `running` and applies what it emits.
 *
 * Emits 'network-change' {conditions: NetworkConditions} and 'network-action' {action: NetworkAction}; the host calls
 * RunSession.setNetwork / RunSession.networkAction with them.
 *
 * @example
 *   <network-panel .conditions=${session.networkConditions ?? NO_NETWORK_CONDITIONS} .offline=${offline}
 *     mode=${mode} ?running=${session.state === 'running'}
 *     @network-change=${(e) => session.setNetwork(e.detail.conditions)}
 *     @network-action=${(e) => session.networkAction(e.detail.action)}></network-panel>
 */
@customElement('network-panel')
@localized()
export class NetworkPanel extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 13px; padding: 8px 12px; }
    fieldset { border: none; margin: 0; padding: 0; display: grid; grid-template-columns: max-content 1fr max-content; gap: 6px 10px; align-items: center; }
    legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
    input[type='range'] { width: 100%; accent-color: var(--pl-accent); }
    output { font-family: var(--pl-mono); min-width: 9ch; text-align: right; }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; }
    button { font: inherit; padding: 4px 10px; border: 1px solid var(--pl-border); border-radius: 6px; background: var(--pl-surface); cursor: pointer; }
    button[aria-pressed='true'] { background: #fde8e8; border-color: var(--pl-warn); color: var(--pl-warn); font-weight: 600; }
    button:disabled { opacity: 0.5; cursor: default; }
    .silent { display: inline-flex; gap: 4px; align-items: center; }
    select { font: inherit; padding: 3px 4px; border: 1px solid var(--pl-border); border-radius: 6px; background: var(--pl-surface); max-width: 100%; }
    .note { color: var(--pl-muted); margin: 8px 0 0; line-height: 1.45; max-width: 70ch; }
  `;

  @property({ attribute: false }) conditions: NetworkConditions = { ...NO_NETWORK_CONDITIONS };
  @property({ type: Boolean }) offline = false;
  /** Actions need a live run; conditions may be set before one starts (it starts under them). */
  @property({ type: Boolean }) running = false;
  @property() mode: RunMode = 'browser';
  /** The direction the next "Go silent" applies to; the panel's own choice, kept while it lives. */
  @state() private silentWay: SilentAction = 'silent';

  private change(patch: Partial<NetworkConditions>): void {
    const conditions = { ...this.conditions, ...patch };
    this.conditions = conditions;
    this.dispatchEvent(new CustomEvent('network-change', { detail: { conditions }, bubbles: true, composed: true }));
  }

  private act(action: NetworkAction): void {
    if (action === 'offline' || action === 'online') this.offline = action === 'offline';
    this.dispatchEvent(new CustomEvent('network-action', { detail: { action }, bubbles: true, composed: true }));
  }

  override render() {
    const { latencyMs, bandwidthKbps, dropRate } = this.conditions;
    const bandwidthIndex = nearest(BANDWIDTHS, bandwidthKbps);
    const latencyIndex = nearest(LATENCIES, latencyMs);
    return html`
      <fieldset>
        <legend>${msg('Network conditions', { id: 'net-title' })}</legend>
        <label for="latency">${msg('Added latency', { id: 'net-latency' })}</label>
        <input id="latency" type="range" min="0" max=${LATENCIES.length - 1} step="1" .value=${String(latencyIndex)}
          @input=${(e: Event) => this.change({ latencyMs: LATENCIES[Number((e.target as HTMLInputElement).value)] ?? 0 })} />
        <output for="latency">${msg(str`${latencyMs} ms each way`, { id: 'net-latency-value' })}</output>

        <label for="bandwidth">${msg('Bandwidth', { id: 'net-bandwidth' })}</label>
        <input id="bandwidth" type="range" min="0" max=${BANDWIDTHS.length - 1} step="1" .value=${String(bandwidthIndex)}
          @input=${(e: Event) => this.change({ bandwidthKbps: BANDWIDTHS[Number((e.target as HTMLInputElement).value)] ?? 0 })} />
        <output for="bandwidth">${bandwidthKbps > 0 ? msg(str`${bandwidthKbps} kbit/s`, { id: 'net-bandwidth-value' }) : msg('unlimited', { id: 'net-unlimited' })}</output>

        <label for="drop">${msg('Drop rate', { id: 'net-drop' })}</label>
        <input id="drop" type="range" min="0" max="50" step="1" .value=${String(Math.round(dropRate * 100))}
          @input=${(e: Event) => this.change({ dropRate: Number((e.target as HTMLInputElement).value) / 100 })} />
        <output for="drop">${Math.round(dropRate * 100)} %</output>
      </fieldset>
      <div class="actions">
        <button ?disabled=${!this.running} @click=${() => this.act('kill')}>${msg('Kill the connection', { id: 'net-kill' })}</button>
        <button ?disabled=${!this.running} aria-pressed=${this.offline ? 'true' : 'false'} @click=${() => this.act(this.offline ? 'online' : 'offline')}>
          ${msg('Go offline', { id: 'net-offline' })}
        </button>
        <button ?disabled=${!this.running} @click=${() => this.act('restart')}>${msg('Restart the server', { id: 'net-restart' })}</button>
        <span class="silent">
          <button ?disabled=${!this.running} @click=${() => this.act(this.silentWay)}>${msg('Go silent', { id: 'net-silent' })}</button>
          <select aria-label=${msg('Which way goes silent', { id: 'net-silent-way' })} .value=${this.silentWay}
            @change=${(e: Event) => (this.silentWay = (e.target as HTMLSelectElement).value as SilentAction)}>
            <option value="silent">${msg('both ways', { id: 'net-silent-both' })}</option>
            <option value="silent-to-server">${msg('toward the server', { id: 'net-silent-to-server' })}</option>
            <option value="silent-to-client">${msg('toward the client', { id: 'net-silent-to-client' })}</option>
          </select>
        </span>
      </div>
      <p class="note">
        ${msg(
          'A drop loses the connection, not one message: TCP resends lost packets, so what a lossy network really does to a WebSocket or a stream is cut it.',
          { id: 'net-drop-note' },
        )}
        ${msg(
          'Go silent leaves the open connections half-open: both ends still think they are connected, and nothing more gets through, not even a close. Only a heartbeat with a deadline notices; new connections work.',
          { id: 'net-silent-note' },
        )}
        ${this.mode === 'real'
          ? html`<br />${msg(
              'Real Node: the backend applies these in its proxy, which carries everything the client sends to the run\u2019s servers: relative URLs, io(), and their ports on localhost such as ws://localhost:8181, which the page routes through the backend.',
              { id: 'net-real-note' },
            )}`
          : nothing}
      </p>
    `;
  }
}

function nearest(values: number[], value: number): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]! - value) < Math.abs(values[best]! - value)) best = i;
  return best;
}

declare global {
  interface HTMLElementTagNameMap {
    'network-panel': NetworkPanel;
  }
}
