import type { TapContext } from './context.js';
import { sseEventBytes } from './sizes.js';
import { instrumentConstructor } from './wrap.js';

type Win = Window & typeof globalThis;

/** Types every EventSource dispatches on its own; anything else is a named event (`event: x` in the stream). */
const BUILT_IN = new Set(['open', 'error', 'message']);

/**
 * Wraps EventSource. A browser dispatches a stream's events from inside, not through dispatchEvent, so the only way
 * to see them from page code is to listen. 'message', 'open' and 'error' are always listened for; a named event is
 * seen only once the learner listens for it (we add our listener just before theirs). A named event nobody listens
 * for is invisible to the page, this tap included: the server-side tap (observer 'server') still shows it, which is
 * exactly the lesson "event: x never reaches onmessage".
 */
export function tapEventSource(win: Win, tap: TapContext): () => void {
  return instrumentConstructor(win, 'EventSource', (source: EventSource) => {
    const conn = tap.connection('sse');
    const url = source.url;
    const watched = new Set<string>();

    const onMessage = (event: Event) => {
      const e = event as MessageEvent;
      const data = typeof e.data === 'string' ? e.data : String(e.data);
      const eventType = e.type;
      const eventId = e.lastEventId;
      conn.emit({
        direction: 's2c',
        kind: 'message',
        bytes: sseEventBytes(data, eventType, eventId),
        body: data,
        details: { eventType, ...(eventId ? { eventId } : {}) },
      });
    };
    const watch = (type: string) => {
      if (watched.has(type)) return;
      watched.add(type);
      addEventListener.call(source, type, onMessage);
    };
    const addEventListener = source.addEventListener;
    const close = source.close;

    addEventListener.call(source, 'open', () => {
      conn.emit({ direction: 'none', kind: 'open', preview: url, details: { url } });
    });
    watch('message');
    addEventListener.call(source, 'error', () => {
      // The error event carries no detail; readyState is the whole story (WHATWG HTML, "Server-sent events").
      const note =
        source.readyState === source.CONNECTING
          ? tap.text('readyState 0 CONNECTING: the browser will reconnect', 'readyState 0 CONNECTING：浏览器会重连')
          : tap.text('readyState 2 CLOSED: the browser gave up and will not reconnect', 'readyState 2 CLOSED：浏览器已放弃，不会再重连');
      const gaveUp = source.readyState === source.CLOSED;
      conn.emit({ direction: 'none', kind: 'error', preview: note, details: { url, note, ...(gaveUp ? { gaveUp: true as const } : {}) } });
    });

    Object.defineProperties(source, {
      addEventListener: {
        configurable: true,
        writable: true,
        value: function (this: EventSource, type: string, ...rest: unknown[]) {
          if (!BUILT_IN.has(type)) watch(type);
          return (addEventListener as (...a: unknown[]) => void).call(this, type, ...rest);
        },
      },
      close: {
        configurable: true,
        writable: true,
        value: function (this: EventSource) {
          const wasOpen = this.readyState !== this.CLOSED;
          close.call(this);
          if (wasOpen) {
            const note = tap.text('close() called by the page', '页面调用了 close()');
            conn.emit({ direction: 'c2s', kind: 'close', preview: note, details: { url, note } });
          }
        },
      },
    });
  });
}
