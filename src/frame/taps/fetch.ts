import { BODY_LIMIT, hexOf } from '../../shared/traffic.js';
import type { Connection, TapContext } from './context.js';
import { describePayload, headersToRecord, isTextual, type Payload } from './payload.js';
import { httpRequestBytes, httpResponseHeadBytes } from './sizes.js';
import { rebuiltResponse } from '../../mocks/network/rebuilt-response.js';

type Win = Window & typeof globalThis;

/** Statuses whose responses may not carry a body (Fetch standard, "null body status"): passed through untouched. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function isAbort(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

function errorNote(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as { name?: string; message?: string };
    return `${e.name ?? 'Error'}: ${e.message ?? ''}`;
  }
  return String(error);
}

/**
 * Wraps window.fetch. The request is reported as it is made; the response when its headers arrive; its body chunk by
 * chunk as the page reads it. The body is passed through a stream of ours rather than read from a clone: a tee'd
 * clone would keep the download going after the learner cancels their reader (the server would never see the client
 * leave), and would buffer an endless stream the learner never reads.
 */
export function tapFetch(win: Win, tap: TapContext): () => void {
  const original = win.fetch;
  if (typeof original !== 'function') return () => {};

  const tapped = function fetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const conn = tap.connection('http');
    let method = 'GET';
    let url = '';
    let headers: Record<string, string> = {};
    let payload: Payload | Promise<Payload> | undefined;
    let signal: AbortSignal | null | undefined;
    const isRequest = Object.prototype.toString.call(input) === '[object Request]';
    if (isRequest) {
      const request = input as Request;
      method = request.method;
      url = request.url;
      headers = headersToRecord(request.headers);
      signal = request.signal;
      if (request.body && init?.body === undefined) {
        // A Request's body can only be read once: read a clone, the learner's request goes out untouched.
        payload = request
          .clone()
          .arrayBuffer()
          .then((b) => describeBody(new Uint8Array(b), headers['content-type']));
      }
    } else {
      url = String(input);
    }
    if (init) {
      if (init.method) method = init.method.toUpperCase();
      if (init.headers) headers = { ...headers, ...headersToRecord(init.headers as Headers) };
      if (init.body !== undefined && init.body !== null) payload = describePayload(init.body);
      if (init.signal !== undefined) signal = init.signal;
    }
    try {
      url = new URL(url, win.location.href).href;
    } catch {
      // fetch will reject it with its own TypeError, reported below.
    }

    const requestEvent = (p: Payload | undefined) => ({
      direction: 'c2s' as const,
      kind: 'request' as const,
      bytes: httpRequestBytes(method, url, headers, p?.bytes ?? 0),
      preview: `${method} ${url}` + (p && (p.preview || p.body) ? ` ${p.preview ?? p.body}` : ''),
      ...(p && p.body ? { body: p.body } : {}),
      details: { method, url, headers, ...(p?.binary ? { binary: true } : {}) },
    });
    conn.emit(payload instanceof Promise ? payload.then(requestEvent) : requestEvent(payload));

    let finished = false;
    let closed = false;
    const reportClose = (note: string) => {
      if (finished || closed) return;
      closed = true;
      conn.emit({ direction: 'c2s', kind: 'close', details: { url, note } });
    };
    const onAbort = () => reportClose(tap.text('aborted', '已中止'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      finished = true;
      signal?.removeEventListener('abort', onAbort);
    };

    let promise: Promise<Response>;
    try {
      promise = original.call(win, input, init);
    } catch (error) {
      done();
      throw error;
    }
    return promise.then(
      (response) => {
        const resHeaders = headersToRecord(response.headers);
        conn.emit({
          direction: 's2c',
          kind: 'response',
          bytes: httpResponseHeadBytes(response.status, response.statusText, resHeaders),
          preview: `${response.status} ${response.statusText}`.trim(),
          details: { method, url, status: response.status, statusText: response.statusText, headers: resHeaders },
        });
        if (!response.body || NULL_BODY.has(response.status) || response.type === 'opaque' || response.type === 'opaqueredirect') {
          done();
          return response;
        }
        return watchBody(win, response, conn, resHeaders, done, reportClose, tap);
      },
      (error: unknown) => {
        if (isAbort(error)) {
          reportClose(tap.text('aborted', '已中止'));
        } else {
          conn.emit({ direction: 'none', kind: 'error', preview: errorNote(error), details: { url, note: errorNote(error) } });
        }
        done();
        throw error;
      },
    );
  };

  win.fetch = tapped as typeof fetch;
  return () => {
    if (win.fetch === tapped) win.fetch = original;
  };
}

function describeBody(bytes: Uint8Array, contentType: string | undefined): Payload {
  if (isTextual(contentType, bytes)) {
    const text = new TextDecoder().decode(bytes);
    return { bytes: bytes.length, body: text.slice(0, BODY_LIMIT), binary: false };
  }
  return { bytes: bytes.length, body: hexOf(bytes), binary: true };
}

/**
 * Returns a Response that reads the same bytes through a stream which reports them. With a Content-Length
 * (a whole body) the chunks are gathered into one 'message' so JSON can be pretty-printed; without one (a stream:
 * SSE over fetch, chunked long polling) each chunk is its own 'message' as it arrives.
 */
function watchBody(
  win: Win,
  response: Response,
  conn: Connection,
  headers: Record<string, string>,
  done: () => void,
  reportClose: (note: string) => void,
  tap: TapContext,
): Response {
  const whole = headers['content-length'] !== undefined;
  const contentType = headers['content-type'];
  let textual: boolean | undefined;
  const decoder = new TextDecoder();
  const gathered: Uint8Array[] = [];
  let gatheredBytes = 0;
  const report = (bytes: Uint8Array, total: number) => {
    textual ??= isTextual(contentType, bytes);
    if (textual) {
      const text = decoder.decode(bytes, { stream: !whole });
      conn.emit({ direction: 's2c', kind: 'message', bytes: total, body: text, details: {} });
    } else {
      conn.emit({ direction: 's2c', kind: 'message', bytes: total, body: hexOf(bytes), details: { binary: true } });
    }
  };
  const finish = () => {
    if (whole) {
      const joined = new Uint8Array(gathered.reduce((n, c) => n + c.byteLength, 0));
      let at = 0;
      for (const c of gathered) {
        joined.set(c, at);
        at += c.byteLength;
      }
      report(joined, gatheredBytes);
    }
    done();
  };
  // A pull-driven stream over the original's reader rather than pipeThrough(TransformStream): the learner's pace
  // drives the download (backpressure as before), and a cancel reaches both us and the network.
  const reader = response.body!.getReader();
  const body = new win.ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done: ended, value } = await reader.read();
        if (ended) {
          finish();
          controller.close();
          return;
        }
        if (whole) {
          if (gatheredBytes < BODY_LIMIT) gathered.push(value);
          gatheredBytes += value.byteLength;
        } else {
          report(value, value.byteLength);
        }
        controller.enqueue(value);
      },
      cancel(reason) {
        reportClose(tap.text('body cancelled by the page', '页面取消了响应体的读取'));
        done();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return rebuiltResponse(win, body, response);
}
