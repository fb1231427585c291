/**
 * What compiled learner code and the run frame that evaluates it agree on: the name of the loop guard, the order of the
 * CommonJS wrapper's parameters, and how a column in compiled code maps back to the learner's.
 *
 * src/compile produces code to these terms (in the page, with acorn); src/frame consumes it. Both import this file,
 * so the run frame never loads the parser: importing compile.ts from the frame pulled acorn (~126 KB) into every run.
 */

/** The name the compiled code calls; the frame defines it (a global for client.js, a wrapper parameter for server.js). */
export const GUARD = '__pushlab_guard';

/** Parameters of the CommonJS wrapper, in order; the frame passes the values in the same order. */
export const NODE_WRAPPER_PARAMS = [
  'exports',
  'require',
  'module',
  '__filename',
  '__dirname',
  'process',
  'Buffer',
  'console',
  'setImmediate',
  'clearImmediate',
  'global',
  GUARD,
] as const;

/** An insertion at 1-based `line`, 0-based original `column`, `length` characters long. */
export type Insertion = [line: number, column: number, length: number];

/** Maps a 1-based column in compiled code back to the learner's column on the same line. */
export function originalColumn(insertions: readonly Insertion[], line: number, column: number): number {
  const generated = column - 1;
  const onLine = insertions.filter(([l]) => l === line).sort((a, b) => a[1] - b[1]);
  let shift = 0;
  for (const [, at, length] of onLine) {
    const startInGenerated = at + shift;
    if (generated >= startInGenerated + length) shift += length;
    else if (generated >= startInGenerated) return at + 1; // inside code we inserted: point at where it stands
    else break;
  }
  return generated - shift + 1;
}
