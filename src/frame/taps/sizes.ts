/**
 * Bytes on the wire, estimated from what page code can see. The browser adds headers of its own (User-Agent, Accept,
 * cookies) that no page API reveals, and HTTP/2 compresses headers, so these are the HTTP/1.1 sizes of what the page
 * knows about: close enough to compare polling with push, not a packet capture.
 */

import { utf8Length } from '../../shared/wire/bytes.js';

export { utf8Length };

function headerBytes(headers: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(headers)) n += utf8Length(`${k}: ${v}\r\n`);
  return n;
}

/** Request line + Host + headers + blank line + body (RFC 9112 section 3). */
export function httpRequestBytes(method: string, url: string, headers: Record<string, string>, bodyBytes: number): number {
  let target = url;
  let host = '';
  try {
    const parsed = new URL(url);
    target = parsed.pathname + parsed.search;
    host = parsed.host;
  } catch {
    // A relative URL we could not resolve: count it as written.
  }
  return (
    utf8Length(`${method} ${target} HTTP/1.1\r\n`) +
    (host ? utf8Length(`Host: ${host}\r\n`) : 0) +
    headerBytes(headers) +
    2 +
    bodyBytes
  );
}

/** Status line + headers + blank line; the body is counted as it arrives. */
export function httpResponseHeadBytes(status: number, statusText: string, headers: Record<string, string>): number {
  return utf8Length(`HTTP/1.1 ${status} ${statusText}\r\n`) + headerBytes(headers) + 2;
}

/**
 * RFC 6455 section 5.2: 2 bytes, then a 16- or 64-bit extended length for payloads of 126+ or 65536+ bytes, then
 * a 4-byte masking key on every frame a client sends (section 5.3), never on a server's.
 */
export function wsFrameBytes(payloadBytes: number, fromClient: boolean): number {
  const extended = payloadBytes >= 65536 ? 8 : payloadBytes >= 126 ? 2 : 0;
  return 2 + extended + (fromClient ? 4 : 0) + payloadBytes;
}

/** A close frame's payload: a 2-byte code and the UTF-8 reason, or nothing when no code is given. */
export function wsCloseBytes(code: number | undefined, reason: string, fromClient: boolean): number {
  return wsFrameBytes(code === undefined ? 0 : 2 + utf8Length(reason), fromClient);
}

/**
 * The smallest stream that dispatches this event (WHATWG HTML, "Parsing an event stream"): one `data:` line per
 * line of data, `event:` and `id:` when present, and the blank line that ends it. Comments and `retry:` lines never
 * reach the page, so they are not counted here; the server-side tap sees them.
 */
export function sseEventBytes(data: string, eventType: string, eventId: string): number {
  let n = 0;
  if (eventType && eventType !== 'message') n += 8 + utf8Length(eventType); // "event: " and LF
  if (eventId) n += 5 + utf8Length(eventId); // "id: " and LF
  // A "data: " and an LF per line: the data's own LFs end all lines but the last.
  let lines = 1;
  for (let at = data.indexOf('\n'); at !== -1; at = data.indexOf('\n', at + 1)) lines++;
  return n + utf8Length(data) + 6 * lines + 1 + 1;
}
