/**
 * The server's side of one HTTP exchange as traffic events (observer 'server'): the request as the handler received
 * it, the response head, every chunk the handler wrote (one event per SSE event when the response is an event stream)
 * and the close. Bytes count what would travel on an HTTP/1.1 connection: the head as text (an estimate: a real
 * browser adds a few headers the service worker never shows) plus the body; chunked framing is left out.
 *
 * Beside them, the wire itself ('bytes' events on a connection of its own, see wire-tap.ts): the request as Node
 * would read it, marked as incomplete (the browser's own headers never reach the service worker), and the response
 * exactly as Node writes it: status line, the head of ServerResponse#wireHeaders, chunk framing, the last chunk.
 */
import { BODY_LIMIT, hexOf, previewOf, sourceDetails, type SourceLookup, type TrafficDetails, type Transport } from '../../shared/traffic.js';
import type { RuntimeContext } from '../context.js';
import { readSseBlock, SseBlockSplitter } from './sse-blocks.js';
import { WireTap } from '../wire-tap.js';
import { concat, utf8Length } from '../../shared/wire/bytes.js';
import { TaskBytes } from './task-bytes.js';
import { requestHeadText } from './wire-head.js';
import { note, type NoteKey } from '../notes.js';
import { sseLineIgnored } from '../../shared/wire/problems.js';

/** How an exchange ended, seen from the server: each is a note in both languages (../notes.ts). */
export type ExchangeEnd = Extract<
  NoteKey,
  'responseEnded' | 'serverDestroyed' | 'clientGone' | 'killed' | 'restarted' | 'lost' | 'serviceWorkerGaveUp' | 'runStopped' | 'serverCrashed'
>;

const encoder = new TextEncoder();

const TEXTUAL = /^text\/|json|xml|javascript|x-www-form-urlencoded|event-stream|graphql/i;

/** Header block of a request or response as it would be written on the wire. */
export function headBytes(startLine: string, headers: Record<string, string>): number {
  let n = startLine.length + 2 + 2;
  for (const [name, value] of Object.entries(headers)) n += utf8Length(`${name}: ${value}\r\n`);
  return n;
}

/** A preview and a bounded body for a payload: text when it reads as text, hex otherwise. */
export function describeBody(bytes: Uint8Array, contentType: string | undefined): { preview: string; body?: string } {
  if (!bytes.length) return { preview: '' };
  const text = new TextDecoder().decode(bytes.subarray(0, BODY_LIMIT * 4));
  // eslint-disable-next-line no-control-regex
  const looksText = contentType ? TEXTUAL.test(contentType) : !/[\uFFFD\u0000-\u0008\u000E-\u001F]/.test(text);
  if (!looksText) {
    const hex = hexOf(bytes);
    return { preview: previewOf(hex), body: hex };
  }
  return { preview: previewOf(text), body: text.slice(0, BODY_LIMIT) };
}

export class ExchangeTraffic {
  #transport: Transport;
  #sse: { splitter: SseBlockSplitter; decoder: TextDecoder } | undefined;
  #textDecoder: TextDecoder | undefined;
  #contentType: string | undefined;
  #closed = false;
  #wire: WireTap | undefined;
  /** The response uses the chunked transfer coding: each write is framed, and the end writes the last chunk. */
  #chunked = false;
  /** What the server wrote in this task, not yet recorded, and the line of the first write (see #gather). */
  #written = new TaskBytes((chunk, size) => this.#wire?.writeOf('s2c', size, () => chunk, false, this.#writtenSource), BODY_LIMIT);
  #writtenSource: SourceLookup;

  constructor(
    private readonly ctx: RuntimeContext,
    readonly conn: string,
    acceptsEventStream: boolean,
    /** The server's port: what a Node socket's localPort says (a relative URL's Host names the page's port). */
    private readonly serverPort?: number,
  ) {
    // Before the response says what it is, an EventSource's request (Accept: text/event-stream) counts as SSE.
    this.#transport = acceptsEventStream ? 'sse' : 'http';
  }

