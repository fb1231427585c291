/**
 * A Response around a body stream of ours that the page's code cannot tell from the one it replaces: the network's
 * pacing (page-reads.ts) and the fetch tap (src/frame/taps/fetch.ts) both hand the page such a copy.
 */
type Win = Window & typeof globalThis;

export function rebuiltResponse(win: Win, body: ReadableStream<Uint8Array> | null, original: Response, headers: HeadersInit = original.headers): Response {
  const rebuilt = new win.Response(body, { status: original.status, statusText: original.statusText, headers });
  // A constructed Response has no url and type 'default'; the page's code should see the real ones.
  for (const key of ['url', 'redirected', 'type'] as const) {
    Object.defineProperty(rebuilt, key, { value: original[key], enumerable: true });
  }
  // Chromium runs a body's JSON parse inside the JavaScript stream's close(), and names close() in the error it
  // throws: "SyntaxError: Failed to execute 'close' on 'ReadableStreamDefaultController': Unexpected …" for any body
  // that is a JavaScript ReadableStream (measured: deferring close() does not help). Parsing the text here gives the
  // page the message a native response gives.
  Object.defineProperty(rebuilt, 'json', {
    value: async function json(this: Response) {
      return JSON.parse(await this.text()) as unknown;
    },
    enumerable: false,
  });
  return rebuilt;
}
