import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { templates as zh } from '../../src/i18n/zh.js';
import { COURSE } from '../../src/lessons/index.js';
import { lessonHref, parseRoute } from '../../src/page/route.js';
import { decodeFiles, encodeFiles } from '../../src/page/share.js';
import { CONSOLE_CAPACITY, ConsoleStore } from '../../src/page/console-store.js';

describe('routes', () => {
  it('reads lesson routes and share codes from the hash, and falls back to the course list', () => {
    expect(parseRoute('#/lesson/sse')).toEqual({ view: 'lesson', id: 'sse', code: undefined });
    expect(parseRoute(lessonHref('sse', 'abc-_'))).toEqual({ view: 'lesson', id: 'sse', code: 'abc-_' });
    expect(parseRoute('')).toEqual({ view: 'home' });
    expect(parseRoute('#/nonsense/x')).toEqual({ view: 'home' });
  });
});

describe('share links', () => {
  it('round-trip the files exactly, including Chinese text, and stay short', async () => {
    const files = { 'server.js': "ws.send(JSON.stringify({ name: '张三' }));\n".repeat(20), 'client.js': 'console.log(1)' };
    const code = await encodeFiles(files);
    expect(code).toMatch(/^[\w-]+$/);
    expect(code.length).toBeLessThan(300);
    expect(await decodeFiles(code)).toEqual(files);
  });
  it('a damaged link decodes to nothing rather than throwing', async () => {
    expect(await decodeFiles('not-a-real-code')).toBeUndefined();
  });
});

describe('console store', () => {
  it('keeps lines from several frames in time order', () => {
    const store = new ConsoleStore('client');
    for (const [time, text] of [[10, 'a'], [30, 'c'], [20, 'b'], [NaN, 'error'], [40, 'd']] as const) store.add({ level: 'log', time, text });
    expect(store.lines.map((l) => l.text)).toEqual(['a', 'b', 'c', 'error', 'd']);
  });

  it('keeps the newest lines up to its capacity and counts the rest', () => {
    const store = new ConsoleStore('client');
    for (let i = 0; i < CONSOLE_CAPACITY + 5; i++) store.add({ level: 'log', time: i, text: String(i) });
    expect(store.lines).toHaveLength(CONSOLE_CAPACITY);
    expect(store.lines[0]!.text).toBe('5');
    expect(store.dropped).toBe(5);
  });
});

describe('both languages', () => {
  const src = resolve(import.meta.dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });

  it('every interface string has a Chinese text', () => {
    const ids = new Set<string>();
    for (const file of files(src)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\{\s*id:\s*'([\w-]+)'\s*\}/g)) ids.add(m[1]!);
    }
    expect(ids.size).toBeGreaterThan(20);
    const missing = [...ids].filter((id) => !(id in zh));
    expect(missing).toEqual([]);
  });

  it('every lesson has a title and summary in both languages, and unique ids', () => {
    for (const l of COURSE) {
      for (const lang of ['zh', 'en'] as const) {
        expect(l.title[lang].length, `${l.id} title ${lang}`).toBeGreaterThan(0);
        expect(l.summary[lang].length, `${l.id} summary ${lang}`).toBeGreaterThan(0);
      }
    }
    expect(new Set(COURSE.map((l) => l.id)).size).toBe(COURSE.length);
  });
});
