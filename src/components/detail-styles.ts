import { msg } from '@lit/localize';
import { css, html } from 'lit';
import type { TrafficDetails } from '../shared/traffic.js';

/** What the two detail panes (one traffic event, one row of the wire) share: facts as a list, bodies as code. */
export const detailStyles = css`
  :host { display: block; font-size: 12px; overflow: auto; padding: 6px 8px; box-sizing: border-box; }
  h3 { font-size: 12px; margin: 8px 0 4px; color: var(--pl-muted, #666); font-weight: 600; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; }
  dt { color: var(--pl-muted, #666); }
  dd { margin: 0; overflow-wrap: anywhere; }
  pre { margin: 0; padding: 6px; background: var(--pl-code-bg, rgba(127, 127, 127, 0.08)); border-radius: 4px;
    font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
  pre.hex { white-space: pre; overflow-x: auto; }
  .source { margin: 0 0 6px; }
  .source button { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--pl-link, #0b57d0);
    background: none; border: 0; padding: 0; cursor: pointer; text-decoration: underline; }
  .source .none { color: var(--pl-muted, #666); }
`;

/**
 * "Made by server.js:14", where a click puts the editor's cursor on that line ('reveal-line', as the consoles do).
 * Both panes show it: an event's line, and the line that wrote a row of the wire.
 */
export function madeBy(host: HTMLElement, source: NonNullable<TrafficDetails['source']>) {
  const reveal = () =>
    host.dispatchEvent(new CustomEvent('reveal-line', { detail: { file: source.file, line: source.line }, bubbles: true, composed: true }));
  return html`${msg('Made by', { id: 'inspector-detail-source' })}
    <button type="button" title=${msg('Show this line in the editor', { id: 'inspector-detail-source-go' })} @click=${reveal}>${source.file}:${source.line}</button>`;
}
