/**
 * Oversize and malformed requests are refused with a reason and cost nobody a message; refused connections say why and
 * come back when waiting helps; what a client sends never reaches the server's log raw (issues 12 and 17).
 */
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { newClientId } from '../../src/chat/chat-client.js';
import { MAX_TEXT, SOCKET_PATH, type ClientToServer, type ServerToClient } from '../../src/shared/chat-protocol.js';
import { MemoryStore } from './memory-store.js';
import type { NewMessage } from './store.js';
import { connected, startChat, type ChatHarness } from './testing.js';

let chat: ChatHarness | undefined;
const raws: Socket[] = [];
afterEach(async () => {
  for (const s of raws.splice(0)) s.disconnect();
  await chat?.close();
  chat = undefined;
});

async function rawJoined(url: string): Promise<Socket<ServerToClient, ClientToServer>> {
  const socket: Socket<ServerToClient, ClientToServer> = io(url, {
    path: SOCKET_PATH,
    auth: { clientId: newClientId() },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  raws.push(socket as Socket);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  expect(await socket.emitWithAck('join', { room: 'lobby', nick: `raw${raws.length}` })).toMatchObject({ ok: true });
  return socket;
}

describe('oversize and malformed requests', () => {
  it('the page refuses a message over the limit itself, keeps its connection, and the next one goes out', async () => {
    chat = await startChat();
    const alice = chat.client();
    const bob = chat.client();
    await alice.join('lobby', 'alice');
    await bob.join('lobby', 'bob');
    let drops = 0;
    alice.socket.on('disconnect', () => drops++);
    const refused = await alice.send('x'.repeat(20 * MAX_TEXT));
    expect(refused).toMatchObject({ ok: false, error: 'text-too-long', message: { zh: expect.stringContaining('字符') } });
    expect(alice.pending.find((p) => p.state === 'failed')?.error?.en).toMatch(/at most/);
    expect(await alice.send('after')).toMatchObject({ ok: true });
    await expect.poll(() => bob.messages.map((m) => m.text)).toEqual(['after']);
    expect(drops).toBe(0);
  });

  it('the server refuses malformed requests with a reason, and the connection goes on', async () => {
    chat = await startChat();
    const socket = (await rawJoined(chat.url)) as unknown as Socket;
    expect(await socket.emitWithAck('message', { id: 'a', text: 'y'.repeat(MAX_TEXT + 1) })).toMatchObject({ ok: false, error: 'text-too-long' });
    expect(await socket.emitWithAck('message', { id: 'b', text: 42 })).toMatchObject({ ok: false, error: 'bad-request' });
    expect(await socket.emitWithAck('message', 'just a string')).toMatchObject({ ok: false, error: 'bad-request' });
    expect(await socket.emitWithAck('message', { id: '../../x', text: 'hi' })).toMatchObject({ ok: false, error: 'bad-request' });
    expect(await socket.emitWithAck('join', ['lobby', 'nick'])).toMatchObject({ ok: false, error: 'room-invalid' });
    expect(await socket.emitWithAck('join', { room: { toString: 'x' }, nick: 'n' })).toMatchObject({ ok: false, error: 'room-invalid' });
    expect(await socket.emitWithAck('leave')).toEqual({ ok: true });
    expect(await socket.emitWithAck('join', { room: 'lobby', nick: 'fine' })).toMatchObject({ ok: true });
    expect(await socket.emitWithAck('message', { id: 'c', text: 'still here' })).toMatchObject({ ok: true });
  });
});

describe('refused connections', () => {
  it('says why in both languages, and a page refused for connecting too often comes back by itself', async () => {
    chat = await startChat({ limits: { connections: { perAddress: 100, opened: { perSecond: 5, burst: 1 } } } });
    const first = chat.client();
    await connected(first);
    const second = chat.client();
    await expect.poll(() => second.refused?.zh ?? '').toMatch(/频繁/);
    await connected(second);
    expect(second.refused).toBeUndefined();
    expect(await second.join('lobby', 'second')).toMatchObject({ ok: true });
  });
});

describe('the server log', () => {
  it('never holds what a client sent raw: no newline to forge a line, no terminal escape', async () => {
    const lines: string[] = [];
    // A store whose errors quote the message, as a database driver's might.
    const store = new MemoryStore();
    store.add = async (m: NewMessage) => {
      throw new Error(`cannot store ${JSON.stringify(m.text).slice(1, -1).replace(/\\n/g, '\n').replace(/\\u001b/g, '\u001b')}`);
    };
    chat = await startChat({ store, log: (line) => lines.push(line) });
    const socket = await rawJoined(chat.url);
    const evil = 'hi\nPushlab: http://forged.example/\u001b[2J\u202e';
    expect(await socket.emitWithAck('message', { id: 'e', text: evil })).toMatchObject({ ok: false, error: 'server-error' });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toMatch(/[\n\r\u001b\u202e]/);
      expect(line.length).toBeLessThan(400);
    }
  });
});
