/**
 * The starter code's comments in the learner's language. A lesson's files are written once, with English comments;
 * the lesson gives the Chinese of each comment (a LessonFile's `comments.zh`), and the page opens the file with them,
 * so a Chinese learner reads the code's explanations in Chinese without a second copy of the code to keep in step.
 *
 * A comment here is a run of `//` lines at one indentation, or one `//` after code on its line. Its key is its English
 * text: each line's text after `// ` (or `//`), the lines joined by '\n'. Its Chinese has as many lines, so every line
 * of code keeps its number: the prose, the exercises and the traffic views name lines.
 *
 * @note Written here rather than with acorn (which the page loads to compile a run): finding `//` outside strings is
 * all it takes, and a lesson opens before anything runs. test/unit/code-comments.test.ts holds it to acorn's reading
 * of every lesson's files.
 */
import type { Lang } from '../shared/localized.js';
import type { Exercise, LessonFile } from '../shared/lesson.js';

export interface CodeComment {
  /** The English text, as the translations key it. */
  key: string;
  /** Offsets in the code of each line's `//`, and of that line's end. */
  lines: Array<{ start: number; end: number }>;
}

/** Every `//` comment of `code`, in order, runs of whole-line comments at one indentation joined into one. */
export function codeComments(code: string): CodeComment[] {
  const found: Array<{ start: number; end: number; whole: boolean; indent: string; line: number }> = [];
  let line = 0;
  let i = 0;
  /** The last character of code before this point that was not blank: whether a `/` starts a regular expression. */
  let last = '';
  const templates: number[] = []; // brace depth at each `${` of an open template literal
  let depth = 0;
  const skipString = (quote: string) => {
    for (i++; i < code.length && code[i] !== quote && code[i] !== '\n'; i++) if (code[i] === '\\') i++;
    i++;
  };
  const skipTemplate = () => {
    // From inside a template literal to its end, or to a `${` (the code inside runs until its closing brace).
    for (; i < code.length; i++) {
      const c = code[i];
      if (c === '\\') i++;
      else if (c === '\n') line++;
      else if (c === '`') {
        i++;
        return;
      } else if (c === '$' && code[i + 1] === '{') {
        templates.push(depth);
        depth++;
        i += 2;
        return;
      }
    }
  };
  while (i < code.length) {
    const c = code[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '/' && code[i + 1] === '/') {
      const lineStart = code.lastIndexOf('\n', i - 1) + 1;
      const before = code.slice(lineStart, i);
      let end = code.indexOf('\n', i);
      if (end === -1) end = code.length;
      if (code[end - 1] === '\r') end--; // a CRLF checkout: the line's end is not the comment's
      found.push({ start: i, end, whole: before.trim() === '', indent: before, line });
      i = end;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      const stop = end === -1 ? code.length : end + 2;
      for (let j = i; j < stop; j++) if (code[j] === '\n') line++;
      i = stop;
    } else if (c === '/' && (last === '' || '(,=:[!&|?{};+-*%<>~^'.includes(last) || /\breturn$/.test(code.slice(Math.max(0, i - 7), i).trimEnd()))) {
      // A regular expression literal: to its closing `/`, past escapes and character classes.
      let inClass = false;
      for (i++; i < code.length && code[i] !== '\n'; i++) {
        if (code[i] === '\\') i++;
        else if (code[i] === '[') inClass = true;
        else if (code[i] === ']') inClass = false;
        else if (code[i] === '/' && !inClass) break;
      }
      i++;
      last = '/';
    } else if (c === '"' || c === "'") {
      skipString(c);
      last = c;
    } else if (c === '`') {
      i++;
      skipTemplate();
      last = '`';
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templates.length && templates[templates.length - 1] === depth) {
          templates.pop();
          i++;
          skipTemplate();
          last = '`';
          continue;
        }
      }
      last = c;
      i++;
    }
  }
  const comments: CodeComment[] = [];
  found.forEach((f, k) => {
    const text = code.slice(f.start + 2, f.end).replace(/^ /, '');
    const previous = comments[comments.length - 1];
    const prior = found[k - 1];
    if (f.whole && prior?.whole && prior.line === f.line - 1 && prior.indent === f.indent && previous) {
      previous.key += `\n${text}`;
      previous.lines.push({ start: f.start, end: f.end });
    } else comments.push({ key: text, lines: [{ start: f.start, end: f.end }] });
  });
  return comments;
}

/**
 * `code` with each comment that `translations` has put in its words, line for line; a comment it lacks, or whose
 * words do not have as many lines, stays as written.
 */
export function localizeComments(code: string, translations: Readonly<Record<string, string>> | undefined): string {
  if (!translations) return code;
  let out = '';
  let at = 0;
  for (const comment of codeComments(code)) {
    const words = translations[comment.key]?.split('\n');
    if (!words || words.length !== comment.lines.length) continue;
    comment.lines.forEach(({ start, end }, k) => {
      out += code.slice(at, start) + (words[k] ? `// ${words[k]}` : '//');
      at = end;
    });
  }
  return out + code.slice(at);
}

/** A lesson's files as a learner of `lang` opens them: with their comments in that language, where the lesson has them. */
export function filesIn(files: readonly LessonFile[], lang: Lang): LessonFile[] {
  return files.map((file) => (lang === 'zh' && file.comments ? { ...file, code: localizeComments(file.code, file.comments.zh) } : file));
}

/** Exercises whose solutions, put in the editor beside those files, speak the same language: the files' translations cover them. */
export function exercisesIn(exercises: readonly Exercise[], files: readonly LessonFile[], lang: Lang): Exercise[] {
  if (lang !== 'zh') return [...exercises];
  const zhOf = (name: string) => files.find((f) => f.name === name)?.comments?.zh;
  return exercises.map((exercise) => ({
    ...exercise,
    solution: Object.fromEntries(Object.entries(exercise.solution).map(([name, code]) => [name, code === undefined ? code : localizeComments(code, zhOf(name))])),
  }));
}
