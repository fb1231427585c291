/**
 * The playground as a learner uses it, in the built site served from a sub-path: the course list, a lesson's URL,
 * editing and running code, the consoles, and bad input that must never break the page.
 */
import { describe, expect, inject, it } from 'vitest';
import { consoleLines, newPage, openLesson as openLessonIn, run, screenshot, setCode, trafficRows, usePage } from './browser.js';

const { browser, page } = usePage();
const site = inject('siteUrl');

/** A lesson whose server only logs, so these tests need nothing from the server shims. */
async function openLesson(id = 'websocket'): Promise<void> {
  await openLessonIn(page(), id);
}

async function waitForLine(side: 'server' | 'client', pattern: RegExp, timeout = 10_000): Promise<string> {
  const line = page().locator(`console-panel[side="${side}"] .line .text`).filter({ hasText: pattern }).first();
  await line.waitFor({ timeout });
  return (await line.textContent()) ?? '';
}

/** Proves the page still answers: a click changes the UI within a frame or two. */
async function pageResponds(): Promise<boolean> {
  const start = Date.now();
  await page().getByRole('button', { name: 'Share' }).click({ timeout: 3_000 });
  await page().getByRole('textbox', { name: 'Share link' }).waitFor({ timeout: 3_000 });
  return Date.now() - start < 3_000;
}

describe('the course and its URLs', () => {
  it('lists every lesson of the course and opens one by its own URL, which survives a reload', async () => {
    await page().goto(site);
    const titles = await page().locator('course-list li .title').allTextContents();
    expect(titles).toEqual([
      'What push means',
      'Short polling',
      'Long polling',
      'Server-Sent Events',
      'The WebSocket protocol',
      'socket.io in Node',
      'Streaming a response with fetch',
      'Staying connected',
      'More than one server',
      'A web chat',
      'Which one, when',
    ]);
    await page().getByRole('link', { name: /The WebSocket protocol/ }).click();
    await expect.poll(() => page().url()).toContain('/pushlab/#/lesson/websocket');
    await page().reload();
    await expect(page().getByRole('heading', { level: 1 }).textContent()).resolves.toContain('The WebSocket protocol');
    await screenshot(page(), 'lesson-websocket');
  });
});

describe('a lesson shows only its own runs, however it was reached', () => {
  for (const how of ['Back', 'a typed address'] as const) {
    it(`after the chat ran, ${how} to another lesson shows it fresh: not run, no traffic, no verdicts`, async () => {
      await openLesson('websocket');
      await openLesson('chat');
      await run(page());
      await waitForLine('client', /./, 15_000);
      if (how === 'Back') await page().goBack();
      else await page().evaluate(() => (location.hash = '#/lesson/websocket'));
      await expect.poll(() => page().getByRole('heading', { level: 1 }).textContent()).toContain('The WebSocket protocol');
      await page().locator('code-panel .cm-content').first().waitFor();
      await expect.poll(() => page().getByText('Not run yet').count()).toBe(1);
      expect(await consoleLines(page(), 'server')).toEqual([]);
      expect(await consoleLines(page(), 'client')).toEqual([]);
      expect(await page().locator('exercise-list').getByText('Saw:').count()).toBe(0);
      await page().getByRole('tab', { name: 'Traffic' }).click();
      expect(await trafficRows(page())).toEqual([]);
      expect(await page().locator('iframe.run-frame').count()).toBe(0);
    });
  }
});

describe('running code', () => {
  it('runs edited code and shows each side’s console output with times and readable objects', async () => {
    await openLesson();
    await setCode(page(), 'server.js', "console.log('server up', { port: 8181, tags: ['a'] });");
    await setCode(page(), 'client.js', "console.info('数据是: ', { name: '张三', age: 20 });\nconsole.warn('careful');");
    await run(page());
    expect(await waitForLine('server', /server up/)).toBe("server up { port: 8181, tags: [ 'a' ] }");
    expect(await waitForLine('client', /数据是/)).toBe("数据是:  { name: '张三', age: 20 }");
    await expect(page().locator('console-panel[side="client"] .line.warn').textContent()).resolves.toMatch(/careful/);
    const time = await page().locator('console-panel[side="client"] .line .time').first().textContent();
    expect(time).toMatch(/^\d+\.\d{3}s$/);
    await screenshot(page(), 'run-console');
  });

  it('runs with Ctrl+Enter from inside the editor', async () => {
    await openLesson();
    await setCode(page(), 'client.js', "console.log('by keyboard')");
    await page().keyboard.press('Control+Enter');
    await waitForLine('client', /by keyboard/);
  });

  it('Stop removes the run frame, and no timer of the run fires afterwards', async () => {
    await openLesson();
    await setCode(page(), 'server.js', "let n = 0; setInterval(() => console.log('tick', ++n), 50);");
    await setCode(page(), 'client.js', "setInterval(() => console.log('client tick'), 50);");
    await run(page());
    await waitForLine('server', /tick 3/);
    await page().getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page().locator('iframe.run-frame').count()).toBe(0);
    const afterStop = (await consoleLines(page(), 'server')).length;
    // Twenty intervals' worth of time: a surviving timer would have logged many lines by now.
    await page().waitForTimeout(1_000);
    expect((await consoleLines(page(), 'server')).length).toBe(afterStop);
    await expect(page().getByRole('status').first().textContent()).resolves.toMatch(/Stopped/);
  });
});

