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

  /** `final`: the stream ends here, so a CR at its end is a line end rather than half of a CRLF still to come. */
  push(text: string, final = false): string[] {
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
      if (c === 13 && i === buffer.length - 1 && !final) break;
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

/**
 * One line's field and value (§9.2.6): the name runs to the first colon, or is the whole line; the value follows it,
 * less one leading space. A line that starts with a colon is a comment: its field is '' and its value the comment's text.
 */
export function sseField(line: string): { field: string; value: string } {
  const colon = line.indexOf(':');
  if (colon === -1) return { field: line, value: '' };
  return { field: line.slice(0, colon), value: line.slice(line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1) };
}

/** What one block says, as the browser reads it (WHATWG HTML §9.2.6 "Interpreting an event stream"). */
export interface SseBlockFields {
  /** The data lines joined by LF; absent when the block has none, and then no event is dispatched. */
  data?: string;
  /** The `event:` type; absent or empty: 'message'. */
  type?: string;
  /** The block's own `id:` (one with a NUL is ignored, as the browser ignores it). */
  id?: string;
  /** The last `retry:` made only of digits. */
  retry?: number;
  /** Comment lines, less the colon and one space after it. */
  comments: string[];
  /** Lines the browser skips: a `retry:` that is not only digits, a field it does not know. */
  skipped: Array<{ type: 'invalid-retry' | 'unknown-field'; field: string; value: string }>;
}

/**
 * Reads the fields of one block the splitter cut.
 * @note Not eventsource-parser (which the wire's decoding uses on whole streams): the block is already cut, and a
 * parser made for each block, closures and all, was a third of what an SSE write cost the server (bench:mocks
 * --profile). Its lines are read by sseField, as StreamParser's in browser-event-source.ts are; what is skipped carries the
 * fields of eventsource-parser's ParseError, so one function words it (src/shared/wire/problems.ts).
 */
export function readSseBlock(block: string): SseBlockFields {
  const out: SseBlockFields = { comments: [], skipped: [] };
  const lines = block.indexOf('\r') === -1 ? block.split('\n') : block.split(/\r\n|\r|\n/);
  for (const line of lines) {
    if (line === '') continue;
    const { field, value } = sseField(line);
    if (field === '') {
      out.comments.push(value);
      continue;
    }
    switch (field) {
      case 'data':
        out.data = out.data === undefined ? value : `${out.data}\n${value}`;
        break;
      case 'event':
        out.type = value;
        break;
      case 'id':
        if (!value.includes('\0')) out.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) out.retry = Number(value);
        else out.skipped.push({ type: 'invalid-retry', field, value });
        break;
      default:
        out.skipped.push({ type: 'unknown-field', field, value });
    }
  }
  return out;
}
