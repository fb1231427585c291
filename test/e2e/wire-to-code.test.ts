/**
 * From the traffic to the code: an event the learner's code caused names its line, and a click puts the editor's
 * cursor there; what the browser or a library did by itself says so. Browser mode knows both sides' lines.
 */
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { run, setCode, usePage } from './browser.js';
import { expectWireRowNamesServerLine } from './wire-source.js';

const { page } = usePage({ lesson: 'websocket' });

/** Opens the details of the first Traffic row that matches. */
async function openRow(p: Page, kind: string, preview: RegExp, direction: '→' | '←'): Promise<void> {
  const row = p.locator('traffic-inspector .row').filter({ has: p.locator('.kind', { hasText: new RegExp(`^${kind}$`) }) })
    .filter({ has: p.locator('.dir', { hasText: direction }) })
    .filter({ has: p.locator('.preview', { hasText: preview }) })
    .first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await p.locator('traffic-detail').waitFor();
}

const activeLine = (p: Page) => p.locator('code-panel .cm-activeLine').first().textContent();
const selectedFile = (p: Page) => p.locator('code-panel [role="tab"][aria-selected="true"]').first().textContent();

it('a ws.send frame names the client.js line that sent it, and a click puts the cursor there', async () => {
  const p = page();
  await run(p);
  await p.getByRole('tab', { name: 'Traffic' }).click();
  await openRow(p, 'frame', /客户端数据/, '→');
  const source = p.locator('traffic-detail .source button');
  // Line 14: the send in onopen (line 7's send throws while CONNECTING and sends nothing).
  await expect(source.textContent()).resolves.toBe('client.js:14');
  await p.locator('code-panel').getByRole('tab', { name: 'server.js' }).click();
  await source.click();
  await expect.poll(() => selectedFile(p)).toMatch(/client\.js/);
  await expect.poll(() => activeLine(p)).toBe("  ws.send('客户端数据');");
});

it('a frame that arrived is the browser’s doing, not a line of the client', async () => {
  const p = page();
  await run(p);
  await p.getByRole('tab', { name: 'Traffic' }).click();
  await openRow(p, 'frame', /张三/, '←');
  await expect(p.locator('traffic-detail .source .none').textContent()).resolves.toContain('did this by itself');
  await expect(p.locator('traffic-detail .source button').count()).resolves.toBe(0);
});

it('the server’s side of the same run names server.js’s line, in browser mode, where the server runs in the page', async () => {
  const p = page();
  await run(p);
  await p.getByRole('tab', { name: 'Traffic' }).click();
  await p.locator('traffic-inspector select.side-filter').selectOption('server');
  await openRow(p, 'frame', /张三/, '←');
  await expect(p.locator('traffic-detail .source button').textContent()).resolves.toBe('server.js:23');
  await p.locator('traffic-detail .source button').click();
  await expect.poll(() => selectedFile(p)).toMatch(/server\.js/);
  await expect.poll(() => activeLine(p)).toBe('    ws.send(JSON.stringify(somedata));');
});

it('a row of the wire the server wrote names the line of server.js that wrote it', async () => {
  await run(page());
  await expectWireRowNamesServerLine(page());
});

it('on a phone, where the code is a pane of its own, the line link shows the code pane with the cursor on the line', async () => {
  const p = page();
  await p.setViewportSize({ width: 390, height: 844 });
  try {
    await p.locator('lesson-view').getByRole('tab', { name: 'Run', exact: true }).click();
    await run(p);
    await p.getByRole('tab', { name: 'Traffic' }).click();
    await openRow(p, 'frame', /客户端数据/, '→');
    await p.locator('traffic-detail .source button').click();
    await expect.poll(() => p.locator('lesson-view').getAttribute('pane')).toBe('code');
    await expect.poll(() => p.locator('code-panel').isVisible()).toBe(true);
    await expect.poll(() => activeLine(p)).toBe("  ws.send('客户端数据');");
  } finally {
    await p.setViewportSize({ width: 1280, height: 800 });
  }
});

it('in a flood past the budget of lines a second, a late frame says its line was not looked up, not that the browser sent it', async () => {
  const p = page();
  await setCode(
    p,
    'server.js',
    [
      "var WebSocketServer = require('ws').Server,",
      '  wss = new WebSocketServer({ port: 8181 });',
      "wss.on('connection', function (ws) {",
      "  for (var i = 0; i < 1500; i++) ws.send('n' + i);",
      '});',
    ].join('\n'),
  );
  await run(p);
  await p.getByRole('tab', { name: 'Traffic' }).click();
  await p.locator('traffic-inspector select.side-filter').selectOption('server');
  const filter = p.locator('traffic-inspector input.text-filter');
  await filter.fill('n1499');
  await openRow(p, 'frame', /^n1499$/, '←');
  await expect(p.locator('traffic-detail .source .none').textContent()).resolves.toContain('was not looked up');
  await expect(p.locator('traffic-detail .source button').count()).resolves.toBe(0);
  // The first frames of the second still name their line.
  await filter.fill('n0');
  await openRow(p, 'frame', /^n0$/, '←');
  await expect(p.locator('traffic-detail .source button').textContent()).resolves.toBe('server.js:4');
});
