import type { TapContext } from './context.js';
import { describePayload, type Payload } from './payload.js';
import { wsCloseBytes, wsFrameBytes } from './sizes.js';
import { instrumentConstructor } from './wrap.js';

type Win = Window & typeof globalThis;

/**
 * Wraps WebSocket (in browser mode the runtime's mock, in real mode the native one): every frame both ways, open,
 * close and error. Our listeners are added in the constructor, before any of the learner's, so the traffic event of
 * a frame is reported before the learner's handler runs and logs it.
 */
export function tapWebSocket(win: Win, tap: TapContext): () => void {
  return instrumentConstructor(win, 'WebSocket', (ws: WebSocket) => {
    const conn = tap.connection('ws');
    const url = ws.url;
    const send = ws.send;
    const close = ws.close;
    const frame = (direction: 'c2s' | 's2c', payload: Payload, note?: string) => ({
      direction,
      kind: 'frame' as const,
      bytes: note ? 0 : wsFrameBytes(payload.bytes, direction === 'c2s'),
      body: payload.body,
      ...(payload.preview ? { preview: payload.preview } : {}),
      details: { ...(payload.binary ? { binary: true } : {}), ...(note ? { note, notSent: true as const } : {}) },
    });

    ws.addEventListener('open', () => {
      conn.emit({
        direction: 'none',
        kind: 'open',
        preview: url,
        details: { url, startedAt: conn.startedAt, ...(ws.protocol ? { note: `protocol ${ws.protocol}` } : {}) },
      });
    });
    ws.addEventListener('message', (event) => {
      const p = describePayload((event as MessageEvent).data);
      conn.emit(p instanceof Promise ? p.then((x) => frame('s2c', x)) : frame('s2c', p));
    });
    ws.addEventListener('error', () => {
      // The event carries no detail by design (RFC 6455 section 10.7 leaves it to the close code that follows).
      const note = tap.text('error: a close event follows', 'error：随后会有 close 事件');
      conn.emit({ direction: 'none', kind: 'error', preview: note, details: { url, note, startedAt: conn.startedAt } });
    });
    ws.addEventListener('close', (event) => {
      const { code, reason, wasClean } = event as CloseEvent;
      conn.emit({
        direction: 'none',
        kind: 'close',
        preview: `${code}${reason ? ' ' + reason : ''}${wasClean ? '' : ' (not clean)'}`,
        details: { code, reason, wasClean },
      });
    });

    Object.defineProperties(ws, {
      send: {
        configurable: true,
        writable: true,
        value: function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
          const state = this.readyState;
          // Throws InvalidStateError while CONNECTING: nothing left the page, nothing to report.
          send.call(this, data);
          const p = describePayload(data);
          // After close() a send is silently discarded (WHATWG WebSockets, send() step 3); show it, with no bytes.
          const note =
            state === this.CLOSING || state === this.CLOSED
              ? tap.text('not sent: the socket is closing or closed', '未发送：连接正在关闭或已关闭')
              : undefined;
          conn.emit(p instanceof Promise ? p.then((x) => frame('c2s', x, note)) : frame('c2s', p, note));
        },
      },
      close: {
        configurable: true,
        writable: true,
        value: function (this: WebSocket, code?: number, reason?: string) {
          const state = this.readyState;
          // Throws InvalidAccessError/SyntaxError for a bad code or a reason over 123 bytes: the learner sees it.
          close.call(this, code, reason);
          if (state === this.CLOSING || state === this.CLOSED) return;
          const text = reason ?? '';
          const note = tap.text('close() called by the page', '页面调用了 close()');
          conn.emit({
            direction: 'c2s',
            kind: 'close',
            // Closing while CONNECTING fails the connection without a close frame (WHATWG WebSockets, close() step 4).
            bytes: state === this.CONNECTING ? 0 : wsCloseBytes(code, text, true),
            preview: code === undefined ? note : `${code}${text ? ' ' + text : ''}`,
            details: { ...(code === undefined ? {} : { code }), reason: text, note },
          });
        },
      },
    });
  });
}
