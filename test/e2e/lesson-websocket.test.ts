/**
 * The WebSocket lesson as a learner meets it, in browser mode: the handshake seen from the server, readyState 0 to 3,
 * send() before open throwing, a bare close() reported as 1005 on both sides, and the course's timer sending on after
 * the client left. Then the prose's claims about close(): which codes and reasons a page may give, and what binary
 * arrives as by default.
 */
import { describe, expect, it } from 'vitest';
import { replaceOnce } from '../../src/lessons/checks/edit.js';
import { HEARTBEAT_CLIENT, HEARTBEAT_SERVER } from '../../src/lessons/websocket/exercises.js';
import { consoleLine, consoleLines, run, screenshot, setCode, trafficRows, usePage } from './browser.js';

const { page } = usePage({ lesson: 'websocket' });

const line = (side: 'server' | 'client', pattern: RegExp) => consoleLine(page(), side, pattern);


describe('WebSocket lesson, as shipped (browser mode)', () => {
  it('shows the handshake, the four states, the throw before open, 1005, and sends going on after the close', async () => {
    await run(page());
    await line('server', /^closed by the client/).waitFor({ timeout: 10_000 });
    // The leak: two more sends after the client has gone (the timer fires once a second).
    const closedAt = (await consoleLines(page(), 'server')).findIndex((l) => l.startsWith('closed by the client'));
    await expect.poll(async () => (await consoleLines(page(), 'server')).slice(closedAt + 1).filter((l) => l === 'sent').length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);

    const server = await consoleLines(page(), 'server');
    expect(server[0]).toBe('client connected, Upgrade: websocket version: 13');
    expect(server).toContain('received: 客户端数据');
    expect(server[closedAt]).toBe('closed by the client: 1005 ');

    const client = await consoleLines(page(), 'client');
    expect(client.slice(0, 3)).toEqual(['readyState 0', 'send() before open: InvalidStateError', 'open, readyState 1']);
    expect(client.filter((l) => l === "{ name: '张三', age: 20 }").length).toBeGreaterThanOrEqual(2);
    expect(client.slice(-2)).toEqual(['close() called, readyState 2', 'closed 1005  wasClean true readyState 3']);

    await page().getByRole('tab', { name: 'Traffic' }).click();
    const rows = await trafficRows(page());
    expect(rows[0]).toBe('open ws://localhost:8181/');
    // The throwing send left nothing on the wire: the first frame is the one sent from onopen.
    expect(rows[1]).toBe('frame 客户端数据');
    expect(rows.slice(-2)).toEqual(['close close() called by the page', 'close 1005']);
    await screenshot(page(), 'lesson-websocket-traffic');
  });

  it('close() takes 1000 or 3000–4999 and a reason of at most 123 bytes; the server gets code and reason', async () => {
    await setCode(
      page(),
      'client.js',
      `const ws = new WebSocket('ws://localhost:8181');
ws.onopen = () => {
  for (const [code, reason] of [[1001, ''], [4000, '再见'.repeat(21)]]) {
    try { ws.close(code, reason); } catch (err) { console.log(code, err.name); }
  }
  ws.close(4000, '再见'.repeat(20) + '!');
};
ws.onclose = (e) => console.log('closed', e.code, e.reason.length, e.wasClean);
`,
    );
    await run(page());
    await line('client', /^closed/).waitFor({ timeout: 10_000 });
    expect(await consoleLines(page(), 'client')).toEqual(['1001 InvalidAccessError', '4000 SyntaxError', 'closed 4000 41 true']);
    await expect(line('server', /^closed by the client/).textContent()).resolves.toBe(`closed by the client: 4000 ${'再见'.repeat(20)}!`);
  });

  it("binary from the server arrives as a Blob by default and as an ArrayBuffer with binaryType 'arraybuffer'", async () => {
    await setCode(
      page(),
      'server.js',
      `const { WebSocketServer } = require('ws');
new WebSocketServer({ port: 8181 }).on('connection', (ws) => ws.send(Uint8Array.from([1, 2, 3, 4])));
`,
    );
    await setCode(
      page(),
      'client.js',
      `for (const type of ['blob', 'arraybuffer']) {
  const ws = new WebSocket('ws://localhost:8181');
  ws.binaryType = type;
  ws.onmessage = (e) => console.log(type, Object.prototype.toString.call(e.data), e.data.size ?? e.data.byteLength);
}
`,
    );
    await run(page());
    await expect.poll(async () => (await consoleLines(page(), 'client')).sort(), { timeout: 10_000 }).toEqual([
      'arraybuffer [object ArrayBuffer] 4',
      'blob [object Blob] 4',
    ]);
  });
});

describe('the course’s fragments, run as one program', () => {
  it('close() right after new WebSocket fails the connection: no open, an error, then close 1006 not clean', async () => {
    await setCode(
      page(),
      'client.js',
      `var ws = new WebSocket('ws://localhost:8181');
ws.onopen = function () { console.log('open'); ws.send('客户端数据'); };
ws.onmessage = function (e) { console.log(JSON.parse(e.data)); };
ws.onerror = function () { console.log('error, readyState', ws.readyState); };
ws.onclose = function (e) { console.log('close', e.code, 'wasClean', e.wasClean); };
ws.close();
`,
    );
    await run(page());
    await line('client', /^close /).waitFor({ timeout: 10_000 });
    expect(await consoleLines(page(), 'client')).toEqual(['error, readyState 3', 'close 1006 wasClean false']);
  });
});

describe('reconnecting with exponential backoff and jitter (the heartbeat solution’s client)', () => {
  it('waits about twice as long after each failed try, at random within each range, until the server takes it', async () => {
    // The heartbeat server, hanging on connection 1 as the exercise has it, and dropping connections 2 to 4 at once:
    // a server restarting, which accepts and drops.
    const restarting = replaceOnce(HEARTBEAT_SERVER, '  const number = ++connections;\n', '  const number = ++connections;\n  if (number >= 2 && number <= 4) return ws.terminate();\n');
    await setCode(page(), 'server.js', restarting);
    await setCode(page(), 'client.js', HEARTBEAT_CLIENT);
    await run(page());
    await line('client', /\(attempt 4\)/).waitFor({ timeout: 20_000 });
    const tries = (await consoleLines(page(), 'client'))
      .map((l) => /^reconnecting in ([\d.]+) s \(attempt (\d+)\)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ delay: Number(m[1]), attempt: Number(m[2]) }));
    expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3, 4]);
    // attempt n waits 0.5 s × 2^(n-1), times a random 0.5–1: ranges that do not overlap, so each wait is longer.
    tries.forEach(({ delay }, i) => {
      const cap = 0.5 * 2 ** i;
      expect(delay, `attempt ${i + 1}`).toBeGreaterThanOrEqual(cap / 2 - 0.01);
      expect(delay, `attempt ${i + 1}`).toBeLessThanOrEqual(cap + 0.01);
    });
    // Connection 5 is taken and stays: the fifth open.
    await line('client', /^open$/).nth(4).waitFor({ timeout: 10_000 });
  });
});
