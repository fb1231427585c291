import { BODY_LIMIT, hexOf } from '../../shared/traffic.js';
import { utf8Length } from './sizes.js';

/** A payload as the inspector shows it: text as text, anything binary as hex. */
export interface Payload {
  bytes: number;
  body: string;
  binary: boolean;
  /** Set when the body is a placeholder rather than the bytes (a FormData, a stream). */
  preview?: string;
}

export function textPayload(text: string): Payload {
  return { bytes: utf8Length(text), body: text.slice(0, BODY_LIMIT), binary: false };
}

export function bytesPayload(bytes: Uint8Array): Payload {
  return { bytes: bytes.length, body: hexOf(bytes), binary: true };
}

function isArrayBufferLike(value: unknown): value is ArrayBuffer {
  // instanceof fails across frames (the learner's ArrayBuffer is the run frame's), so ask the tag.
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

function isBlob(value: unknown): value is Blob {
  const tag = Object.prototype.toString.call(value);
  return tag === '[object Blob]' || tag === '[object File]';
}

/**
 * What page code can send: a string, an ArrayBuffer, a typed array or DataView, a Blob, URLSearchParams, FormData,
 * a ReadableStream. Blobs are read asynchronously (their size is known at once); the rest synchronously.
 */
export function describePayload(data: unknown): Payload | Promise<Payload> {
  if (typeof data === 'string') return textPayload(data);
  if (data === null || data === undefined) return { bytes: 0, body: '', binary: false };
  if (isArrayBufferLike(data)) return bytesPayload(new Uint8Array(data));
  if (ArrayBuffer.isView(data)) return bytesPayload(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (isBlob(data)) {
    const blob = data;
    return blob
      .slice(0, BODY_LIMIT / 3)
      .arrayBuffer()
      .then((buffer) => ({ ...bytesPayload(new Uint8Array(buffer)), bytes: blob.size }))
      .then((p) => (blob.size > BODY_LIMIT / 3 ? { ...p, body: p.body + ' …' } : p));
  }
  const tag = Object.prototype.toString.call(data);
  if (tag === '[object URLSearchParams]') return textPayload(String(data));
  if (tag === '[object FormData]') return { bytes: 0, body: '', binary: false, preview: '[FormData]' };
  if (tag === '[object ReadableStream]') return { bytes: 0, body: '', binary: false, preview: '[ReadableStream]' };
  return textPayload(String(data));
}

const TEXTUAL = /^text\/|[+/](json|xml|javascript|x-www-form-urlencoded)\b|[/-]ndjson\b|event-stream/i;

/** Whether a body with this Content-Type is meant to be read as text (no type: guess from the bytes). */
export function isTextual(contentType: string | null | undefined, sample: Uint8Array): boolean {
  if (contentType) return TEXTUAL.test(contentType);
  try {
    // stream: a multi-byte character cut at the sample's end is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, 1024), { stream: true });
    return true;
  } catch {
    return false;
  }
}

export function headersToRecord(headers: Headers | Iterable<[string, string]> | Record<string, string> | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (typeof (headers as Headers).forEach === 'function' && !Array.isArray(headers)) {
    (headers as Headers).forEach((v, k) => {
      out[k] = v;
    });
    return out;
  }
  if (Symbol.iterator in Object(headers)) {
    for (const [k, v] of headers as Iterable<[string, string]>) out[k.toLowerCase()] = String(v);
    return out;
  }
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  return out;
}

/** getAllResponseHeaders() text → a record (XHR). */
export function parseHeaderBlock(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.trim().split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}
