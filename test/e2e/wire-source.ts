/** The WebSocket lesson's wire, from a row the server wrote to the line of server.js that wrote it. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const activeLine = (p: Page) => p.locator('code-panel .cm-activeLine').first().textContent();
const selectedFile = (p: Page) => p.locator('code-panel [role="tab"][aria-selected="true"]').first().textContent();

/**
 * The server's frame in the wire view (layer "HTTP / frames", the server's side) names the line that wrote it, and a
 * click puts the cursor there. Browser mode's test is in
 * wire-to-code.test.ts, real mode's in real-wire.test.ts.
 */
export async function expectWireRowNamesServerLine(p: Page): Promise<void> {
  await p.getByRole('tab', { name: 'Traffic' }).click();
  await p.locator('traffic-inspector select.side-filter').selectOption('server');
  await p.locator('traffic-inspector select.layer-filter').selectOption('http');
  const frame = p.locator('traffic-inspector wire-list .row', { has: p.locator('.summary', { hasText: /^FIN=1 len=\d+ \{"name":"张三"/ }) }).first();
  await frame.waitFor({ timeout: 15_000 });
  await frame.click();
  const source = p.locator('traffic-inspector wire-detail .source button');
  await expect(source.textContent()).resolves.toBe('server.js:23');
  // What the server read is the client's doing: no line of server.js.
  await p.locator('traffic-inspector wire-list .row', { has: p.locator('.summary', { hasText: /^FIN=1 MASK len=\d+ 客户端数据$/ }) }).first().click();
  await expect(p.locator('traffic-inspector wire-detail .source').count()).resolves.toBe(0);
  await frame.click();
  await p.locator('code-panel').getByRole('tab', { name: 'client.js' }).click();
  await source.click();
  await expect.poll(() => selectedFile(p)).toMatch(/server\.js/);
  await expect.poll(() => activeLine(p)).toBe('    ws.send(JSON.stringify(somedata));');
}

