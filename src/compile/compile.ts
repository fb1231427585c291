/**
 * Turns a learner's file into code the run frame can evaluate safely:
 * - parse with acorn, so a syntax error is reported with file, line and column and nothing runs;
 * - insert a loop guard call at the top of every loop body and function body, so an endless loop (at top level, in a
 *   callback, in a timer, or an endless chain of microtasks) is stopped instead of freezing the page, which shares its
 *   thread with the same-origin run frame;
 * - for server.js, wrap it as Node wraps a CommonJS module.
 *
 * Every insertion is made on the line where it stands, so line numbers in stack traces are the learner's own; columns
 * shift, and `insertions` lets the frame map them back.
 */
import { parse, type Node, type Options } from 'acorn';
import { full } from 'acorn-walk';
// What the run frame relies on (the guard's name, the wrapper's parameters, column mapping) is in
// src/shared/compiled-code.ts, so the frame need not load this file and acorn with it.
import { GUARD, NODE_WRAPPER_PARAMS, type Insertion } from '../shared/compiled-code.js';

export interface CompileError {
  file: string;
  message: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

export type CompileResult =
  | { ok: true; code: string; insertions: Insertion[] }
  | { ok: false; error: CompileError };

export type FileKind = 'node-module' | 'browser-script';

interface Edit {
  pos: number;
  text: string;
}

type AnyNode = Node & Record<string, unknown>;

export function compile(file: string, source: string, kind: FileKind): CompileResult {
  const options: Options = {
    ecmaVersion: 'latest',
    sourceType: 'script',
    locations: true,
    allowHashBang: true,
    // Node's module wrapper makes a top-level `return` legal in server.js.
    allowReturnOutsideFunction: kind === 'node-module',
  };
  let ast: Node;
  try {
    ast = parse(source, options);
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number; column: number } };
    return {
      ok: false,
      error: {
        file,
        // acorn appends " (line:col)"; the location is reported separately.
        message: e.message.replace(/\s*\(\d+:\d+\)$/, ''),
        line: e.loc?.line ?? 1,
        column: (e.loc?.column ?? 0) + 1,
      },
    };
  }

  const edits: Edit[] = [];
  const starts = lineStarts(source);
  const lineOf = (pos: number) => locateIn(starts, pos).line;
  const guardCall = (pos: number) => `${GUARD}(${lineOf(pos)});`;

  const guardBlockOrWrap = (body: AnyNode, ownerStart: number) => {
    if (body.type === 'BlockStatement') {
      edits.push({ pos: body.start + 1, text: guardCall(ownerStart) });
    } else {
      edits.push({ pos: body.start, text: `{${guardCall(ownerStart)}` });
      edits.push({ pos: body.end, text: '}' });
    }
  };

  full(ast, (node) => {
    const n = node as AnyNode;
    switch (n.type) {
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
        guardBlockOrWrap(n.body as AnyNode, n.start);
        break;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const body = n.body as AnyNode;
        if (body.type === 'BlockStatement') {
          // A guard before a "use strict" directive would turn the directive into a plain string.
          const statements = body.body as AnyNode[];
          let at = body.start + 1;
          for (const s of statements) {
            if (s.type === 'ExpressionStatement' && typeof s.directive === 'string') at = s.end;
            else break;
          }
          edits.push({ pos: at, text: guardCall(n.start) });
        } else {
          // Expression body: `() => x` becomes `() => (guard(), x)`; acorn's range excludes wrapping parentheses,
          // and the added pair keeps an object literal body `({...})` an expression.
          edits.push({ pos: body.start, text: `(${GUARD}(${lineOf(n.start)}),` });
          edits.push({ pos: body.end, text: ')' });
        }
        break;
      }
    }
  });

  // Apply from the end so earlier positions stay valid; at one position, keep the order they were pushed.
  const ordered = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.pos - a.pos || b.i - a.i);
  let code = source;
  for (const e of ordered) code = code.slice(0, e.pos) + e.text + code.slice(e.pos);

  const insertions: Insertion[] = edits.map((e) => {
    const { line, column } = locateIn(starts, e.pos);
    return [line, column, e.text.length];
  });

  if (kind === 'node-module') {
    const prefix = `(function (${NODE_WRAPPER_PARAMS.join(', ')}) {`;
    code = `${prefix}${code}\n})`;
    insertions.push([1, 0, prefix.length]);
  }
  code += `\n//# sourceURL=${file}`;
  return { ok: true, code, insertions };
}

/** Start offset of every line, for turning positions into line/column without rescanning the source. */
function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function locateIn(starts: readonly number[], pos: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: pos - starts[lo]! };
}
