import { localized, msg } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { TrafficEvent } from '../shared/traffic.js';
import { formatBytes, formatTime, hexDump, prettyJson } from '../traffic/traffic-format.js';

/** One traffic event in full: its facts, headers, and its body as JSON, raw text or hex. */
@customElement('traffic-detail')
@localized()
export class TrafficDetail extends LitElement {
  static override styles = css`
    :host { display: block; font-size: 12px; overflow: auto; padding: 6px 8px; box-sizing: border-box; }
    h3 { font-size: 12px; margin: 8px 0 4px; color: var(--pl-muted, #666); font-weight: 600; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
    dt { color: var(--pl-muted, #666); }
    dd { margin: 0; overflow-wrap: anywhere; }
    pre { margin: 0; padding: 6px; background: var(--pl-code-bg, rgba(127, 127, 127, 0.08)); border-radius: 4px;
      font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
    pre.hex { white-space: pre; overflow-x: auto; }
  `;

  @property({ attribute: false }) event?: TrafficEvent;

  override render() {
    const e = this.event;
    if (!e) return html`<p>${msg('This event is no longer in the buffer.', { id: 'inspector-detail-gone' })}</p>`;
    const facts: [string, unknown][] = [
      [msg('Connection', { id: 'inspector-detail-conn' }), e.conn],
      [msg('Party', { id: 'inspector-detail-party' }), e.party],
      [msg('Seen by', { id: 'inspector-detail-observer' }), e.observer],
      [msg('Time', { id: 'inspector-detail-time' }), `${formatTime(e.time)} s`],
      [msg('Size', { id: 'inspector-detail-size' }), `${formatBytes(e.bytes)} (${e.bytes})`],
    ];
    for (const [key, value] of Object.entries(e.details)) {
      if (key !== 'headers' && value !== undefined && value !== '') facts.push([key, value]);
    }
    const headers = Object.entries(e.details.headers ?? {});
    const json = e.details.binary ? undefined : prettyJson(e.body);
    return html`
      <dl>${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>
      ${headers.length
        ? html`<h3>${msg('Headers', { id: 'inspector-detail-headers' })}</h3>
            <dl>${headers.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`
        : nothing}
      ${json ? html`<h3>JSON</h3><pre>${json}</pre>` : nothing}
      ${e.body !== undefined && e.body !== ''
        ? e.details.binary
          ? html`<h3>${msg('Binary (hex)', { id: 'inspector-detail-hex' })}</h3><pre class="hex">${hexDump(e.body)}</pre>`
          : html`<h3>${msg('Raw text', { id: 'inspector-detail-raw' })}</h3><pre>${e.body}</pre>`
        : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'traffic-detail': TrafficDetail;
  }
}
