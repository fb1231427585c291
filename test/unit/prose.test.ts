/**
 * The two languages of every lesson's prose tell the same course: each has the same sections (## and ### headings,
 * in the same order) and the same code blocks, so a section written in one language only fails here. The Chinese is
 * checked for what a Chinese reader would trip over in the rendered page (docs/glossary.md): stray spaces, asterisks
 * that Markdown did not turn into bold, and a second word for a term the glossary names once. The Chinese outside the
 * prose (lesson data, check messages, interface strings) is held to the same words.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { COURSE } from '../../src/lessons/index.js';

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

  it.each(lessons)('%s: no space between Chinese and Chinese punctuation, quotes included (“网络流量”面板)', (lesson) => {
    expect(proseLines(read(lesson, 'zh')).flatMap(spacedPunctuation)).toEqual([]);
  });

  it.each(lessons)('%s: no space between Chinese and bold Chinese (点**运行**)', (lesson) => {
    expect(proseLines(read(lesson, 'zh')).flatMap(spacedBold)).toEqual([]);
  });

  it.each(lessons)('%s: the glossary’s words', (lesson) => {
    expect(variants(read(lesson, 'zh'))).toEqual([]);
  });
});

/**
 * A second word for a glossary term, with the word to use (docs/glossary.md). Only Chinese is matched, so a file's
 * English and its code never trip these.
 */
const VARIANTS: [RegExp, string][] = [
  [/应答/g, '响应 (HTTP), 回应 (a ping, a message), 确认 (socket.io)'],
  [/回执/g, '确认（ack）'],
  [/回复/g, '回应; an HTTP status: 返回'],
  [/监听器/g, '监听函数'],
  [/服务器端/g, '服务端'],
  [/重新连接/g, '重连'],
  [/(?<!随机)抖动/g, '随机抖动'],
  [/文字(?!方向)/g, '文本 (文字方向控制符 is the Unicode term)'],
  [/(?<!在)线上(?!下)/g, '线路上 (the wire); 线上 means production'],
  [/数据帧/g, '帧'],
  [/网络面板/g, '“网络状况” (the settings under Run are not a 面板)'],
  [/(?<!网络)流量/g, '网络流量'],
  [/最多一次/g, '至多一次'],
  [/本节课|每节课|这节课|下一节|课堂目标/g, '课 (第 1 课, 本课, 下一课)'],
  [/(?:Engine\.IO|Socket\.IO|CONNECT|ACK|握手) ?包/g, '数据包 (包 alone is an npm package)'],
  [/\*\*网络流量\*\*|“网络流量”(?!面板)|“对比”(?!面板)/g, '“网络流量”面板, “对比”面板'],
  [/server send event(?!”)/gi, 'Server-Sent Events'],
  [/(?<!库和)框架/g, '运行代码的 iframe (框架 reads as a software framework; “库和框架” is one)'],
];

function variants(text: string): string[] {
  return VARIANTS.flatMap(([re, use]) => [...text.matchAll(re)].map((m) => `${text.slice(Math.max(0, m.index - 8), m.index + m[0].length + 8)} → ${use}`));
}

/** A space between Chinese (or Chinese punctuation) and a Chinese punctuation mark: “ ” （ ） ， 。 ： ； 、 */
function spacedPunctuation(line: string): string[] {
  const re = new RegExp(`[${CJK}${CJK_PUNCT}] +[“（，。：；、]|[”），。：；、] +[${CJK}${CJK_PUNCT}]`, 'g');
  return [...line.matchAll(re)].map((m) => line.slice(Math.max(0, m.index - 6), m.index + m[0].length + 6));
}

/** A space between Chinese and bold that starts or ends with Chinese: it renders as a gap inside a sentence. */
function spacedBold(line: string): string[] {
  const re = new RegExp(`[${CJK}${CJK_PUNCT}] \\*\\*[${CJK}${CJK_PUNCT}]|[${CJK}${CJK_PUNCT}]\\*\\* [${CJK}${CJK_PUNCT}]`, 'g');
  return [...line.matchAll(re)].map((m) => line.slice(Math.max(0, m.index - 6), m.index + m[0].length + 6));
}

