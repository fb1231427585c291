/**
 * A Response around a body stream of ours that the page's code cannot tell from the one it replaces: the network's
 * pacing (page-reads.ts) and the fetch tap (src/frame/taps/fetch.ts) both hand the page such a copy.
 */
type Win = Window & typeof globalThis;

export function rebuiltResponse(win: Win, body: ReadableStream<Uint8Array> | null, original: Response, headers: HeadersInit = original.headers): Response {
  return patched(new win.Response(body, { status: original.status, statusText: original.statusText, headers }), original);
}

function patched(rebuilt: Response, original: Response): Response {
  // A constructed Response has no url and type 'default'; the page's code should see the real ones.
  for (const key of ['url', 'redirected', 'type'] as const) {
    Object.defineProperty(rebuilt, key, { value: original[key], enumerable: true });
  }
  // Its clone is another constructed Response: patched the same way.
  // (the prototype's own clone, of the page's realm: the copy belongs where the response does).
  const nativeClone = (Object.getPrototypeOf(rebuilt) as Response).clone;
  Object.defineProperty(rebuilt, 'clone', {
    value: function clone(this: Response) {
      return patched(nativeClone.call(this), original);
    },
    enumerable: false,
  });
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
