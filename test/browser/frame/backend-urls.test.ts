import { assert } from 'chai';
import { ioWithBackend, redirectRelativeUrls } from '../../../src/frame/backend-urls.js';

/** A stand-in window whose constructors record the URL they were given, on this page's origin. */
function fakeWindow() {
  const seen: string[] = [];
  class Recorder {
    constructor(url: string | URL) {
      seen.push(String(url));
    }
  }
  const xhrOpen: string[] = [];
  class FakeXhr {
    open(_method: string, url: string | URL) {
      xhrOpen.push(String(url));
    }
  }
  const win = {
    location: window.location,
    Request: window.Request,
    fetch: async (input: RequestInfo | URL) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return new Response('');
    },
    EventSource: Recorder,
    WebSocket: Recorder,
    XMLHttpRequest: FakeXhr,
  };
  return { win, seen, xhrOpen };
}

suite('real mode against a backend on another origin', () => {
  const backend = 'http://127.0.0.1:7780/';

  test('relative and same-origin URLs go to the backend; other hosts stay as written', async () => {
    const { win, seen, xhrOpen } = fakeWindow();
    redirectRelativeUrls(win as never, backend);
    await win.fetch('/news?since=3');
    await win.fetch(new Request(`${location.origin}/post`, { method: 'POST', body: 'x' }));
    new win.EventSource('/test');
    new win.WebSocket('ws://localhost:8181/');
    new win.WebSocket(`ws://${location.host}/live`);
    new win.XMLHttpRequest().open('GET', 'poll');
    assert.deepEqual(seen, [
      'http://127.0.0.1:7780/news?since=3',
      'http://127.0.0.1:7780/post',
      'http://127.0.0.1:7780/test',
      'ws://localhost:8181/',
      'ws://127.0.0.1:7780/live',
    ]);
    assert.match(xhrOpen[0]!, /^http:\/\/127\.0\.0\.1:7780\/.*poll$/);
  });

  test('io() with no URL connects to the backend; io(url) is left alone', () => {
    const calls: unknown[][] = [];
    const io = (...args: unknown[]) => calls.push(args);
    const wrapped = ioWithBackend(io, backend);
    wrapped();
    wrapped({ auth: { token: 1 } });
    wrapped('http://elsewhere:3000');
    assert.deepEqual(calls, [[backend], [backend, { auth: { token: 1 } }], ['http://elsewhere:3000']]);
  });
});
