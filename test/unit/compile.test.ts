import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/compile.js';
import { GUARD, NODE_WRAPPER_PARAMS, originalColumn } from '../../src/shared/compiled-code.js';

/** Runs compiled browser-script code with a guard that counts calls and trips after `limit` calls. */
function runWithGuard(code: string, limit = 10_000) {
  let calls = 0;
  const lines: number[] = [];
  const guard = (line: number) => {
    calls++;
    lines.push(line);
    if (calls > limit) throw new Error('tripped');
  };
  const fn = new Function(GUARD, code);
  let error: unknown;
  try {
    fn(guard);
  } catch (e) {
    error = e;
  }
  return { calls, lines, error };
}

describe('compile', () => {
  it('reports a syntax error with file, line and column, and produces no code', () => {
    const result = compile('client.js', 'let a = 1;\nlet b = (;\n', 'browser-script');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ file: 'client.js', line: 2, column: 10 });
    expect(result.error.message).toMatch(/Unexpected token/);
  });

  it('stops an endless while loop through the guard', () => {
    const result = compile('client.js', 'let i = 0;\nwhile (true) { i++ }', 'browser-script');
    if (!result.ok) throw new Error(result.error.message);
    const run = runWithGuard(result.code);
    expect((run.error as Error).message).toBe('tripped');
    expect(run.lines[0]).toBe(2);
  });

  it('guards every loop form, including bodies without braces and labelled loops', () => {
    const source = [
      'outer: for (;;) for (;;) continue outer;',
      'do ; while (true);',
      'for (const x of (function* () { while (true) yield 1; })()) ;',
    ];
    for (const line of source) {
      const result = compile('client.js', line, 'browser-script');
      if (!result.ok) throw new Error(`${line}: ${result.error.message}`);
      const run = runWithGuard(result.code, 100);
      expect((run.error as Error).message, line).toBe('tripped');
    }
  });

  it('guards functions, so an endless chain of calls is caught too, and keeps "use strict" working', () => {
    const result = compile(
      'client.js',
      'function f(n) { "use strict"; return n > 0 ? f(n - 1) : (function () { return this; })(); }\nout.value = f(5);',
      'browser-script',
    );
    if (!result.ok) throw new Error(result.error.message);
    let calls = 0;
    const out = { value: 'unset' as unknown };
    new Function(GUARD, 'out', result.code)(() => calls++, out);
    expect(out.value).toBeUndefined(); // strict mode: `this` is undefined, so the directive survived
    expect(calls).toBe(7);
  });

  it('keeps arrow functions with object literal bodies returning objects', () => {
    const result = compile('client.js', 'out.value = [1, 2].map((n) => ({ n }));', 'browser-script');
    if (!result.ok) throw new Error(result.error.message);
    const out = { value: undefined as unknown };
    new Function(GUARD, 'out', result.code)(() => {}, out);
    expect(out.value).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('keeps every line where it was, so stack traces carry the learner line', () => {
    const source = 'const a = 1;\nfor (let i = 0; i < 2; i++) {\n  console.log(i);\n}\nthrow new Error("x");\n';
    const result = compile('client.js', source, 'browser-script');
    if (!result.ok) throw new Error(result.error.message);
    const original = source.split('\n');
    const compiled = result.code.split('\n');
    expect(compiled[4]).toBe(original[4]);
    expect(compiled.length).toBe(original.length + 1); // the sourceURL line
  });

  it('wraps server.js as a CommonJS module that may return at top level', () => {
    const result = compile('server.js', 'module.exports = 42;\nreturn;', 'node-module');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.code.endsWith('//# sourceURL=server.js')).toBe(true);
    const wrapper = (0, eval)(result.code) as (...args: unknown[]) => void;
    const module = { exports: {} as unknown };
    const args = NODE_WRAPPER_PARAMS.map((p) => (p === 'module' ? module : undefined));
    wrapper(...args);
    expect(module.exports).toBe(42);
  });

  it('maps columns back to the learner column', () => {
    const source = 'while (x) { foo.bar(); }';
    const result = compile('client.js', source, 'browser-script');
    if (!result.ok) throw new Error(result.error.message);
    const generatedCol = result.code.indexOf('foo.bar') + 1;
    expect(originalColumn(result.insertions, 1, generatedCol)).toBe(source.indexOf('foo.bar') + 1);
    expect(originalColumn(result.insertions, 1, 1)).toBe(1);
  });
});
