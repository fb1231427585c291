/**
 * How much of each streamed response the page's code has read, so the run's network can hold a server back as a
 * TCP window does (see deliver.ts).
 *
 * A response from the in-browser server reaches the page through the service worker, and Chromium reads that stream
 * into buffers of its own whatever the page does: measured (Chromium 156), a page that read one chunk and stopped let
 * about 31 MB through before the server's stream filled. Between real processes the kernel holds a few MB (3.9 MB
 * between two Node processes on loopback, measured); either way a server ignoring backpressure would almost never
 * see it at the scale of a lesson. So the frame's `fetch` is wrapped: a response that carries a delivery's id is
 * handed to the page through a stream of ours that reads only when the page reads, and tells the delivery how much
 * it took. EventSource and XMLHttpRequest are left alone: they read everything as it comes, as in a browser.
 */

import { rebuiltResponse } from './rebuilt-response.js';

/** Carries a delivery's id from deliver() to the page's fetch; removed before the page sees the response. */
export const DELIVERY_HEADER = 'x-pushlab-delivery';

export interface PageReadsTicket {
  /** Goes in the response's DELIVERY_HEADER. */
  id: string;
  close(): void;
}

interface Watcher {
  /** The page's fetch got the response: from now on, its reads pace the delivery. */
  claimed(): void;
  read(bytes: number): void;
}

type Win = Window & typeof globalThis;

export class PageReads {
  #next = 0;
  #open = new Map<string, Watcher>();
  #uninstalls: Array<() => void> = [];

  /** A response about to be handed to the service worker: the id to carry, and a way to forget it once it is over. */
  open(watcher: Watcher): PageReadsTicket {
    const id = String(++this.#next);
    this.#open.set(id, watcher);
    return { id, close: () => this.#open.delete(id) };
  }

  /**
   * Wraps `win.fetch` (before the traffic taps go on, so they see the page's response as it will), and hides the id
   * from XMLHttpRequest's header getters: whoever reads the response, the header is the runtime's, never the page's.
   */
  track(win: Win): void {
    const native = win.fetch;
    const open = this.#open;
    const wrapped = function fetch(this: unknown, input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
      return native.call(win, input, init).then((response) => {
        const id = response.headers.get(DELIVERY_HEADER);
        if (id === null) return response;
        // Found once: a delivery is one response. Gone already (a short response can finish before the page's fetch
        // resolves): nothing to pace, but the header still goes.
        const watcher = open.get(id);
        open.delete(id);
        const headers = new win.Headers(response.headers);
        headers.delete(DELIVERY_HEADER);
        if (!watcher || !response.body) return rebuiltResponse(win, response.body, response, headers);
        watcher.claimed();
        return pacedResponse(win, response, watcher, headers);
      });
    };
    win.fetch = wrapped as typeof fetch;
    const xhr = win.XMLHttpRequest.prototype;
    const { getAllResponseHeaders, getResponseHeader } = xhr;
    xhr.getAllResponseHeaders = function (this: XMLHttpRequest) {
      return getAllResponseHeaders
        .call(this)
        .split('\r\n')
        .filter((line) => !line.toLowerCase().startsWith(`${DELIVERY_HEADER}:`))
        .join('\r\n');
    };
    xhr.getResponseHeader = function (this: XMLHttpRequest, name: string) {
      return name.toLowerCase() === DELIVERY_HEADER ? null : getResponseHeader.call(this, name);
    };
    this.#uninstalls.push(() => {
      if (win.fetch === wrapped) win.fetch = native;
      xhr.getAllResponseHeaders = getAllResponseHeaders;
      xhr.getResponseHeader = getResponseHeader;
    });
  }

  uninstall(): void {
    for (const undo of this.#uninstalls.splice(0)) undo();
    this.#open.clear();
  }
}

function pacedResponse(win: Win, response: Response, watcher: Watcher, headers: Headers): Response {
  const reader = response.body!.getReader();
  // highWaterMark 0: nothing is read ahead of the page, so what the page has not read stays in the window.
  const body = new win.ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        watcher.read(value.byteLength);
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return rebuiltResponse(win, body, response, headers);
}
