/**
 * Network conditions through the page, as a learner uses them: open "Network conditions" under the run controls and
 * disturb a running lesson. What the client then sees must be what a browser sees when its server vanishes.
 */
import { describe, expect, it } from 'vitest';
import { openLesson, run, screenshot, setCode, usePage } from './browser.js';

const { page } = usePage();

const clientLine = (pattern: RegExp) => page().locator('console-panel[side="client"] .line .text').filter({ hasText: pattern }).first();

describe('network conditions in the browser runtime', () => {
  it('“Kill the connection” ends a WebSocket with 1006, not clean, as a vanished server does', async () => {
    await openLesson(page(), 'websocket');
    await setCode(page(), 'client.js', [
      "const ws = new WebSocket('ws://localhost:8181');",
      "ws.onopen = () => console.log('open');",
      "ws.onerror = () => console.log('error event');",
      "ws.onclose = (e) => console.log('closed', e.code, e.wasClean);",
    ].join('\n'));
    await run(page());
    await clientLine(/^open$/).waitFor();
    await page().getByText('Network conditions').first().click();
    await page().getByRole('button', { name: 'Kill the connection' }).click();
    expect(await clientLine(/^closed/).textContent()).toBe('closed 1006 false');
    await screenshot(page(), 'network-kill');
  });

  it('an EventSource whose server vanishes reconnects and resumes from Last-Event-ID', async () => {
    await openLesson(page(), 'sse');
    await setCode(page(), 'server.js', [
      "require('http').createServer((req, res) => {",
      "  const last = Number(req.headers['last-event-id'] || 0);",
      "  console.log('connected, Last-Event-ID', last);",
      "  res.writeHead(200, { 'Content-Type': 'text/event-stream' });",
      "  let n = last;",
      "  const t = setInterval(() => res.write('id: ' + ++n + '\\ndata: ' + n + '\\n\\n'), 200);",
      "  req.on('close', () => clearInterval(t));",
      "}).listen(3000);",
    ].join('\n'));
    await setCode(page(), 'client.js', [
      "const es = new EventSource('/events');",
      "es.onmessage = (e) => console.log('event', e.data);",
      "es.onerror = () => console.log('error, readyState', es.readyState);",
    ].join('\n'));
    await run(page());
    await clientLine(/^event 3$/).waitFor();
    await page().getByText('Network conditions').first().click();
    await page().getByRole('button', { name: 'Kill the connection' }).click();
    await clientLine(/^error, readyState 0$/).waitFor();
    const reconnect = page().locator('console-panel[side="server"] .line .text').filter({ hasText: /Last-Event-ID [1-9]/ });
    await reconnect.first().waitFor({ timeout: 15_000 });
    const resumedFrom = Number(/Last-Event-ID (\d+)/.exec((await reconnect.first().textContent()) ?? '')?.[1]);
    await clientLine(new RegExp(`^event ${resumedFrom + 1}$`)).waitFor();
    // Nothing the client had already received came again.
    const events = (await page().locator('console-panel[side="client"] .line .text').allTextContents()).filter((t) => t.startsWith('event '));
    expect(new Set(events).size).toBe(events.length);
  });
});
