import { localized, msg } from '@lit/localize';
import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { detailStyles, madeBy } from './detail-styles.js';
import { BODY_LIMIT, hexOf, type TrafficEvent } from '../shared/traffic.js';
import { fromBase64 } from '../shared/wire/bytes.js';
import { summaryText, type WireRow } from '../traffic/wire-rows.js';
import { currentLang } from '../i18n/locale.js';
import { formatBytes, formatTime, hexDump } from '../traffic/traffic-format.js';

/** How many bytes the hex view lays out (about 500 lines): more would make the panel slow, not clearer. */
const HEX_LIMIT = 8 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Text when the bytes are valid UTF-8 without control characters (a cut at the end of a kept chunk is allowed). */
function looksText(bytes: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, 512); i++) {
    const b = bytes[i]!;
    if (b < 0x09 || (b > 0x0d && b < 0x20) || b === 0x7f) return false;
  }
  try {
    strictUtf8.decode(bytes.subarray(0, Math.max(0, bytes.length - 3)));
    return true;
  } catch {
    return false;
  }
}

/**
 * One row of the wire view in full: an HTTP head as a table of its headers, a frame's header fields (FIN, opcode,
 * mask, length and how it was encoded, close code and reason), a packet's data, and the bytes themselves as text or
 * as a hex dump. `event` is the 'bytes' event the row came from (its note says what browser mode could not know).
 */
@customElement('wire-detail')
@localized()
export class WireDetail extends LitElement {
  static override styles = [
    detailStyles,
    css`
    table.headers { border-collapse: collapse; width: 100%; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    table.headers th, table.headers td { text-align: left; vertical-align: top; padding: 1px 8px 1px 0; border-bottom: 1px solid var(--pl-border, #eee); }
    table.headers th { font-weight: 600; white-space: nowrap; }
    table.headers td { overflow-wrap: anywhere; }
    .start-line { font: 600 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 2px 0 4px; overflow-wrap: anywhere; }
    .note { color: var(--pl-warn, #8a4b00); margin: 4px 0; }
  `,
  ];

  @property({ attribute: false }) row?: WireRow;
  @property({ attribute: false }) event?: TrafficEvent;

  private bytesBlock(bytes: Uint8Array, total: number) {
    if (!bytes.length) return nothing;
    const shown = bytes.subarray(0, HEX_LIMIT);
    const more = total > shown.length ? html`<p class="note">${msg('Shown', { id: 'wire-shown' })}: ${shown.length} / ${total} B</p>` : nothing;
    if (looksText(shown)) {
      return html`<h3>${msg('Raw text', { id: 'inspector-detail-raw' })}</h3><pre>${new TextDecoder().decode(shown).replace(/\r\n/g, '␍␊\n')}</pre>${more}`;
    }
    return html`<h3>${msg('Binary (hex)', { id: 'inspector-detail-hex' })}</h3><pre class="hex">${hexDump(hexOf(shown, HEX_LIMIT))}</pre>${more}`;
  }

  private hexBlock(bytes: Uint8Array) {
    if (!bytes.length) return nothing;
    return html`<h3>${msg('Binary (hex)', { id: 'inspector-detail-hex' })}</h3><pre class="hex">${hexDump(hexOf(bytes.subarray(0, HEX_LIMIT), HEX_LIMIT))}</pre>`;
  }