/** Asterisks or underscores Markdown left as they are (CommonMark does not close `**` between a punctuation mark and a letter: `**注意：**这里`). */
function unrendered(html: string): string[] {
  const text = html.replace(/<pre>[\s\S]*?<\/pre>|<code>[\s\S]*?<\/code>/g, '');
  return [...text.matchAll(/\*\*|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])/g)].map((m) => text.slice(Math.max(0, m.index - 15), m.index + 15));
}

const src = resolve(import.meta.dirname, '../../src');
/** Every source file with Chinese a learner reads outside the prose: lesson data, checks, interface, runtime messages. */
const chineseSources = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(ts|js|html)$/.test(f) && !f.includes('node_modules'))
  .filter((f) => new RegExp(`[${CJK}]`).test(readFileSync(resolve(src, f), 'utf8')));

describe('the Chinese outside the prose', () => {
  it('finds the files', () => {
    expect(chineseSources).toEqual(expect.arrayContaining(['lessons/chat/exercises.ts', 'i18n/zh/shell.ts', 'page/backend-client.ts']));
  });

  it.each(chineseSources)('%s: the glossary’s words, and no space beside Chinese punctuation', (file) => {
    const text = readFileSync(resolve(src, file), 'utf8');
    expect(variants(text)).toEqual([]);
    expect(text.split('\n').flatMap(spacedPunctuation)).toEqual([]);
  });
});

describe('Markdown renders as written', () => {
  const content = Promise.all(COURSE.filter((m) => m.load).map(async (m) => ({ id: m.id, lesson: (await m.load!()).default })));

  it.each(lessons)('%s: prose in both languages has no stray asterisks', (lesson) => {
    for (const lang of ['zh', 'en'] as const) expect(unrendered(marked.parse(read(lesson, lang), { async: false }))).toEqual([]);
  });

  it('goals, exercise tasks, hints and summaries have no stray asterisks, and no space beside bold Chinese', async () => {
    const found: string[] = [];
    for (const { id, lesson } of await content) {
      for (const lang of ['zh', 'en'] as const) {
        const parts = [
          ...lesson.goals[lang].map((g) => ['goal', g, marked.parseInline(g, { async: false })] as const),
          ...(lesson.exercises ?? []).map((e) => [`exercise ${e.id}`, e.task[lang], marked.parse(e.task[lang], { async: false })] as const),
          ...(lesson.exercises ?? []).flatMap((e) => e.hints[lang].map((h) => [`hint of ${e.id}`, h, marked.parseInline(h, { async: false })] as const)),
          ['recap', lesson.recap[lang], marked.parse(lesson.recap[lang], { async: false })] as const,
        ];
        for (const [where, source, html] of parts) {
          for (const s of [...unrendered(html), ...spacedBold(source)]) found.push(`${id} ${lang} ${where}: ${s}`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('the checks fail on what they are for', () => {
    expect(unrendered(marked.parse('- **客户端发出时：**每条消息', { async: false }))).not.toEqual([]);
    expect(unrendered(marked.parse('- **客户端发出时**：每条消息，`a ** b`', { async: false }))).toEqual([]);
    expect(spacedBold('点 **运行**，')).not.toEqual([]);
    expect(spacedBold('点**运行**，切换到**真实 Node** 模式')).toEqual([]);
    expect(spacedPunctuation('打开 “网络流量”面板')).not.toEqual([]);
    expect(spacedPunctuation('看到“Ada is typing”。Use “quotes” here')).toEqual([]);
    expect(variants('服务器回复 204，事件带上回执')).toHaveLength(2);
    expect(variants('随机抖动、线路上、在线上课、至多一次、`ws` 包、握手数据包')).toEqual([]);
  });
});
