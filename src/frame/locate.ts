/**
 * Finds the learner's file, line and column in an error's stack. Compiled code carries `//# sourceURL=server.js` (or
 * client.js), so Chromium names those files in stack frames: `at foo (server.js:12:5)` or `at server.js:12:5`.
 */
import { originalColumn, type Insertion } from '../shared/compiled-code.js';

export interface Location {
  file: string;
  line: number;
  column: number;
}

const FRAME = /(?:\(|\s|^)((?:server|client)\.js):(\d+):(\d+)\)?/;

export function locate(stack: string | undefined, insertions: Record<string, readonly Insertion[]>): Location | undefined {
  if (!stack) return undefined;
  for (const line of stack.split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[1]!;
    const lineNo = Number(m[2]);
    const column = originalColumn(insertions[file] ?? [], lineNo, Number(m[3]));
    return { file, line: lineNo, column };
  }
  return undefined;
}

/** The stack as the learner should read it: their frames only, with columns mapped back. */
export function learnerStack(stack: string | undefined, insertions: Record<string, readonly Insertion[]>): string | undefined {
  if (!stack) return undefined;
  const lines = stack.split('\n');
  const kept = lines.filter((l, i) => i === 0 || FRAME.test(l));
  return kept
    .map((l) =>
      l.replace(/((?:server|client)\.js):(\d+):(\d+)/, (_, file: string, line: string, col: string) => {
        return `${file}:${line}:${originalColumn(insertions[file] ?? [], Number(line), Number(col))}`;
      }),
    )
    .join('\n');
}
