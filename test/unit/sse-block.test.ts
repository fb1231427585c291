/**
 * The server traffic's reading of one event block (src/mocks/http/sse-blocks.ts) against eventsource-parser, the
 * parser the wire's decoding uses: the same event, type, id, retry, comments and skipped lines for every block.
 */
import { createParser, type ParseError } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { readSseBlock, SseBlockSplitter } from '../../src/mocks/http/sse-blocks.js';

function byLibrary(block: string) {
  const out: { data?: string; type?: string; id?: string; retry?: number; comments: string[]; skipped: string[] } = { comments: [], skipped: [] };
  createParser({
    onEvent: (e) => {
      out.data = e.data;
      if (e.event !== undefined) out.type = e.event;
      if (e.id !== undefined) out.id = e.id;
    },
    onRetry: (ms) => (out.retry = ms),
    onComment: (c) => out.comments.push(c),
    onError: (e: ParseError) => out.skipped.push(`${e.type} ${e.type === 'unknown-field' ? e.field : e.value}`),
    // A stream's last CR may be the first half of a CRLF, so the library waits for what follows; a block the splitter
    // cut is whole, so an LF after its CR (which makes that CR a CRLF) changes nothing but the wait.
  }).feed(block.endsWith('\r') ? block + '\n' : block);
  return out;
}

function ours(block: string) {
  const r = readSseBlock(block);
  return {
    ...(r.data !== undefined ? { data: r.data, ...(r.type ? { type: r.type } : {}), ...(r.id !== undefined ? { id: r.id } : {}) } : {}),
    ...(r.retry !== undefined ? { retry: r.retry } : {}),
    comments: r.comments,
    skipped: r.skipped.map((s) => `${s.type} ${s.type === 'unknown-field' ? s.field : s.value}`),
  };
}

const STREAM = [
  'data: plain\n\n',
  'data:no space\n\n',
  'data:  two spaces\n\n',
  'data\n\n',
  'data: a\ndata: b\ndata\n\n',
  'event: tick\nid: 7\ndata: {"n":1}\n\n',
  'event:\ndata: empty type\n\n',
  'id: has\0nul\ndata: x\n\n',
  'id: 3\n\n',
  ': ping\n\n',
  ':no space comment\n:  two\n\n',
  'retry: 1000\n\n',
  'retry: soon\nretry: 10\ndata: r\n\n',
  'retry: 12a\n\n',
  'flavour: x\ndata: y\n\n',
  'plainfield\n\n',
  'data: crlf\r\nid: 9\r\n\r\n',
  'data: cr\rdata: only\r\r',
  'data: 中文 😀\n\n',
  ' data: leading space is a field name\n\n',
].join('');

describe('readSseBlock', () => {
  it('reads each block as eventsource-parser does', () => {
    const blocks = new SseBlockSplitter().push(STREAM);
    expect(blocks.length).toBe(20);
    for (const block of blocks) expect(ours(block), JSON.stringify(block)).toEqual(byLibrary(block));
  });
});

describe('the edges a learner meets', () => {
  it('an id with a NUL is ignored and the earlier one kept; a long line with no colon is one field, named cut short', async () => {
    expect(readSseBlock('id: 1\nid: a\0b\ndata: x\n\n')).toMatchObject({ id: '1', data: 'x' });
    const forgot = 'this whole sentence was meant as data but has no data: in front'.replace(':', '');
    const { skipped } = readSseBlock(`${forgot}\n\n`);
    expect(skipped).toEqual([{ type: 'unknown-field', field: forgot, value: '' }]);
    const { sseLineIgnored } = await import('../../src/shared/wire/problems.js');
    expect(sseLineIgnored(skipped[0]!).en).toBe(`ignored by the browser: unknown field "${forgot.slice(0, 40)}…"`);
  });

  it('a stream that ends in CR: the last CR ends a line when the stream ends, not before', () => {
    const splitter = new SseBlockSplitter();
    expect(splitter.push('data: x\r\r')).toEqual([]);
    expect(splitter.push('', true)).toEqual(['data: x\r\r']);
    expect(splitter.rest()).toBe('');
  });
});
