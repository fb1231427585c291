/**
 * The chat lesson in browser mode: three chat windows, each its own client in its own frame, talk to one
 * in-browser socket.io server that runs in the first frame. A message typed in one window reaches all three, as text.
 */
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { launch, newPage, run, screenshot } from './browser.js';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  ({ context, page } = await newPage(browser));
});
afterEach(async () => {
  await context?.close();
});

async function chatFrames(): Promise<Frame[]> {
  await expect.poll(() => page.locator('iframe.run-frame').count(), { timeout: 20_000 }).toBe(3);
  const handles = await page.locator('iframe.run-frame').elementHandles();
  return Promise.all(handles.map(async (h) => (await h.contentFrame())!));
}

async function say(frame: Frame, text: string): Promise<void> {
  await frame.locator('#input').fill(text);
  await frame.locator('#input').press('Enter');
}

const messages = (frame: Frame) => frame.locator('#messages li').allTextContents();

describe('the chat lesson, in the browser', () => {
  it('three windows share one in-browser server: a message from one reaches all three, as typed', async () => {
    await page.goto(`${inject('siteUrl')}#/lesson/chat`);
    await page.locator('code-panel .cm-content').first().waitFor();
    await run(page);
    const frames = await chatFrames();
    await page.locator('console-panel[side="server"] .line .text').filter({ hasText: /joined/ }).nth(2).waitFor({ timeout: 20_000 });

    await say(frames[0]!, 'hello from one');
    await say(frames[2]!, '<img src=x onerror=alert(1)>');
    for (const frame of frames) {
      await expect.poll(() => messages(frame), { timeout: 10_000 }).toEqual([
        expect.stringMatching(/: hello from one$/),
        expect.stringMatching(/: <img src=x onerror=alert\(1\)>$/),
      ]);
      expect(await frame.locator('#messages img').count()).toBe(0);
    }
    // Each window is its own client: the consoles say which one logged.
    const parties = await page.locator('console-panel[side="client"] .party').allTextContents();
    expect(new Set(parties)).toEqual(new Set(['client 1', 'client 2', 'client 3']));
    await screenshot(page, 'chat-three-windows');
  });
});
