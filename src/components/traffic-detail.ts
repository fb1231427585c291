import { localized, msg, str } from '@lit/localize';
import { html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { currentLang } from '../i18n/locale.js';
import { partyName } from '../shared/localized.js';
import type { TrafficEvent } from '../shared/traffic.js';
import { detailStyles, madeBy } from './detail-styles.js';
import { formatBytes, formatTime, hexDump, prettyJson } from '../traffic/traffic-format.js';

/**
 * One traffic event in full: its facts, the line of the learner's code that caused it (a click puts the editor's
 * cursor there: 'reveal-line', as the consoles do), headers, and its body as JSON, raw text or hex.
 */
@customElement('traffic-detail')
@localized()
export class TrafficDetail extends LitElement {
  static override styles = [detailStyles];

  @property({ attribute: false }) event?: TrafficEvent;

  override render() {
    const e = this.event;
    if (!e) return html`<p>${msg('This event is no longer in the buffer.', { id: 'inspector-detail-gone' })}</p>`;
    const facts: [string, unknown][] = [
      [msg('Connection', { id: 'inspector-detail-conn' }), e.conn],
      [msg('Party', { id: 'inspector-detail-party' }), partyName(e.party)[currentLang()]],
      [msg('Seen by', { id: 'inspector-detail-observer' }), partyName(e.observer)[currentLang()]],
      [msg('Time', { id: 'inspector-detail-time' }), `${formatTime(e.time)} s`],
      [msg('Size', { id: 'inspector-detail-size' }), `${formatBytes(e.bytes)} (${e.bytes})`],
    ];
    const startedAt = e.details.startedAt;
    // The handshake may have waited its turn (one to a host at a time): how long is worth seeing, not a raw time.
    if (startedAt !== undefined) {
      const waited = e.time - startedAt;
      facts.push([
        msg('Made by the page', { id: 'inspector-detail-started' }),
        waited >= 1
          ? msg(str`${formatTime(startedAt)} s (new WebSocket()), ${Math.round(waited)} ms before this event`, { id: 'inspector-detail-started-before' })
          : `${formatTime(startedAt)} s (new WebSocket())`,
      ]);
    }
    for (const [key, value] of Object.entries(e.details)) {
      if (key !== 'headers' && key !== 'source' && key !== 'unlocated' && key !== 'startedAt' && value !== undefined && value !== '') facts.push([key, value]);
    }
    const source = e.details.source;
    const headers = Object.entries(e.details.headers ?? {});
    const json = e.details.binary ? undefined : prettyJson(e.body);
    return html`
      <p class="source">
        ${source
          ? madeBy(this, source)
          : e.details.unlocated
            ? html`<span class="none">${msg('Which line made this was not looked up: in a flood the runtime names the first 1,000 events of each second (a look-up takes a stack trace), and not the rest.', {
                id: 'inspector-detail-source-unlocated',
              })}</span>`
            : html`<span class="none">${msg('Not made by a line of your code: the browser, the runtime or a library did this by itself.', {
              id: 'inspector-detail-source-none',
            })}</span>`}
      </p>
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
