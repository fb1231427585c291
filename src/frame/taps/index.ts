import { TapContext, type TapOptions } from './context.js';
import { tapEventSource } from './event-source.js';
import { tapFetch } from './fetch.js';
import { tapWebSocket } from './websocket.js';
import { tapXhr } from './xhr.js';

export type { TapOptions } from './context.js';

/**
 * Wraps the frame's fetch, XMLHttpRequest, EventSource and WebSocket so every request, event and frame the learner's
 * client makes becomes a traffic event (observer 'client'). Installed after the runtime has put its WebSocket in
 * place, so in both modes it taps whatever the client will really use. The returned function restores the originals
 * and silences connections opened before it.
 *
 * Known limits (page code can see no more): bytes are HTTP/1.1 estimates of what the page knows (sizes.ts); an SSE
 * named event is seen only if the page listens for it (event-source.ts); a fetch body is seen as the page reads it.
 */
export function installClientTaps(win: Window & typeof globalThis, options: TapOptions): () => void {
  const tap = new TapContext(options);
  const uninstalls = [tapFetch(win, tap), tapXhr(win, tap), tapEventSource(win, tap), tapWebSocket(win, tap)];
  return () => {
    tap.active = false;
    for (const uninstall of uninstalls.reverse()) uninstall();
  };
}
