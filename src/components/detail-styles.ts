import { css } from 'lit';

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
`;
