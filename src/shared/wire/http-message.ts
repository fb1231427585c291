/**
 * HTTP/1.1 messages read from one direction of a TCP connection, fed chunk by chunk as they were read or written
 * (RFC 9112): the head (request line or status line, every header in its order and spelling), then the body framed by
 * Content-Length, by the chunked transfer coding (each chunk's size line shown), or until the connection closes.
 *
 * Written here rather than taken from a library: llhttp (Node's parser) is native or WebAssembly and reports no chunk
 * framing; the small JS parsers (http-parser-js) are CommonJS for Node only and throw on bad input. The views need the
 * framing itself, bounded memory, and a record of what was wrong instead of an exception.
 */
import { quoting, type Localized } from './problems.js';
import { concat, latin1 } from './bytes.js';

export type HttpHeader = readonly [name: string, value: string];

export interface HttpHead {
  type: 'head';
  kind: 'request' | 'response';
  startLine: string;
  /** Request: method and target; response: status and reason. */
  method?: string;
  target?: string;
  status?: number;
  reason?: string;
  version: string;
  headers: HttpHeader[];
  /** Bytes of the head on the wire, blank line included. */
  size: number;
}

export type HttpRecord =
  | HttpHead
  /** A chunk's size line of the chunked coding (`size` bytes of data follow); `size` 0 is the last chunk. */
  | { type: 'chunk'; size: number; wire: number; extension?: string }
  /** Body bytes as the application sees them (chunk framing removed). `wire`: bytes these took on the wire. */
  | { type: 'body'; data: Uint8Array; wire: number }
  /** The message is complete (`wire`: trailer bytes and final CRLF, for a chunked body). */
  | { type: 'end'; wire: number }
  /** The connection switched protocols (101, or an upgrade request being answered by one): `rest` follows. */
  | { type: 'upgrade'; rest: Uint8Array }
  /** What could not be read as HTTP; the decoder stops reading this direction as HTTP after it. */
  | { type: 'error'; message: Localized; wire: number };

/** Past this a head is reported as malformed rather than buffered on (Node's default limit is 16 KiB). */
export const HEAD_LIMIT = 64 * 1024;

