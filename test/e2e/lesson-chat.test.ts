/**
 * The chat lesson in browser mode: three chat windows, each its own client in its own frame, talk to one
 * in-browser socket.io server that runs in the first frame. As shipped (step 1), a message typed in one window reaches
 * all three, as text. With the last exercise's solution (the whole chat), the windows join with nicknames, see each
 * other join and leave, who is online and who is typing, talk in rooms and privately, get the history on joining, and
 * a window that goes offline gets exactly what it missed when it comes back.
 */
import type { Frame } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { newPage, run, screenshot, usePage } from './browser.js';

const { page, browser } = usePage();

async function chatFrames(): Promise<Frame[]> {
  await expect.poll(() => page().locator('iframe.run-frame').count(), { timeout: 20_000 }).toBe(3);
  const handles = await page().locator('iframe.run-frame').elementHandles();
  return Promise.all(handles.map(async (h) => (await h.contentFrame())!));
}

async function say(frame: Frame, text: string): Promise<void> {
  await frame.locator('#input').fill(text);
  await frame.locator('#input').press('Enter');
}

const messages = (frame: Frame) => frame.locator('#messages li').allTextContents();

describe('the chat lesson, in the browser', () => {
  it('three windows share one in-browser server: a message from one reaches all three, as typed', async () => {
    await page().goto(`${inject('siteUrl')}#/lesson/chat`);
    await page().locator('code-panel .cm-content').first().waitFor();
    await run(page());
    const frames = await chatFrames();
    await page().locator('console-panel[side="server"] .line .text').filter({ hasText: /connected:/ }).nth(2).waitFor({ timeout: 20_000 });

    await say(frames[0]!, 'hello from one');
    await say(frames[2]!, '<img src=x onerror=alert(1)>');
    for (const frame of frames) {
      await expect.poll(() => messages(frame), { timeout: 10_000 }).toEqual([
        expect.stringMatching(/^\S{4}: hello from one$/),
        expect.stringMatching(/: <img src=x onerror=alert\(1\)>$/),
      ]);
      expect(await frame.locator('#messages img').count()).toBe(0);
    }
    // Each window is its own client: the consoles say which one logged.
    const parties = await page().locator('console-panel[side="client"] .party').allTextContents();
    expect(new Set(parties)).toEqual(new Set(['client 1', 'client 2', 'client 3']));
    await screenshot(page(), 'chat-three-windows');
  });
});

/** The whole chat: the last exercise's solution, put in the editor as a learner does. */
async function runFinalChat(): Promise<{ frames: Frame[]; nicks: string[] }> {
  await page().goto(`${inject('siteUrl')}#/lesson/chat`);
  await page().locator('code-panel .cm-content').first().waitFor();
  const item = page().locator('exercise-list li[data-exercise="history"]');
  await item.getByRole('button', { name: 'Show the solution' }).click();
  await item.getByRole('button', { name: 'Put the solution in the editor' }).click();
  await run(page());
  const frames = await chatFrames();
  // Each window joins by itself on connecting; its online line names everyone once all three are in.
  for (const frame of frames) await expect.poll(() => frame.locator('#online').textContent(), { timeout: 20_000 }).toMatch(/(guest-\w+.*){3}/);
  const nicks = await Promise.all(frames.map((f) => f.locator('#nick').inputValue()));
  expect(new Set(nicks).size).toBe(3);
  return { frames, nicks };
}

const lines = (frame: Frame) => frame.locator('#messages li').allTextContents();

