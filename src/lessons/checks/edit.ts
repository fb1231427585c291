/**
 * Solutions as edits of a lesson's own files, so a solution keeps the file's comments and only differs where the
 * exercise asks. Throws when the text to replace is not there exactly once: a lesson edit that moved it must fail at
 * load (the exercises test), not ship a "solution" identical to the starting code.
 */
export function replaceOnce(source: string, search: string, replacement: string): string {
  const at = source.indexOf(search);
  if (at < 0 || source.indexOf(search, at + 1) >= 0) {
    throw new Error(`solution edit: expected exactly one ${JSON.stringify(search.slice(0, 60))} in the lesson file`);
  }
  return source.slice(0, at) + replacement + source.slice(at + search.length);
}