export function headerValue(head: HttpHead, name: string): string | undefined {
  const lower = name.toLowerCase();
  return head.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

type Framing =
  | { mode: 'none' }
  | { mode: 'length'; left: number }
  | { mode: 'until-close' }
  | { mode: 'chunk-size' }
  | { mode: 'chunk-data'; left: number }
  | { mode: 'chunk-crlf' }
  | { mode: 'trailers' };

export class HttpMessageDecoder {
  #pending: Uint8Array = new Uint8Array(0);
  #state: 'head' | 'body' | 'upgraded' | 'broken' = 'head';
  #framing: Framing = { mode: 'none' };
  /** Methods of requests this response decoder answers, oldest first (a HEAD's response has no body). */
  #methods: string[] = [];
  /** A request asked to switch protocols: hold what follows until the response says whether it did. */
  #awaitingUpgrade = false;

  constructor(readonly kind: 'request' | 'response') {}

  /** Tell a response decoder the method of a request it will answer. */
  expectResponseTo(method: string): void {
    this.#methods.push(method.toUpperCase());
  }

  /** A request asked to switch protocols and its answer has not been read yet. */
  get awaitingUpgrade(): boolean {
    return this.#awaitingUpgrade;
  }

  get upgraded(): boolean {
    return this.#state === 'upgraded';
  }

  feed(chunk: Uint8Array): HttpRecord[] {
    const out: HttpRecord[] = [];
    if (this.#state === 'upgraded' || this.#state === 'broken') {
      if (this.#state === 'upgraded') out.push({ type: 'upgrade', rest: chunk });
      return out;
    }
    let data = concat(this.#pending, chunk);
    this.#pending = new Uint8Array(0);
    while (data.length) {
      if (this.#awaitingUpgrade) {
        this.#pending = concat(this.#pending, data);
        break;
      }
      if (this.#state === 'head') {
        const end = findHeadEnd(data);
        if (end < 0) {
          if (data.length > HEAD_LIMIT) {
            out.push(this.#break({ en: `no end of the message head within ${HEAD_LIMIT} bytes`, zh: `${HEAD_LIMIT} 字节内没有找到报文头的结尾` }, data.length));
          } else {
            this.#pending = data;
          }
          break;
        }
        const head = parseHead(latin1(data.subarray(0, end.valueOf())), this.kind);
        if ('message' in head) {
          out.push(this.#break(head.message, data.length));
          break;
        }
        out.push(head);
        data = data.subarray(head.size);
        const next = this.#afterHead(head);
        if (next === 'upgrade') {
          this.#state = 'upgraded';
          out.push({ type: 'upgrade', rest: data });
          return out;
        }
        if (next === 'await-upgrade') this.#awaitingUpgrade = true;
        if (this.#framing.mode === 'none') out.push({ type: 'end', wire: 0 });
        else this.#state = 'body';
        continue;
      }
      const used = this.#body(data, out);
      if (used < 0) break;
      data = data.subarray(used);
    }
    return out;
  }

  /**
   * The response to an upgrade request has come: if it switched protocols, what the client sent after its request
   * belongs to the new protocol. Returns those bytes (undefined when it did not switch).
   */
  resolveUpgrade(switched: boolean): Uint8Array | undefined {
    if (!this.#awaitingUpgrade) return switched ? new Uint8Array(0) : undefined;
    this.#awaitingUpgrade = false;
    const held = this.#pending;
    this.#pending = new Uint8Array(0);
    if (switched) {
      this.#state = 'upgraded';
      return held;
    }
    // Refused: what was held is the next request.
    if (held.length) this.#pending = held;
    return undefined;
  }

  /** Bytes held because they do not make a whole record yet (a view can say "… B incomplete"). */
  get buffered(): number {
    return this.#pending.length;
  }

  /** The connection closed: a body read until close ends here; anything else left is incomplete. */
  close(): HttpRecord[] {
    if (this.#state === 'body' && this.#framing.mode === 'until-close') {
      this.#state = 'head';
      return [{ type: 'end', wire: 0 }];
    }
    if (this.#state === 'body' || this.#pending.length) {
      const wire = this.#pending.length;
      this.#pending = new Uint8Array(0);
      return [{ type: 'error', message: { en: 'the connection closed before the message was complete', zh: '报文还没收完，连接就关闭了' }, wire }];
    }
    return [];
  }

  #break(message: Localized, wire: number): HttpRecord {
    this.#state = 'broken';
    return { type: 'error', message, wire };
  }

  #afterHead(head: HttpHead): 'upgrade' | 'await-upgrade' | undefined {
    const te = headerValue(head, 'transfer-encoding');
    const cl = headerValue(head, 'content-length');
    const chunked = te !== undefined && /(^|,)\s*chunked\s*$/i.test(te);
    if (head.kind === 'response') {
      const method = this.#methods.shift();
      const status = head.status ?? 0;
      if (status === 101) return 'upgrade';
      if (method === 'CONNECT' && status >= 200 && status < 300) return 'upgrade';
      if (method === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) {
        this.#framing = { mode: 'none' };
        return undefined;
      }
    }
    if (chunked) this.#framing = { mode: 'chunk-size' };
    else if (cl !== undefined && /^\d+$/.test(cl.trim())) this.#framing = Number(cl) ? { mode: 'length', left: Number(cl) } : { mode: 'none' };
    else this.#framing = head.kind === 'response' ? { mode: 'until-close' } : { mode: 'none' };
    if (head.kind === 'request' && headerValue(head, 'upgrade') !== undefined) return 'await-upgrade';
    return undefined;
  }

  /** Reads body bytes from the start of `data`; returns how many were used, or -1 to wait for more. */
  #body(data: Uint8Array, out: HttpRecord[]): number {
    const f = this.#framing;
    switch (f.mode) {
      case 'until-close':
        out.push({ type: 'body', data, wire: data.length });
        return data.length;
      case 'length':
      case 'chunk-data': {
        const n = Math.min(f.left, data.length);
        out.push({ type: 'body', data: data.subarray(0, n), wire: n });
        f.left -= n;
        if (f.left === 0) {
          if (f.mode === 'length') this.#finish(out, 0);
          else this.#framing = { mode: 'chunk-crlf' };
        }
        return n;
      }
      case 'chunk-crlf': {
        if (data.length < 2) return this.#wait(data);
        if (data[0] !== 13 || data[1] !== 10) {
          out.push(this.#break({ en: 'chunk data not followed by CRLF', zh: '分块数据后面不是 CRLF' }, data.length));
          return data.length;
        }
        this.#framing = { mode: 'chunk-size' };
        return 2;
      }
      case 'chunk-size': {
        const eol = indexOfCrlf(data, 0);
        if (eol < 0) {
          if (data.length > 1024) out.push(this.#break({ en: 'a chunk size line longer than 1 KiB', zh: '分块大小这一行超过了 1 KiB' }, data.length));
          else return this.#wait(data);
          return data.length;
        }
        const line = latin1(data.subarray(0, eol));
        const m = /^([0-9a-fA-F]{1,15})[ \t]*(;.*)?$/.exec(line);
        if (!m) {
          out.push(this.#break(quoting({ en: 'not a chunk size: ', zh: '不是分块大小：' }, line.slice(0, 40)), data.length));
          return data.length;
        }
        const size = parseInt(m[1]!, 16);
        out.push({ type: 'chunk', size, wire: eol + 2, ...(m[2] ? { extension: m[2] } : {}) });
        this.#framing = size === 0 ? { mode: 'trailers' } : { mode: 'chunk-data', left: size };
        return eol + 2;
      }
      case 'trailers': {
        const end = findHeadEnd(concat(new Uint8Array([13, 10]), data));
        // Trailers are "CRLF" alone (none) or header lines ending in an empty line.
        if (end < 0) return this.#wait(data);
        const used = end.valueOf() + 4 - 2;
        this.#finish(out, used);
        return used;
      }
      case 'none':
        this.#finish(out, 0);
        return 0;
    }
  }

  #wait(data: Uint8Array): number {
    this.#pending = data.slice();
    return -1;
  }

  #finish(out: HttpRecord[], wire: number): void {
    out.push({ type: 'end', wire });
    this.#state = 'head';
    this.#framing = { mode: 'none' };
  }
}

function indexOfCrlf(data: Uint8Array, from: number): number {
  for (let i = from; i + 1 < data.length; i++) if (data[i] === 13 && data[i + 1] === 10) return i;
  return -1;
}

/** Offset of the CRLFCRLF ending a head (a Number whose value is the offset of the first CR), or -1. */
function findHeadEnd(data: Uint8Array): number {
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] === 13 && data[i + 1] === 10 && data[i + 2] === 13 && data[i + 3] === 10) return i;
  }
  return -1;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function parseHead(text: string, kind: 'request' | 'response'): HttpHead | { message: Localized } {
  const lines = text.split('\r\n');
  const startLine = lines[0]!;
  const size = text.length + 4;
  const head: HttpHead = { type: 'head', kind, startLine, version: '', headers: [], size };
  if (kind === 'request') {
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) (HTTP\/\d\.\d)$/.exec(startLine);
    if (!m) return { message: quoting({ en: 'not an HTTP request line: ', zh: '不是 HTTP 请求行：' }, startLine.slice(0, 80)) };
    head.method = m[1]!;
    head.target = m[2]!;
    head.version = m[3]!;
  } else {
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(startLine);
    if (!m) return { message: quoting({ en: 'not an HTTP status line: ', zh: '不是 HTTP 状态行：' }, startLine.slice(0, 80)) };
    head.version = m[1]!;
    head.status = Number(m[2]);
    head.reason = m[3] ?? '';
  }
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) return { message: quoting({ en: 'not a header line: ', zh: '不是头部行：' }, line.slice(0, 80)) };
    head.headers.push([name, line.slice(colon + 1).trim()]);
  }
  return head;
}