describe('the whole chat (the last exercise’s solution), in the browser', () => {
  it('nicknames, join notices, the online list, history on joining, typing with a time-out, and markup as text', async () => {
    const { frames, nicks } = await runFinalChat();
    const [one, two, three] = frames as [Frame, Frame, Frame];
    for (const frame of frames) {
      expect(await frame.locator('#online').textContent()).toBe(`Online in lobby: ${[...nicks].sort((a, b) => a.localeCompare(b)).join(', ')}`);
      // History: the server's first message came with each join answer.
      expect((await lines(frame))[0]).toBe('server: Welcome to the lobby! Messages show as typed, <b>tags</b> and all.');
    }
    // The first window saw the two others join; the last saw nobody join after it, and nobody hears of itself.
    expect(await lines(one)).toEqual(expect.arrayContaining([`${nicks[1]} joined`, `${nicks[2]} joined`]));
    expect((await lines(three)).some((l) => l.includes(' joined'))).toBe(false);

    // A nickname is unique in the room, without case.
    await two.locator('#nick').fill(nicks[0]!.toUpperCase());
    await two.locator('#join button').first().click();
    await expect.poll(() => lines(two)).toContain('Someone in this room already uses that nickname.');
    await two.locator('#nick').fill(nicks[1]!);
    // …and a refused name leaves the window where it was, still in the room under its own name.
    await say(two, 'still here');
    await expect.poll(() => lines(one)).toContain(`${nicks[1]}: still here`);

    // "is typing": shown to the others while the input has text; a window that never sends `false` times out.
    await one.locator('#input').fill('half a sentence');
    for (const frame of [two, three]) await expect.poll(() => frame.locator('#typing').textContent()).toBe(`${nicks[0]} is typing…`);
    expect(await one.locator('#typing').textContent()).toBe('');
    await expect.poll(() => two.locator('#typing').textContent(), { timeout: 8_000 }).toBe('');

    await one.locator('#input').press('Enter');
    await say(three, '<img src=x onerror=alert(1)>');
    for (const frame of frames) {
      await expect.poll(() => lines(frame)).toEqual(
        expect.arrayContaining([`${nicks[0]}: half a sentence`, `${nicks[2]}: <img src=x onerror=alert(1)>`]),
      );
      expect(await frame.locator('#messages img').count()).toBe(0);
    }
    // The server refuses a message over 1,000 characters (the input's maxlength only binds an honest page).
    await one.locator('#input').evaluate((el) => el.removeAttribute('maxlength'));
    await say(one, 'x'.repeat(1001));
    await expect.poll(() => lines(one)).toContain('not sent: A message is at most 1000 characters.');
    expect((await lines(two)).some((l) => l.includes('xxxx'))).toBe(false);
    await screenshot(page(), 'chat-whole');
  });

  it('private messages reach both ends only; rooms keep their own online lists and messages', async () => {
    const { frames, nicks } = await runFinalChat();
    const [one, two, three] = frames as [Frame, Frame, Frame];
    await one.locator('#to').selectOption(nicks[1]!);
    await say(one, 'just between us');
    await one.locator('#to').selectOption('');
    await say(one, 'hello all');
    const secret = `${nicks[0]} → ${nicks[1]}: just between us`;
    for (const frame of [one, two]) await expect.poll(() => lines(frame)).toEqual(expect.arrayContaining([secret, `${nicks[0]}: hello all`]));
    // Messages arrive in order, so once the public one is there the private one would have been too.
    await expect.poll(() => lines(three)).toContain(`${nicks[0]}: hello all`);
    expect(await lines(three)).not.toContain(secret);

    await three.locator('#room').fill('Side');
    await three.locator('#join button').first().click();
    await expect.poll(() => three.locator('#online').textContent()).toBe(`Online in side: ${nicks[2]}`);
    await expect.poll(() => lines(one)).toContain(`${nicks[2]} left`);
    await expect.poll(() => one.locator('#online').textContent()).not.toContain(nicks[2]!);
    await say(two, 'lobby only');
    await expect.poll(() => lines(one)).toContain(`${nicks[1]}: lobby only`);
    // Switching rooms cleared the window: nothing of the lobby, and no history (the side room has none).
    expect(await lines(three)).toEqual([]);
  });

  it('a window that goes offline gets exactly what it missed, and what it sent meanwhile goes out once', async () => {
    const { frames, nicks } = await runFinalChat();
    const [one, two] = frames as [Frame, Frame, Frame];
    await say(one, 'before');
    await expect.poll(() => lines(two)).toContain(`${nicks[0]}: before`);

    await two.locator('#toggle').click();
    await expect.poll(() => two.locator('#toggle').textContent()).toBe('Go online');
    await expect.poll(() => lines(one)).toContain(`${nicks[1]} left`);
    await say(one, 'missed 1');
    await say(one, 'missed 2');
    await say(two, 'sent while offline');
    await expect.poll(() => lines(one)).toContain(`${nicks[0]}: missed 2`);
    expect((await lines(two)).filter((l) => l.includes('missed'))).toEqual([]);

    await two.locator('#toggle').click();
    for (const frame of [one, two]) {
      await expect.poll(() => lines(frame), { timeout: 15_000 }).toContain(`${nicks[1]}: sent while offline`);
    }
    const count = (all: string[], text: string) => all.filter((l) => l === text).length;
    for (const frame of [one, two]) {
      const all = await lines(frame);
      for (const text of [`${nicks[0]}: before`, `${nicks[0]}: missed 1`, `${nicks[0]}: missed 2`, `${nicks[1]}: sent while offline`]) {
        expect(count(all, text), `${text} in ${frame === one ? 'window 1' : 'window 2'}`).toBe(1);
      }
    }
    const second = await lines(two);
    expect(second.indexOf(`${nicks[0]}: missed 1`)).toBeLessThan(second.indexOf(`${nicks[0]}: missed 2`));
  });
});

describe('the chat windows speak the page’s language', () => {
  it('on a Chinese page the whole chat’s windows show Chinese labels, notices, typing and server errors', async () => {
    const zh = await newPage(browser(), { locale: 'zh-CN' });
    try {
      await zh.page.goto(`${inject('siteUrl')}#/lesson/chat`);
      await zh.page.locator('code-panel .cm-content').first().waitFor();
      const item = zh.page.locator('exercise-list li[data-exercise="history"]');
      await item.getByRole('button', { name: '查看答案' }).click();
      await item.getByRole('button', { name: '把答案放进编辑器' }).click();
      await zh.page.getByRole('button', { name: /^运行/ }).click();
      await expect.poll(() => zh.page.locator('iframe.run-frame').count(), { timeout: 20_000 }).toBe(3);
      const frames = await Promise.all((await zh.page.locator('iframe.run-frame').elementHandles()).map(async (h) => (await h.contentFrame())!));
      for (const frame of frames) await expect.poll(() => frame.locator('#online').textContent(), { timeout: 20_000 }).toMatch(/^lobby 在线：(guest-\w+.*){3}/);
      const [one, two] = frames as [Frame, Frame];
      expect(await one.locator('#form button').textContent()).toBe('发送');
      expect(await one.locator('#toggle').textContent()).toBe('下线');
      expect(await one.locator('#input').getAttribute('placeholder')).toBe('说点什么');
      await expect.poll(() => lines(one)).toEqual(expect.arrayContaining([expect.stringMatching(/^guest-\w+ 加入了$/)]));
      await one.locator('#input').fill('你好');
      await expect.poll(() => two.locator('#typing').textContent()).toMatch(/^guest-\w+ 正在输入…$/);
      // A nickname the server refuses: its reason in Chinese, from the server's { en, zh } message.
      await one.locator('#nick').fill('<bad>');
      await one.locator('#join button').first().click();
      await expect.poll(() => lines(one)).toEqual(expect.arrayContaining([expect.stringMatching(/^昵称为 1 到 20 个/)]));
    } finally {
      await zh.context.close();
    }
  });
});
