/**
 * The real chat at /chat, as two people use it in two browsers (two contexts) against a real backend process: join,
 * the online list, typing, messages shown as typed (never as HTML), Chinese interface, and a connection cut under one
 * of them that loses nothing, doubles nothing, and shows the other nobody leaving.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnBackend, type BackendProcess } from '../../server/testing/backend-process.js';
import { launch, newPage, screenshot } from './browser.js';
import { siteDist } from '../support/site-dist.js';

const root = resolve(import.meta.dirname, '../..');
let browser: Browser;
let backend: BackendProcess;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pushlab-chat-e2e-'));
  backend = await spawnBackend([], { PUSHLAB_DIST_DIR: siteDist, PUSHLAB_CHAT_DB: join(dir, 'chat.db') });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function enter(page: Page, nick: string, labels: { nick: string; join: string }): Promise<void> {
  await page.goto(`${backend.url}chat`);
  await page.getByRole('textbox', { name: labels.nick, exact: true }).fill(nick);
  await page.getByRole('button', { name: labels.join, exact: true }).click();
  await page.locator('chat-app form.compose').waitFor();
}

const messageTexts = (page: Page) => page.locator('chat-app li.message:not(.pending) .text').allTextContents();

async function say(page: Page, words: string): Promise<void> {
  const input = page.locator('chat-app form.compose input[name="text"]');
  await input.fill(words);
  await input.press('Enter');
}

it('two people chat through /chat: text stays text, and a cut connection loses and repeats nothing', async () => {
  const a = await newPage(browser, { locale: 'en-US' });
  const b = await newPage(browser, { locale: 'zh-CN' });
  const dialogs: string[] = [];
  for (const p of [a.page, b.page]) p.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));
  try {
    await enter(a.page, 'alice', { nick: 'Nickname', join: 'Join' });
    // The second person's browser prefers Chinese: the page speaks Chinese.
    await enter(b.page, '小明', { nick: '昵称', join: '加入' });
    await expect.poll(() => a.page.locator('chat-app ul.online li').allTextContents()).toEqual(['alice', '小明']);
    await expect.poll(() => a.page.locator('chat-app li.notice').allTextContents()).toEqual(['小明 joined']);

    await a.page.getByRole('textbox', { name: 'Message', exact: true }).pressSequentially('hel');
    await expect.poll(() => b.page.locator('chat-app .typing').textContent()).toContain('alice 正在输入');

    const attack = '<img src=x onerror=alert(1)>';
    await say(a.page, attack);
    await expect.poll(() => messageTexts(b.page)).toEqual([attack]);
    expect(await b.page.locator('chat-app ol img').count()).toBe(0);
    await expect.poll(async () => (await b.page.locator('chat-app .typing').textContent())?.trim()).toBe('');

    // The network goes away under 小明 (the page's own connection closes) while alice keeps talking.
    await b.page.evaluate(() => document.querySelector('chat-app')!.client.socket.io.engine.close());
    const sent = Array.from({ length: 6 }, (_, i) => `while away ${i}`);
    for (const words of sent) await say(a.page, words);
    await say(b.page, '我回来了');
    const all = [attack, ...sent, '我回来了'];
    for (const p of [a.page, b.page]) {
      await expect.poll(() => messageTexts(p).then((t) => [...t].sort()), { timeout: 15_000 }).toEqual([...all].sort());
      await expect.poll(() => p.locator('chat-app li.pending').count()).toBe(0);
      await expect.poll(() => p.locator('chat-app ul.online li').allTextContents()).toEqual(['alice', '小明']);
    }
    // The cut came back within the grace period: alice was never told 小明 left (or joined again).
    expect(await a.page.locator('chat-app li.notice').allTextContents()).toEqual(['小明 joined']);
    // Both pages show the messages in the same order: the server's.
    expect(await messageTexts(b.page)).toEqual(await messageTexts(a.page));
    expect(dialogs).toEqual([]);
    await screenshot(b.page, 'chat-real-zh');
  } finally {
    await a.context.close();
    await b.context.close();
  }
});

it('refuses a nickname already in the room, with the reason in the person’s language', async () => {
  const a = await newPage(browser);
  const b = await newPage(browser, { locale: 'zh-CN' });
  try {
    await enter(a.page, 'dora', { nick: 'Nickname', join: 'Join' });
    await b.page.goto(`${backend.url}chat`);
    await b.page.getByRole('textbox', { name: '昵称', exact: true }).fill('DORA');
    await b.page.getByRole('button', { name: '加入', exact: true }).click();
    await expect(b.page.getByRole('alert').textContent()).resolves.toContain('已经有人使用这个昵称');
  } finally {
    await a.context.close();
    await b.context.close();
  }
});
