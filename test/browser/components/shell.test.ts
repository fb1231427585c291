import { assert } from 'chai';
import '../../../src/components/console-panel.js';
import '../../../src/components/course-list.js';
import '../../../src/components/language-switch.js';
import '../../../src/components/code-panel.js';
import type { CodePanel } from '../../../src/components/code-panel.js';
import type { ConsolePanel } from '../../../src/components/console-panel.js';
import { changeLang } from '../../../src/i18n/locale.js';
import { COURSE } from '../../../src/lessons/index.js';
import { ConsoleStore } from '../../../src/page/console-store.js';

function mount<T extends HTMLElement>(tag: string): T {
  const el = document.createElement(tag) as T;
  document.body.append(el);
  return el;
}

const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));

suite('console-panel', () => {
  teardown(() => document.body.replaceChildren());

  test('shows each line with its time and level, and what the store dropped', async () => {
    const store = new ConsoleStore('server');
    store.add({ level: 'log', time: 1234.6, text: 'hello' });
    store.add({ level: 'error', time: NaN, text: 'TypeError: x', file: 'server.js', line: 3 });
    store.dropped = 7;
    const el = mount<ConsolePanel>('console-panel');
    el.side = 'server';
    el.label = 'Server console';
    el.store = store;
    await el.updateComplete;
    const lines = el.shadowRoot!.querySelectorAll('.line');
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.querySelector('.time')!.textContent, '1.235s');
    assert.isTrue(lines[1]!.classList.contains('error'));
    assert.match(el.shadowRoot!.querySelector('.dropped')!.textContent!, /7 earlier lines/);
    assert.equal(el.shadowRoot!.querySelector('[role="log"]')!.getAttribute('aria-labelledby'), 'title');
  });

  test('clicking an error location asks to reveal that line', async () => {
    const store = new ConsoleStore('client');
    store.add({ level: 'error', time: 0, text: 'boom', file: 'client.js', line: 9 });
    const el = mount<ConsolePanel>('console-panel');
    el.store = store;
    await el.updateComplete;
    const seen = new Promise<CustomEvent>((r) => el.addEventListener('reveal-line', (e) => r(e as CustomEvent), { once: true }));
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.loc')!.click();
    assert.deepEqual((await seen).detail, { file: 'client.js', line: 9 });
  });

  test('follows new lines while at the bottom', async () => {
    const store = new ConsoleStore('client');
    const el = mount<ConsolePanel>('console-panel');
    el.style.height = '120px';
    el.store = store;
    for (let i = 0; i < 100; i++) store.add({ level: 'log', time: i, text: `line ${i}` });
    el.version++;
    await el.updateComplete;
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('.lines')!;
    assert.isAtMost(scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight, 2);
  });
});

suite('course-list and language-switch', () => {
  teardown(async () => {
    document.body.replaceChildren();
    await changeLang('en', false);
  });

  test('lists every lesson, and switching language changes the texts at once and is remembered', async () => {
    const list = mount('course-list');
    const sw = mount('language-switch');
    await (list as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    const titles = () => [...list.shadowRoot!.querySelectorAll('.title')].map((t) => t.textContent);
    assert.deepEqual(titles(), COURSE.map((l) => l.title.en));
    const zhButton = [...sw.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === '中文')!;
    assert.equal(zhButton.getAttribute('aria-pressed'), 'false');
    zhButton.click();
    await new Promise((r) => setTimeout(r, 0));
    await nextFrame();
    assert.deepEqual(titles(), COURSE.map((l) => l.title.zh));
    assert.equal(list.shadowRoot!.querySelector('h1')!.textContent, '服务器推送，动手跑起来');
    assert.equal(localStorage.getItem('pushlab.lang'), 'zh');
    assert.equal(document.documentElement.lang, 'zh-CN');
    localStorage.removeItem('pushlab.lang');
  });
});

suite('code-panel', () => {
  teardown(() => document.body.replaceChildren());

  const files = [
    { name: 'server.js' as const, language: 'javascript' as const, code: 'const a = 1;' },
    { name: 'client.js' as const, language: 'javascript' as const, code: 'console.log(a)' },
  ];

  async function ready(el: CodePanel): Promise<void> {
    for (let i = 0; i < 100 && !el.shadowRoot!.querySelector('.cm-content'); i++) await new Promise((r) => setTimeout(r, 20));
  }

  test('one tab per file, client.js first shown, arrow keys move between tabs', async () => {
    const el = mount<CodePanel>('code-panel');
    el.files = files;
    await ready(el);
    const tabs = [...el.shadowRoot!.querySelectorAll<HTMLElement>('[role="tab"]')];
    assert.deepEqual(tabs.map((t) => t.textContent!.trim()), ['server.js', 'client.js']);
    assert.equal(tabs[1]!.getAttribute('aria-selected'), 'true');
    assert.include(el.shadowRoot!.querySelector('.cm-content')!.textContent!, 'console.log(a)');
    tabs[1]!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    await el.updateComplete;
    assert.include(el.shadowRoot!.querySelector('.cm-content')!.textContent!, 'const a = 1;');
    assert.equal(el.shadowRoot!.querySelector('[aria-selected="true"]')!.textContent!.trim(), 'server.js');
  });

  test('replacing the code is one undoable change, reported as code-change', async () => {
    const el = mount<CodePanel>('code-panel');
    el.files = files;
    await ready(el);
    const changes: string[] = [];
    el.addEventListener('code-change', (e) => changes.push((e as CustomEvent).detail.file));
    el.replaceAll({ 'server.js': 'let b = 2;', 'client.js': 'console.log(b)' });
    assert.deepEqual(el.currentTexts(), { 'server.js': 'let b = 2;', 'client.js': 'console.log(b)' });
    assert.sameMembers(changes, ['server.js', 'client.js']);
    // Undo in the shown file (client.js) brings its previous text back.
    const content = el.shadowRoot!.querySelector<HTMLElement>('.cm-content')!;
    content.focus();
    content.dispatchEvent(new KeyboardEvent('keydown', { key: 'z', ctrlKey: true, bubbles: true }));
    assert.equal(el.currentTexts()['client.js'], 'console.log(a)');
  });

  test('marks an error line and reveals it', async () => {
    const el = mount<CodePanel>('code-panel');
    el.files = files;
    await ready(el);
    el.mark([{ file: 'client.js', line: 1, column: 5, message: 'Unexpected token' }]);
    await nextFrame();
    assert.isNotNull(el.shadowRoot!.querySelector('.cm-lintRange-error'));
    el.reveal('server.js', 1);
    await el.updateComplete;
    assert.equal(el.shadowRoot!.querySelector('[aria-selected="true"]')!.textContent!.trim(), 'server.js');
  });
});
