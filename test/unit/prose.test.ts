/**
 * The two languages of every lesson's prose tell the same course: each has the same sections (## and ### headings,
 * in the same order) and the same code blocks, so a section written in one language only fails here. The Chinese is
 * checked for what a Chinese reader would trip over in the rendered page (docs/glossary.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const lessonsDir = resolve(import.meta.dirname, '../../src/lessons');
const lessons = readdirSync(lessonsDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(resolve(lessonsDir, d.name)).includes('prose.en.md'))
  .map((d) => d.name);

const read = (lesson: string, lang: 'en' | 'zh') => readFileSync(resolve(lessonsDir, lesson, `prose.${lang}.md`), 'utf8');

/** Markdown outside fenced code blocks, line by line. */
function proseLines(md: string): string[] {
  let fence = false;
  return md.split('\n').filter((line) => {
    if (line.trimStart().startsWith('```')) {
      fence = !fence;
      return false;
    }
    return !fence;
  });
}

/** The section structure: each heading's level, and how many code blocks follow it before the next heading. */
function outline(md: string): string[] {
  const out: string[] = [];
  let fence = false;
  let blocks = 0;
  for (const line of md.split('\n')) {
    if (line.trimStart().startsWith('```')) {
      if (!fence) blocks++;
      fence = !fence;
      continue;
    }
    const heading = !fence && /^(#{2,3}) /.exec(line);
    if (heading) {
      out.push(`code×${blocks}`, heading[1]!);
      blocks = 0;
    }
  }
  out.push(`code×${blocks}`);
  return out;
}

const CJK = '\\u3400-\\u4dbf\\u4e00-\\u9fff';
const CJK_PUNCT = '\\u3000-\\u303f\\uff00-\\uffef\\u2018-\\u201d';

describe('zh/en prose parity', () => {
  it('finds the lessons', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(7);
  });

  it.each(lessons)('%s: the same sections, in the same order, with the same code blocks', (lesson) => {
    expect(outline(read(lesson, 'zh'))).toEqual(outline(read(lesson, 'en')));
  });

  it('the comparison fails on a section written in one language only', () => {
    const en = '## A\n\ntext\n\n## B\n\n```js\nx\n```\n';
    expect(outline('## A\n\n文字\n')).not.toEqual(outline(en));
    expect(outline('## A\n\n文字\n\n## B\n\n说明\n')).not.toEqual(outline(en));
    expect(outline('## A\n\n文字\n\n## B\n\n```js\nx\n```\n')).toEqual(outline(en));
  });
});

describe('zh prose reads as written in Chinese', () => {
  it.each(lessons)('%s: no line break between two Chinese characters (it renders as a stray space)', (lesson) => {
    const lines = proseLines(read(lesson, 'zh'));
    const breaks = lines.flatMap((line, i) => {
      const next = lines[i + 1];
      if (!next || !line.trim() || !next.trim() || /^\s*([-*+] |\d+\. |#|\||>)/.test(next)) return [];
      const joins = new RegExp(`[${CJK}${CJK_PUNCT}]$`).test(line.trimEnd()) || new RegExp(`^[${CJK}${CJK_PUNCT}]`).test(next.trim());
      return joins ? [`${line.slice(-12)}⏎${next.trim().slice(0, 12)}`] : [];
    });
    expect(breaks).toEqual([]);
  });

  it.each(lessons)('%s: a space between Chinese and inline code', (lesson) => {
    const tight = proseLines(read(lesson, 'zh')).flatMap((line) =>
      [...line.matchAll(new RegExp(`[${CJK}]\`[^\`]+\`|\`[^\`]+\`[${CJK}]`, 'g'))].map((m) => m[0]),
    );
    expect(tight).toEqual([]);
  });

  it.each(lessons)('%s: the glossary’s words (响应 not 应答, 监听函数 not 监听器)', (lesson) => {
    const text = read(lesson, 'zh');
    expect(text).not.toMatch(/应答|监听器|server send event(?!”)/);
  });
});