describe('bad input never breaks the page', () => {
  it('a syntax error names the file, line and column, marks the line, and runs nothing', async () => {
    await openLesson();
    await setCode(page(), 'server.js', "console.log('must not run');");
    await setCode(page(), 'client.js', "console.log('fine');\nlet x = (;\n");
    await run(page());
    const banner = page().getByRole('alert').filter({ hasText: 'Syntax error' });
    await expect(banner.textContent()).resolves.toMatch(/client\.js:2:10.*Unexpected token.*Nothing was run/s);
    await expect.poll(() => page().locator('code-panel .cm-lintRange-error').count()).toBeGreaterThan(0);
    expect(await consoleLines(page(), 'server')).toEqual([]);
    expect(await page().locator('iframe.run-frame').count()).toBe(0);
  });

  it('an uncaught exception shows its message and the learner’s line', async () => {
    await openLesson();
    await setCode(page(), 'server.js', '');
    await setCode(page(), 'client.js', "console.log('before');\nsetTimeout(() => {\n  null.boom;\n}, 10);");
    await run(page());
    const line = await waitForLine('client', /TypeError/);
    expect(line).toMatch(/Cannot read properties of null/);
    expect(line).toMatch(/client\.js:3/);
  });

  it('an unhandled rejection is reported with its reason', async () => {
    await openLesson();
    await setCode(page(), 'server.js', '');
    await setCode(page(), 'client.js', "Promise.reject(new Error('nobody caught me'));");
    await run(page());
    expect(await waitForLine('client', /nobody caught me/)).toMatch(/Unhandled promise rejection/);
  });

  for (const [where, file, code, line] of [
    ['at the top level of the client', 'client.js', "console.log('start');\nwhile (true) {}", 2],
    ['in a timer of the client', 'client.js', "setTimeout(() => {\n  for (;;) {}\n}, 20);", 2],
    ['in a callback of the server', 'server.js', "setTimeout(function () {\n  let i = 0;\n  do { i++ } while (i > 0);\n}, 20);", 3],
  ] as const) {
    it(`an endless loop ${where} is stopped within about a second and the page stays responsive`, async () => {
      await openLesson();
      await setCode(page(), file === 'client.js' ? 'server.js' : 'client.js', '');
      await setCode(page(), file, code);
      const started = Date.now();
      await run(page());
      const alert = page().getByRole('alert').filter({ hasText: 'endless loop' });
      await alert.waitFor({ timeout: 10_000 });
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(alert.textContent()).resolves.toContain(`${file} at line ${line}`);
      expect(await page().locator('iframe.run-frame').count()).toBe(0);
      expect(await pageResponds()).toBe(true);
      if (file === 'client.js' && line === 2 && code.startsWith('console')) await screenshot(page(), 'endless-loop');
    });
  }

  it('100,000 console lines in a second do not freeze the page: the console is bounded and says what it dropped', async () => {
    await openLesson();
    await setCode(page(), 'server.js', '');
    await setCode(page(), 'client.js', "for (let i = 0; i < 100000; i++) console.log('line', i);\nconsole.log('done');");
    await run(page());
    await waitForLine('client', /^done$/);
    const dropped = await page().locator('console-panel[side="client"] .dropped').textContent();
    const count = Number(/(\d+)/.exec(dropped ?? '')?.[1]);
    const shown = (await consoleLines(page(), 'client')).length;
    expect(shown).toBeLessThanOrEqual(1_000);
    expect(count + shown).toBe(100_001);
    expect(await pageResponds()).toBe(true);
  });
});

