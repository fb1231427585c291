/**
 * The socket.io lesson as a learner meets it, in browser mode: the course's client fails on `this.emit` while its
 * socket connects, the Traffic tab shows Engine.IO and Socket.IO packets, the fix makes 'message' arrive, and the
 * prose's two experiments (a plain WebSocket against socket.io, a dropped connection) do what the prose says.
 */
import { describe, expect, it } from 'vitest';
import lesson from '../../src/lessons/socket-io/lesson.js';
import { consoleLines, run, screenshot, setCode, usePage } from './browser.js';

const { page } = usePage({ lesson: 'socket-io' });

async function waitForLine(side: 'server' | 'client', pattern: RegExp, timeout = 10_000): Promise<string> {
  const line = page().locator(`console-panel[side="${side}"] .line .text`).filter({ hasText: pattern }).first();
  await line.waitFor({ timeout });
  return (await line.textContent()) ?? '';
}

/** The previews of the inspector's rows that match a text filter, as the learner would filter them. */
async function trafficRows(text: string): Promise<string[]> {
  const filter = page().locator('traffic-inspector input.text-filter');
  await filter.fill(text);
  return page().locator('traffic-inspector .row .preview').allTextContents();
}

describe('socket.io lesson, as shipped (browser mode)', () => {
  it("connects, stops on the course's this.emit, and shows the packets of both layers", async () => {
    await run(page());
    const serverId = (await waitForLine('server', /^connected: /)).replace('connected: ', '');
    const clientId = (await waitForLine('client', /^connected, id /)).replace('connected, id ', '');
    // socket.id is the Socket.IO id both sides agree on.
    expect(clientId).toBe(serverId);
    expect(await waitForLine('client', /this\.emit is not a function/)).toMatch(/^TypeError/);
    await expect(page().locator('console-panel[side="client"] .line.error').first().textContent()).resolves.toContain('client.js:5');

    await page().getByRole('tab', { name: 'Traffic' }).click();
    // Engine.IO handshake over polling, the Socket.IO CONNECT both ways, the WebSocket upgrade probe.
    await expect.poll(() => trafficRows('"upgrades":["websocket"]')).toEqual(expect.arrayContaining([expect.stringMatching(/^0\{"sid":"[^"]+"/)]));
    expect(await trafficRows(`40{"sid":"${serverId}"}`)).toHaveLength(1);
    await expect.poll(() => trafficRows('probe')).toEqual(['2probe', '3probe']);
    // Nothing was emitted: the script stopped before it.
    expect(await trafficRows('clientfn')).toEqual([]);
    await screenshot(page(), 'lesson-socket-io-start');
    expect(await consoleLines(page(), 'client')).not.toContain('message: hello i am server');
  });

  it("with socket.emit, 'clientfn' goes up and 'message' comes back, as 42[…] packets", async () => {
    const fixed = lesson.exercises!.find((e) => e.id === 'fix-this-emit')!.solution['client.js']!;
    await setCode(page(), 'client.js', fixed);
    await run(page());
    expect(await waitForLine('server', /^clientfn: /)).toBe('clientfn: hello i am client');
    expect(await waitForLine('client', /^message: /)).toBe('message: hello i am server');
    await page().getByRole('tab', { name: 'Traffic' }).click();
    // Over WebSocket a frame is the packet; before the upgrade it rides in a polling POST or response body.
    await expect.poll(() => trafficRows('clientfn')).toEqual([expect.stringMatching(/(^|\s)42\["clientfn","hello i am client"\]$/)]);
    await expect.poll(() => trafficRows('hello i am server')).toEqual([expect.stringContaining('42["message","hello i am server"]')]);
  });

  it('a plain WebSocket gets the Engine.IO handshake, and its own text closes the connection', async () => {
    await setCode(
      page(),
      'client.js',
      `const ws = new WebSocket('ws://localhost:3000/socket.io/?EIO=4&transport=websocket');
ws.onmessage = (e) => { console.log('got', e.data); ws.send('hello'); };
ws.onclose = (e) => console.log('closed', e.code);`,
    );
    await run(page());
    expect(await waitForLine('client', /^got /)).toMatch(/^got 0\{"sid":"[^"]+","upgrades":\[\]/);
    expect(await waitForLine('client', /^closed /)).toMatch(/^closed \d+$/);
  });

  it("a dropped connection comes back by itself with a new socket.id (the prose's experiment)", async () => {
    await setCode(
      page(),
      'server.js',
      `const server = require('http').createServer((req, res) => res.end());
const io = require('socket.io')(server);
io.on('connection', (socket) => {
  console.log('connected:', socket.id);
  if (io.engine.clientsCount === 1 && !server.dropped) {
    server.dropped = true;
    setTimeout(() => socket.conn.close(), 500);
  }
});
server.listen(3000);`,
    );
    await setCode(
      page(),
      'client.js',
      `const socket = io.connect({ reconnectionDelay: 100 });
socket.on('connect', () => console.log('connected, id', socket.id));
socket.on('disconnect', (reason) => console.log('disconnected:', reason));`,
    );
    await run(page());
    expect(await waitForLine('client', /^disconnected: /)).toBe('disconnected: transport close');
    await expect.poll(async () => (await consoleLines(page(), 'client')).filter((l) => l.startsWith('connected, id')).length, { timeout: 10_000 }).toBe(2);
    const ids = (await consoleLines(page(), 'client')).filter((l) => l.startsWith('connected, id'));
    expect(new Set(ids).size).toBe(2);
  });

  it('an answer that echoes to the sender (io.emit) is told why it does not pass', async () => {
    const exercise = lesson.exercises!.find((e) => e.id === 'broadcast-others')!;
    await setCode(page(), 'server.js', exercise.solution['server.js']!.replace('socket.broadcast.emit', 'io.emit'));
    await setCode(page(), 'client.js', exercise.solution['client.js']!);
    await run(page());
    expect(await waitForLine('client', /^alice got /)).toBe('alice got hi, this is alice');
    const item = page().locator('exercise-list li[data-exercise="broadcast-others"]');
    await expect.poll(() => item.locator('.why').textContent(), { timeout: exercise.watchMs + 5_000 }).toMatch(
      /the sender got its own “chat” back \(42\["chat","hi, this is alice"\]\)/,
    );
    await expect(item.locator('.badge[role="status"]').textContent()).resolves.not.toBe('Passed');
  });
});

describe('acknowledgements and time limits', () => {
  it('emitWithAck waits for ever without socket.timeout(ms); with it, it rejects when no ack comes', async () => {
    await setCode(
      page(),
      'server.js',
      `const server = require('http').createServer();
const io = require('socket.io')(server);
// Hears 'save' and never calls the ack.
io.on('connection', (socket) => socket.on('save', (text, ack) => console.log('got', text)));
server.listen(3000);
`,
    );
    await setCode(
      page(),
      'client.js',
      `const socket = io();
socket.on('connect', async () => {
  let settled = false;
  socket.emitWithAck('save', 'no limit').then(() => (settled = true), () => (settled = true));
  try {
    await socket.timeout(1000).emitWithAck('save', 'with a limit');
    console.log('acked');
  } catch (err) {
    console.log('timed out:', err.message);
  }
  setTimeout(() => console.log('without a limit, settled after 2 s:', settled), 1000);
});
`,
    );
    await run(page());
    expect(await waitForLine('client', /^timed out: /)).toBe('timed out: operation has timed out');
    expect(await waitForLine('client', /^without a limit/)).toBe('without a limit, settled after 2 s: false');
    expect(await consoleLines(page(), 'server')).toEqual(expect.arrayContaining(['got no limit', 'got with a limit']));
  });
});