  override render() {
    const row = this.row;
    if (!row) return html`<p>${msg('This event is no longer in the buffer.', { id: 'inspector-detail-gone' })}</p>`;
    const e = this.event;
    const facts: Array<[string, string]> = [
      [msg('Connection', { id: 'inspector-detail-conn' }), row.conn + (e?.details.port ? ` (${msg('port', { id: 'wire-port' })} ${e.details.port})` : '')],
      [msg('Time', { id: 'inspector-detail-time' }), `${formatTime(row.time)} s`],
      [msg('Size', { id: 'inspector-detail-size' }), `${formatBytes(row.size)} (${row.size})`],
    ];
    const rebuilt = e?.details.rebuilt;
    const r = row.record;
    let body: unknown = nothing;
    if (!r && e) {
      // The bytes layer: the chunk itself.
      const bytes = (e.details.raw && fromBase64(e.details.raw)) || new Uint8Array(0);
      if (e.details.rawDropped) facts.push([msg('Not kept', { id: 'wire-not-kept' }), `${e.details.rawDropped} B`]);
      body = this.bytesBlock(bytes, Math.min(e.bytes, BODY_LIMIT));
    } else if (r && 'http' in r && r.http.type === 'head') {
      const h = r.http;
      body = html`<h3>${h.kind === 'request' ? msg('Request head', { id: 'wire-request-head' }) : msg('Response head', { id: 'wire-response-head' })}</h3>
        <div class="start-line">${h.startLine}</div>
        <table class="headers"><tbody>${h.headers.map(([n, v]) => html`<tr><th scope="row">${n}</th><td>${v}</td></tr>`)}</tbody></table>`;
    } else if (r && 'http' in r && r.http.type === 'body') {
      body = this.bytesBlock(r.http.data, r.http.data.length);
    } else if (r && 'frame' in r && r.frame.type === 'frame') {
      const f = r.frame;
      facts.push(
        ['FIN', f.fin ? '1' : '0'],
        ['RSV1–3', f.rsv.toString(2).padStart(3, '0')],
        ['opcode', `0x${f.opcode.toString(16)} (${f.opcodeName})`],
        ['MASK', f.mask ? `1 (${hexOf(f.mask)})` : '0'],
        [msg('Payload length', { id: 'wire-payload-length' }), `${f.length} (${f.lengthBits === 7 ? '7' : f.lengthBits === 16 ? '7+16' : '7+64'} bit)`],
      );
      if (f.opcode === 0x8) {
        facts.push([msg('Close code', { id: 'wire-close-code' }), f.closeCode === undefined ? '— (1005)' : String(f.closeCode)]);
        if (f.closeReason) facts.push([msg('Reason', { id: 'wire-close-reason' }), f.closeReason]);
      }
      body = f.opcode === 0x2 ? this.hexBlock(f.payload) : this.bytesBlock(f.payload, f.payload.length);
    } else if (r && 'eio' in r && r.eio.type === 'packet') {
      const data = r.eio.packet.data;
      facts.push(['Engine.IO', r.eio.packet.type]);
      body = html`<h3>${msg('Encoded', { id: 'wire-encoded' })}</h3><pre>${typeof r.eio.encoded === 'string' ? r.eio.encoded : hexOf(r.eio.encoded)}</pre>
        ${data !== undefined && typeof data !== 'string' ? this.bytesBlock(new Uint8Array(data as ArrayBuffer), (data as ArrayBuffer).byteLength) : nothing}`;
    } else if (r && 'sio' in r && r.sio.type === 'packet') {
      const p = r.sio.packet;
      facts.push(['Socket.IO', p.typeName], [msg('Namespace', { id: 'wire-namespace' }), p.nsp]);
      if (p.id !== undefined) facts.push(['ack id', String(p.id)]);
      body = html`<h3>${msg('Data', { id: 'wire-data' })}</h3><pre>${JSON.stringify(p.data, (_k, v: unknown) => (v instanceof ArrayBuffer ? `<${v.byteLength} B>` : v), 2) ?? ''}</pre>`;
    } else {
      body = html`<pre>${summaryText(row, currentLang())}</pre>`;
    }
    // A row the server wrote names the line of server.js that wrote it, in both runtimes (the bytes' own record).
    const source = row.direction === 's2c' ? e?.details.source : undefined;
    return html`
      ${source ? html`<p class="source">${madeBy(this, source)}</p>` : nothing}
      ${rebuilt
        ? html`<p class="note rebuilt">${msg('Rebuilt in browser mode: the headers the browser adds itself (User-Agent, Accept-Encoding, Sec-Fetch-*, cookies…) never reach the in-browser server, so they are not shown. Real mode shows every byte.', { id: 'wire-rebuilt' })}</p>`
        : nothing}
      <dl>${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
      ${body}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'wire-detail': WireDetail;
  }
}