  request(method: string, url: string, headers: Record<string, string>, body: Uint8Array): void {
    const described = describeBody(body, headers['content-type']);
    if (this.ctx.recordWire !== false) this.#wire = new WireTap(this.ctx, this.serverPort ?? portOf(headers['host']), 'client');
    // The service worker's Request hides Content-Length (a forbidden header), but the browser sends it for a body of
    // known length: without it the head would say there is no body, and the body would read as the next request.
    const wireHeaders = body.length && !('content-length' in headers) && !('transfer-encoding' in headers) ? { ...headers, 'content-length': String(body.length) } : headers;
    this.#wire?.write('c2s', concat(encoder.encode(requestHeadText(method, url, wireHeaders)), body), true);
    this.#emit('c2s', 'request', headBytes(`${method} ${url} HTTP/1.1`, headers) + body.length, described, {
      method,
      url,
      headers,
    });
  }

  response(status: number, statusText: string, headers: Record<string, string>): void {
    const contentType = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
    this.#contentType = contentType;
    if (contentType?.toLowerCase().startsWith('text/event-stream')) {
      this.#transport = 'sse';
      this.#sse = { splitter: new SseBlockSplitter(), decoder: new TextDecoder() };
    } else {
      this.#transport = 'http';
      if (!contentType || TEXTUAL.test(contentType)) this.#textDecoder = new TextDecoder();
    }
    this.#chunked = Object.entries(headers).some(([name, value]) => name.toLowerCase() === 'transfer-encoding' && /chunked\s*$/i.test(value));
    const source = this.#source();
    this.#gather(encoder.encode(`HTTP/1.1 ${status} ${statusText}\r\n${Object.entries(headers).map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`), source);
    this.#emit('s2c', 'response', headBytes(`HTTP/1.1 ${status} ${statusText}`, headers), { preview: `${status} ${statusText}` }, {
      status,
      statusText,
      headers,
      ...sourceDetails(source),
    });
  }

  /**
   * The line of server.js writing now, asked once for the wire's chunk and the events it carries (the same stack
   * would be taken again for each event otherwise). Without a wire record, each event's report asks for itself.
   */
  #source(): SourceLookup {
    return this.#wire ? this.ctx.callSite?.() : undefined;
  }

  /** `bytes`: the response's own copy of one write, which this may keep until the task ends. */
  chunk(bytes: Uint8Array): void {
    if (!bytes.length) return;
    const source = this.#source();
    const from = sourceDetails(source);
    if (this.#wire) {
      // Past what the record keeps of this task, the write is counted, its framing not even made.
      if (this.#written.full) {
        const framing = this.#chunked ? bytes.length.toString(16).length + 2 + CRLF.length : 0;
        this.#gather(framing + bytes.length, source);
      } else {
        if (this.#chunked) this.#gather(chunkHeader(bytes.length), source);
        this.#gather(bytes, source);
        if (this.#chunked) this.#gather(CRLF, source);
      }
    }
    if (this.#sse) {
      for (const block of this.#sse.splitter.push(this.#sse.decoder.decode(bytes, { stream: true }))) this.#sseBlock(block, source);
      return;
    }
    if (this.#textDecoder) {
      const text = this.#textDecoder.decode(bytes, { stream: true });
      this.#emit('s2c', 'message', bytes.length, { preview: previewOf(text), body: text.slice(0, BODY_LIMIT) }, { ...from });
      return;
    }
    this.#emit('s2c', 'message', bytes.length, describeBody(bytes, this.#contentType), { ...from });
  }

  /** The exchange is over: `how` says how (the response ended, the client went away, the run stopped). */
  close(how: ExchangeEnd): void {
    if (this.#closed) return;
    this.#closed = true;
    // Only an ended response writes the last chunk; a destroyed one just stops (the client sees a cut body).
    if (how === 'responseEnded' && this.#chunked) this.#gather(encoder.encode('0\r\n\r\n'), this.#source());
    this.#written.flush();
    if (this.#sse) {
      // The stream's last bytes: a block they complete (one that ends in CR) is dispatched, as the browser does.
      for (const block of this.#sse.splitter.push(this.#sse.decoder.decode(), true)) this.#sseBlock(block);
      const rest = this.#sse.splitter.rest();
      if (rest) {
        this.#emit('s2c', 'message', utf8Length(rest), { preview: previewOf(rest), body: rest }, {
          note: note(this.ctx.lang, 'notDispatched'),
        });
      }
    }
    const text = note(this.ctx.lang, how);
    this.#emit('none', 'close', 0, { preview: text }, { note: text, ...(how === 'responseEnded' ? { responseEnded: true } : {}) });
  }

  /**
   * The server's bytes of one task reach the record as one chunk (TaskBytes), with the line of the first write that
   * made them, as real mode's record sees a tick's writev (server/child/wire-record.cjs). A flood's record then costs
   * an event per task, not one per write (bench:mocks, issue 14). `bytes`: what was written, or only how many bytes,
   * once the record keeps no more of this task's.
   */
  #gather(bytes: Uint8Array | number, source: SourceLookup): void {
    if (!this.#wire) return;
    if (this.#written.size === 0) this.#writtenSource = source;
    if (typeof bytes === 'number') this.#written.count(bytes);
    else this.#written.push(bytes);
  }

  #sseBlock(block: string, source?: SourceLookup): void {
    const details: TrafficDetails = sourceDetails(source);
    const lang = this.ctx.lang;
    const { data, type, id, retry, comments, skipped } = readSseBlock(block);
    if (data !== undefined) {
      details.eventType = type || 'message';
      if (id !== undefined) details.eventId = id;
    }
    if (retry !== undefined) details.retry = retry;
    // The browser skips such a line (a non-numeric retry, an unknown field); say so where it shows.
    const notes = skipped.map((line) => sseLineIgnored(line)[lang]);
    if (data === undefined) {
      if (comments.length) notes.unshift(note(lang, 'heartbeatComment'));
      else if (retry === undefined && block.trim()) notes.unshift(note(lang, 'noData'));
    }
    if (notes.length) details.note = notes.join(lang === 'zh' ? '；' : '; ');
    const preview = data ?? (comments.length ? ':' + comments.join(' :') : block);
    this.#emit('s2c', 'message', utf8Length(block), { preview: previewOf(preview), body: block.slice(0, BODY_LIMIT) }, details);
  }

  #emit(
    direction: 'c2s' | 's2c' | 'none',
    kind: 'request' | 'response' | 'message' | 'close',
    bytes: number,
    payload: { preview: string; body?: string },
    details: TrafficDetails,
  ): void {
    this.ctx.report({
      time: this.ctx.now(),
      // The server cannot tell which frame a request came from; 'client' is the protocol's default party.
      party: 'client',
      observer: 'server',
      conn: this.conn,
      transport: this.#transport,
      direction,
      kind,
      bytes,
      preview: payload.preview,
      ...(payload.body !== undefined ? { body: payload.body } : {}),
      details,
    });
  }
}

const CRLF = new Uint8Array([13, 10]);

/**
 * A chunk's size line (`1a\r\n`), written byte by byte: it is ASCII, and TextEncoder's call per write was the record's
 * largest cost in an SSE flood (bench:mocks --profile, the wire recorded and not).
 */
function chunkHeader(n: number): Uint8Array {
  const hex = n.toString(16);
  const out = new Uint8Array(hex.length + 2);
  for (let i = 0; i < hex.length; i++) out[i] = hex.charCodeAt(i);
  out[hex.length] = 13;
  out[hex.length + 1] = 10;
  return out;
}

function portOf(host: string | undefined): number {
  const m = /:(\d+)$/.exec(host ?? '');
  return m ? Number(m[1]) : 80;
}