describe('languages, edits, reset and share', () => {
  it('a first visit follows the browser’s language; the switch changes it at once and is remembered', async () => {
    const zh = await newPage(browser(), { locale: 'zh-CN' });
    try {
      await zh.page.goto(`${site}#/lesson/websocket`);
      await zh.page.getByRole('button', { name: /^运行/ }).waitFor();
      await expect(zh.page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('WebSocket 协议');
      await zh.page.getByRole('button', { name: 'English' }).click();
      await zh.page.getByRole('button', { name: /^Run/ }).waitFor();
      await zh.page.reload();
      await zh.page.getByRole('button', { name: /^Run/ }).waitFor();
      await expect(zh.page.getByRole('link', { name: 'Course' }).count()).resolves.toBe(1);
    } finally {
      await zh.context.close();
    }
  });

  it('the code’s comments are in the learner’s language, and follow the switch until the learner edits the file', async () => {
    const zh = await newPage(browser(), { locale: 'zh-CN' });
    const editor = zh.page.locator('code-panel .cm-content');
    try {
      await zh.page.goto(`${site}#/lesson/websocket`);
      await editor.first().waitFor();
      // client.js opens first: its comments in Chinese, its code as written.
      await expect.poll(() => editor.textContent()).toContain('// 握手从这里开始');
      await expect(editor.textContent()).resolves.toContain("new WebSocket('ws://localhost:8181')");
      // An exercise's solution too, as shown and as it goes into the editor.
      await zh.page.getByRole('button', { name: '查看答案' }).first().click();
      await expect(zh.page.locator('exercise-list pre').first().textContent()).resolves.toMatch(/\/\/ [^\n]*[\u4e00-\u9fff]/);
      await expect(zh.page.locator('exercise-list pre').first().textContent()).resolves.not.toMatch(/\/\/ [A-Z][a-z]+ [a-z]+ [a-z]+/);
      await zh.page.getByRole('button', { name: '隐藏答案' }).click();
      await zh.page.getByRole('button', { name: 'English' }).click();
      await expect.poll(() => editor.textContent()).toContain('// The handshake starts here');
      // Not saved as the learner's edits by following the language: a reload opens the lesson's code afresh.
      await expect(zh.page.evaluate("Object.keys(localStorage).filter((k) => k.includes('edits'))")).resolves.toEqual([]);
      await zh.page.getByRole('button', { name: '中文' }).click();
      await expect.poll(() => editor.textContent()).toContain('// 握手从这里开始');
      // Once edited, the file is the learner's: the switch leaves it as it is.
      await editor.click();
      await zh.page.keyboard.press('ControlOrMeta+End');
      await zh.page.keyboard.insertText('\n// mine');
      await zh.page.getByRole('button', { name: 'English' }).click();
      await zh.page.getByRole('button', { name: /^Run/ }).waitFor();
      await expect(editor.textContent()).resolves.toContain('// 握手从这里开始');
      await expect(editor.textContent()).resolves.toContain('// mine');
      // Reset gives the lesson's code in the language of the page; a switch then follows it, and Undo still brings
      // the learner's code back.
      await zh.page.getByRole('button', { name: 'Reset' }).click();
      await expect.poll(() => editor.textContent()).toContain('// The handshake starts here');
      await zh.page.getByRole('button', { name: '中文' }).click();
      await expect.poll(() => editor.textContent()).toContain('// 握手从这里开始');
      await zh.page.getByRole('button', { name: '撤销' }).click();
      await expect.poll(() => editor.textContent()).toContain('// mine');
    } finally {
      await zh.context.close();
    }
  });

  it('edits survive a reload; Reset brings the lesson’s code back and can be undone', async () => {
    await openLesson();
    await setCode(page(), 'client.js', "console.log('my own code')");
    await page().reload();
    await page().locator('code-panel .cm-content').first().waitFor();
    await expect(page().locator('code-panel .cm-content').textContent()).resolves.toContain("console.log('my own code')");

    await page().getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => page().locator('code-panel .cm-content').textContent()).toContain("new WebSocket('ws://localhost:8181')");
    await page().getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page().locator('code-panel .cm-content').textContent()).toContain("console.log('my own code')");
  });

  it('a share link’s code stays as it was sent when the language changes, even when it is the lesson’s own', async () => {
    await openLesson();
    await page().getByRole('button', { name: 'Share' }).click();
    const link = await page().getByRole('textbox', { name: 'Share link' }).inputValue();
    const other = await newPage(browser());
    try {
      await other.page.goto(link);
      const editor = other.page.locator('code-panel .cm-content');
      await expect.poll(() => editor.textContent()).toContain('// The handshake starts here');
      await other.page.getByRole('button', { name: '中文' }).click();
      await other.page.getByRole('button', { name: /^运行/ }).waitFor();
      await expect(editor.textContent()).resolves.toContain('// The handshake starts here');
      await expect(editor.textContent()).resolves.not.toContain('握手从这里开始');
    } finally {
      await other.context.close();
    }
  });

  it('Share puts the edited files in a link that opens exactly that code for someone else', async () => {
    await openLesson();
    await setCode(page(), 'server.js', "console.log('shared server')");
    await setCode(page(), 'client.js', "console.log('shared client', '张三')");
    await page().getByRole('button', { name: 'Share' }).click();
    const link = await page().getByRole('textbox', { name: 'Share link' }).inputValue();
    expect(link).toMatch(/#\/lesson\/websocket\?code=[\w-]+$/);

    const other = await newPage(browser());
    try {
      await other.page.goto(link);
      await other.page.locator('code-panel .cm-content').first().waitFor();
      await expect(other.page.locator('code-panel .cm-content').textContent()).resolves.toContain("console.log('shared client', '张三')");
      await expect(other.page.getByText('You are looking at shared code').count()).resolves.toBe(1);
      await other.page.getByRole('button', { name: /^Run/ }).click();
      await other.page.locator('console-panel[side="server"] .line .text').filter({ hasText: 'shared server' }).waitFor();
    } finally {
      await other.context.close();
    }
  });
});
