/**
 * The starter code's comments in Chinese (src/lessons/code-comments.ts): every comment of every lesson's files has
 * its Chinese, line for line, and putting it in changes nothing but the comments. The comments are found without a
 * parser, so acorn (the parser the page compiles runs with) checks that reading on every file the course ships.
 */
import { parse, type Comment } from 'acorn';
import { describe, expect, it } from 'vitest';
import { codeComments, exercisesIn, filesIn, localizeComments } from '../../src/lessons/code-comments.js';
import { COURSE } from '../../src/lessons/index.js';
import type { LessonContent } from '../../src/shared/lesson.js';

const lessons = await Promise.all(
  COURSE.filter((m) => m.load).map(async (m) => ({ id: m.id, content: (await m.load!()).default as LessonContent })),
);
const scripts = lessons.flatMap(({ id, content }) => content.files.filter((f) => f.language === 'javascript').map((file) => ({ id, file, content })));
/** Each exercise's solution of a file: put in the editor, in the learner's language too. */
const solutionsOf = (content: LessonContent, name: string) =>
  (content.exercises ?? []).flatMap((e) => (e.solution[name as keyof typeof e.solution] === undefined ? [] : [e.solution[name as keyof typeof e.solution]!]));

/** acorn's `//` comments of a script: what the page's compiler would read as comments. */
function acornComments(code: string): Comment[] {
  const comments: Comment[] = [];
  parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, onComment: comments });
  return comments.filter((c) => c.type === 'Line');
}

/** The code without its comments, line by line: what a translation must leave as it was. */
function withoutComments(code: string): string[] {
  let out = code;
  for (const c of acornComments(code).reverse()) out = out.slice(0, c.start) + out.slice(c.end);
  return out.split('\n').map((line) => line.trimEnd());
}

describe('finding comments without a parser', () => {
  it.each(scripts.map(({ id, file, content }) => [`${id}/${file.name}`, [file.code, ...solutionsOf(content, file.name)]] as const))(
    '%s and its solutions: the same comments acorn finds',
    (_name, codes) => {
      for (const code of codes) expect(codeComments(code).flatMap((c) => c.lines)).toEqual(acornComments(code).map((c) => ({ start: c.start, end: c.end })));
    },
  );

  it('skips what only looks like a comment: in strings, template literals and regular expressions', () => {
    const code = [
      "const url = 'http://localhost:3000'; // the server",
      'const t = `//${"a//b"}//`; // a template',
      'const re = /\\/\\//g; // a regex',
      'const half = 4 / 2; // division',
      '// one',
      '// run',
      '  // indented: its own',
    ].join('\n');
    expect(codeComments(code).map((c) => c.key)).toEqual(['the server', 'a template', 'a regex', 'division', 'one\nrun', 'indented: its own']);
    expect(codeComments(code).flatMap((c) => c.lines)).toEqual(acornComments(code).map((c) => ({ start: c.start, end: c.end })));
  });
});

describe('putting the Chinese in', () => {
  it('replaces each comment line for line, and a comment whose Chinese has another number of lines not at all', () => {
    const code = 'a(); // one\n// two\n// lines\nb();';
    expect(localizeComments(code, { one: '一', 'two\nlines': '两\n行' })).toBe('a(); // 一\n// 两\n// 行\nb();');
    expect(localizeComments(code, { 'two\nlines': '一行' })).toBe(code);
    expect(localizeComments(code, undefined)).toBe(code);
  });

  it.each(scripts.filter(({ file }) => file.comments).map(({ id, file, content }) => [`${id}/${file.name}`, file, content] as const))(
    '%s and its solutions: every comment has its Chinese, line for line, and nothing else changes',
    (_name, file, content) => {
      const zh = file.comments!.zh;
      const solutions = solutionsOf(content, file.name);
      const keys = [file.code, ...solutions].flatMap((code) => codeComments(code).map((c) => c.key));
      expect(keys.filter((k) => zh[k] === undefined)).toEqual([]);
      expect(Object.keys(zh).filter((k) => !keys.includes(k))).toEqual([]); // a translation of a comment no longer there
      for (const k of keys) expect(zh[k]!.split('\n').length, k).toBe(k.split('\n').length);
      const [chinese] = filesIn([file], 'zh');
      expect(filesIn([file], 'en')[0]!.code).toBe(file.code);
      const chineseSolutions = exercisesIn(content.exercises ?? [], content.files, 'zh').flatMap((e) => (e.solution[file.name] === undefined ? [] : [e.solution[file.name]!]));
      expect(chineseSolutions).toHaveLength(solutions.length);
      for (const [english, translated] of [[file.code, chinese!.code], ...solutions.map((code, i) => [code, chineseSolutions[i]!])] as const) {
        expect(translated.split('\n')).toHaveLength(english.split('\n').length);
        expect(withoutComments(translated)).toEqual(withoutComments(english));
        expect(codeComments(translated).map((c) => c.key)).toEqual(codeComments(english).map((c) => zh[c.key]));
      }
    },
  );

  it('every lesson with code has its comments in Chinese', () => {
    const without = scripts.filter(({ file }) => codeComments(file.code).length > 0 && !file.comments).map(({ id, file }) => `${id}/${file.name}`);
    expect(without).toEqual([]);
  });
});
