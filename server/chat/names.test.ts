/**
 * Nicknames and room names that could pass for someone else or show as nothing (issue 12), refused by a real chat
 * server to a real page client, with the reason in both languages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/chat/chat-client.js';
import { checkNick, checkRoom, nickSkeleton } from '../../src/chat/names.js';
import { ERRORS } from '../../src/shared/chat-protocol.js';
import { startChat, type ChatHarness } from './testing.js';

let chat: ChatHarness;
beforeEach(async () => {
  chat = await startChat();
});
afterEach(async () => {
  await chat.close();
});

async function joined(room: string, nick: string): Promise<ChatClient> {
  const c = chat.client();
  expect(await c.join(room, nick)).toMatchObject({ ok: true });
  return c;
}

const CYRILLIC_A = '\u0410';

describe('a nickname beside "Alice"', () => {
  it.each([
    ['Cyrillic А in a Latin name', `${CYRILLIC_A}lice`, 'nick-mixed-scripts'],
    ['Greek Α in a Latin name', '\u0391lice', 'nick-mixed-scripts'],
    ['all Cyrillic look-alike letters', '\u0410\u04cf\u0456\u0441\u0435', 'nick-lookalike'],
    ['capital I for l', 'AIice', 'nick-lookalike'],
    ['fullwidth letters', '\uff21\uff4c\uff49\uff43\uff45', 'nick-taken'],
    ['a zero-width space inside', 'Al\u200bice', 'nick-hidden'],
    ['a zero-width joiner at the end', 'Alice\u200d', 'nick-hidden'],
    ['a right-to-left override', '\u202eecilA', 'nick-hidden'],
    ['a bidi isolate', '\u2067Alice\u2069', 'nick-hidden'],
    ['a soft hyphen', 'Al\u00adice', 'nick-hidden'],
  ])('refuses %s', async (_, nick, error) => {
    await joined('lobby', 'Alice');
    const other = chat.client();
    const result = await other.join('lobby', nick);
    expect(result).toMatchObject({ ok: false, error, message: ERRORS[error as keyof typeof ERRORS] });
    expect(result.ok === false && result.message.zh).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('names that show as nothing, and long names', () => {
  it('refuses U+3164 HANGUL FILLER (a letter that draws as a blank) as a nickname and as a room', async () => {
    const c = chat.client();
    for (const filler of ['\u3164', '\uffa0', '\u115f', '\u3164\u3164']) {
      expect(await c.join('lobby', filler)).toMatchObject({ ok: false, error: 'nick-hidden' });
      expect(await c.join(filler, 'bob')).toMatchObject({ ok: false, error: 'room-hidden' });
    }
    expect(await c.join(`lob${CYRILLIC_A}y`, 'bob')).toMatchObject({ ok: false, error: 'room-mixed-scripts' });
  });

  it('refuses a very long nickname with its own reason, even when NFKC would shorten it', async () => {
    const c = chat.client();
    expect(await c.join('lobby', 'a'.repeat(21))).toMatchObject({ ok: false, error: 'nick-too-long' });
    expect(await c.join('lobby', 'a'.repeat(5_000))).toMatchObject({ ok: false, error: 'nick-too-long' });
    // U+FDFA is one character that NFKC spells out as 18.
    expect(await c.join('lobby', '\ufdfa\ufdfa')).toMatchObject({ ok: false });
  });
});

describe('what stays allowed', () => {
  it('names in one script, and Chinese, Japanese or Korean names mixed with Latin', async () => {
    for (const nick of ['Alice', 'Алиса', 'Αλίκη', '张三 2.0', 'Tom张', 'たなか Ken', '김철수 K', 'Zoë']) {
      expect(checkNick(nick), nick).toMatchObject({ ok: true });
    }
    const c = await joined('lobby', '张三');
    expect(c.nick).toBe('张三');
    // NFKC: the fullwidth spelling is the same name, shown as its plain form.
    expect(await chat.client().join('kitchen', '\uff22\uff4f\uff42')).toMatchObject({ ok: true, nick: 'Bob' });
    expect(checkRoom('Lobby')).toEqual({ ok: true, name: 'lobby' });
  });

  it('the same client may hold the same name in two tabs', async () => {
    const a = await joined('lobby', 'Alice');
    const tab = chat.client(a.clientId);
    expect(await tab.join('lobby', 'Alice')).toMatchObject({ ok: true });
  });

  it('skeletons: look-alikes meet, different names do not', () => {
    expect(nickSkeleton('Alice')).toBe(nickSkeleton('\u0410\u04cf\u0456\u0441\u0435'));
    expect(nickSkeleton('paypal')).toBe(nickSkeleton('\u0440\u0430\u0443\u0440\u0430\u04cf'));
    expect(nickSkeleton('modern')).toBe(nickSkeleton('rnodern'));
    expect(nickSkeleton('Bob0')).toBe(nickSkeleton('BobO'));
    expect(nickSkeleton('Alice')).not.toBe(nickSkeleton('Alicia'));
  });
});
