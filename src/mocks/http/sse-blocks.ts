/**
 * Cuts an event stream into the raw text of each event block, as the EventSource parser sees them: a block ends at an
 * empty line, and a line ends at CRLF, LF or CR (WHATWG HTML §9.2.6 "Interpreting an event stream"). The inspector shows
 * one entry per block with its exact bytes, so a learner sees what the browser parsed, and what it did not: text after
 * the last blank line is never dispatched (`rest()` hands it over when the stream ends).
 */
export class SseBlockSplitter {
  #buffer = '';
  /** Where the block being read starts in #buffer, and where scanning for line ends resumes. */
  #scan = 0;
  #lineStart = 0;

  push(text: string): string[] {
    this.#buffer += text;
    const blocks: string[] = [];
    const buffer = this.#buffer;
    let blockStart = 0;
    let i = this.#scan;
    let lineStart = this.#lineStart;
    while (i < buffer.length) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        i++;
        continue;
      }
      // A CR as the last character may be the first half of a CRLF that the next chunk completes.
      if (c === 13 && i === buffer.length - 1) break;
      const lineEnd = c === 13 && buffer.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
      if (i === lineStart) {
        blocks.push(buffer.slice(blockStart, lineEnd));
        blockStart = lineEnd;
      }
      i = lineEnd;
      lineStart = lineEnd;
    }
    this.#buffer = buffer.slice(blockStart);
    this.#scan = i - blockStart;
    this.#lineStart = lineStart - blockStart;
    return blocks;
  }

  /** Text received after the last complete block: an event the browser discards when the stream ends. */
  rest(): string {
    const rest = this.#buffer;
    this.#buffer = '';
    this.#scan = 0;
    this.#lineStart = 0;
    return rest;
  }
}
