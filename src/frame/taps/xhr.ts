import { BODY_LIMIT, hexOf } from '../../shared/traffic.js';
import type { TapContext } from './context.js';
import { describePayload, parseHeaderBlock, type Payload } from './payload.js';
import { httpRequestBytes, httpResponseHeadBytes, utf8Length } from './sizes.js';
import { instrumentConstructor } from './wrap.js';

type Win = Window & typeof globalThis;

/** The response body as the learner asked for it (responseType), as text or hex. */
function responsePayload(xhr: XMLHttpRequest): Payload | Promise<Payload> {
  switch (xhr.responseType) {
    case '':
    case 'text':
      return { bytes: utf8Length(xhr.responseText), body: xhr.responseText.slice(0, BODY_LIMIT), binary: false };
    case 'json': {
      // The parsed value is all that is left; its JSON text is the closest we get to the bytes.
      const text = xhr.response === null ? '' : JSON.stringify(xhr.response);
      return { bytes: utf8Length(text), body: text.slice(0, BODY_LIMIT), binary: false };
    }
    case 'arraybuffer': {
      const bytes = xhr.response ? new Uint8Array(xhr.response as ArrayBuffer) : new Uint8Array();
      return { bytes: bytes.length, body: hexOf(bytes), binary: true };
    }
    case 'blob':
      return describePayload(xhr.response);
    default:
      // 'document': the markup was parsed away; report its size as text.
      return { bytes: 0, body: '', binary: false, preview: `[${xhr.responseType}]` };
  }
}

/** Wraps XMLHttpRequest: open/setRequestHeader/send are recorded per instance, the outcome from its own events. */
export function tapXhr(win: Win, tap: TapContext): () => void {
  return instrumentConstructor(win, 'XMLHttpRequest', (xhr: XMLHttpRequest) => {
    const conn = tap.connection('http');
    let method = 'GET';
    let url = '';
    let headers: Record<string, string> = {};
    const open = xhr.open;
    const setRequestHeader = xhr.setRequestHeader;
    const send = xhr.send;
    Object.defineProperties(xhr, {
      open: {
        configurable: true,
        writable: true,
        value: function (this: XMLHttpRequest, m: string, u: string | URL, ...rest: unknown[]) {
          (open as (...a: unknown[]) => void).call(this, m, u, ...rest);
          method = m.toUpperCase();
          url = new URL(String(u), win.location.href).href;
          headers = {};
        },
      },
      setRequestHeader: {
        configurable: true,
        writable: true,
        value: function (this: XMLHttpRequest, name: string, value: string) {
          setRequestHeader.call(this, name, value);
          const key = name.toLowerCase();
          // Repeated headers are combined, as the XHR standard says.
          headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
        },
      },
      send: {
        configurable: true,
        writable: true,
        value: function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
          // Reported before sending: a synchronous XHR fires its load events inside send().
          if (this.readyState !== this.OPENED) return send.call(this, body);
          // GET and HEAD send no body whatever was passed (XHR standard, send() step 4).
          const p = method === 'GET' || method === 'HEAD' || body == null ? undefined : describePayload(body);
          const event = (payload: Payload | undefined) => ({
            direction: 'c2s' as const,
            kind: 'request' as const,
            bytes: httpRequestBytes(method, url, headers, payload?.bytes ?? 0),
            preview: `${method} ${url}` + (payload && (payload.preview || payload.body) ? ` ${payload.preview ?? payload.body}` : ''),
            ...(payload?.body ? { body: payload.body } : {}),
            details: { method, url, headers: { ...headers }, ...(payload?.binary ? { binary: true } : {}) },
          });
          conn.emit(p instanceof Promise ? p.then(event) : event(p));
          send.call(this, body);
        },
      },
    });
    xhr.addEventListener('readystatechange', () => {
      if (xhr.readyState !== xhr.HEADERS_RECEIVED) return;
      const resHeaders = parseHeaderBlock(xhr.getAllResponseHeaders());
      conn.emit({
        direction: 's2c',
        kind: 'response',
        bytes: httpResponseHeadBytes(xhr.status, xhr.statusText, resHeaders),
        preview: `${xhr.status} ${xhr.statusText}`.trim(),
        details: { method, url, status: xhr.status, statusText: xhr.statusText, headers: resHeaders },
      });
    });
    xhr.addEventListener('load', () => {
      const p = responsePayload(xhr);
      const event = (payload: Payload) => ({
        direction: 's2c' as const,
        kind: 'message' as const,
        bytes: payload.bytes,
        body: payload.body,
        ...(payload.preview ? { preview: payload.preview } : {}),
        details: payload.binary ? { binary: true } : {},
      });
      conn.emit(p instanceof Promise ? p.then(event) : event(p));
    });
    xhr.addEventListener('error', () => {
      const note = tap.text('network error', '网络错误');
      conn.emit({ direction: 'none', kind: 'error', preview: note, details: { url, note } });
    });
    xhr.addEventListener('timeout', () => {
      const note = tap.text(`timed out after ${xhr.timeout} ms`, `${xhr.timeout} 毫秒后超时`);
      conn.emit({ direction: 'none', kind: 'error', preview: note, details: { url, note } });
    });
    xhr.addEventListener('abort', () => {
      conn.emit({ direction: 'c2s', kind: 'close', details: { url, note: tap.text('aborted', '已中止') } });
    });
  });
}
