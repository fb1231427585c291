import { assert } from 'chai';
import { http } from 'msw';
import { setupWorker } from 'msw/browser';
import { record } from './tap-recorder.js';

/**
 * The wtr dev server cannot stream, so a service worker (MSW, as the browser runtime uses) answers two endpoints
 * with streams the test controls: an event stream for a real EventSource, and a chunked body for fetch.
 */
const encoder = new TextEncoder();
let push: ((text: string) => void) | undefined;
let end: (() => void) | undefined;
const worker = setupWorker(
  http.get('/__test/sse', () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('retry: 60000\nid: 1\ndata: first\n\nevent: tick\ndata: 2\n\n: a comment\n\n'));
      },
    });
    return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
  }),
  http.get('/__test/chunks', () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(encoder.encode(text));
        end = () => controller.close();
      },
    });
    return new Response(body, { headers: { 'Content-Type': 'text/plain' } });
  }),
);

suite('client taps: real EventSource and streamed fetch', () => {
  suiteSetup(async () => {
    await worker.start({ quiet: true, onUnhandledRequest: 'bypass', serviceWorker: { url: '/mockServiceWorker.js' } });
  });
  suiteTeardown(async () => {
    worker.stop();
    for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
  });

  test('an EventSource: open, messages with id and named events, close()', async () => {
    const rec = record(window);
    try {
      const source = new EventSource('/__test/sse');
      assert.instanceOf(source, EventSource);
      const ticks: string[] = [];
      source.addEventListener('tick', (e) => ticks.push((e as MessageEvent).data as string));
      await rec.until((e) => e.details.eventType === 'tick');
      source.close();
      assert.deepEqual(ticks, ['2']);
      assert.deepEqual(rec.kinds(), ['open', 'message', 'message', 'close']);
      const first = rec.events[1]!;
      assert.equal(first.body, 'first');
      assert.equal(first.details.eventId, '1');
      assert.equal(rec.events[2]!.details.eventId, '1', 'lastEventId carries over to the next event');
      assert.match(rec.events[0]!.details.url ?? '', /\/__test\/sse$/);
    } finally {
      rec.uninstall();
    }
  });

  test('a streamed fetch body: one message per chunk, as the page reads it', async () => {
    const rec = record(window);
    try {
      const res = await fetch('/__test/chunks');
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      push!('one');
      assert.equal((await reader.read()).value, 'one');
      await rec.until((e) => e.kind === 'message');
      assert.deepEqual(rec.kinds(), ['request', 'response', 'message'], 'the first chunk is seen before the stream ends');
      push!('two');
      assert.equal((await reader.read()).value, 'two');
      end!();
      assert.isTrue((await reader.read()).done);
      const messages = rec.events.filter((e) => e.kind === 'message');
      assert.deepEqual(
        messages.map((m) => [m.body, m.bytes]),
        [
          ['one', 3],
          ['two', 3],
        ],
      );
    } finally {
      rec.uninstall();
    }
  });
});
