import { assert } from 'chai';
import { listen, startRun, until, type Res } from '../browser/http/fake-context.js';

const minutes = (window as unknown as { PUSHLAB_LONG_MINUTES?: number }).PUSHLAB_LONG_MINUTES ?? 10;
const durationMs = minutes * 60_000;
// Longer than a service worker's 30 s idle timeout: only msw's keepalive messages keep the worker (and so the
// stream it pipes) alive between two events.
const gapMs = Math.min(45_000, durationMs / 4);
// A request with no response head is given up by Chromium's service worker after 5 minutes (HELD_REQUEST_LIMIT_MS):
// the poll is answered before that; the runtime warns past it (measured: a 10 min hold failed with Failed to fetch).
const holdMs = Math.min(durationMs / 2, 4.5 * 60_000);

suite(`long: streams stay open for the whole run (${minutes} min)`, () => {
  test('an SSE stream with 45 s between events delivers for the whole run, a long poll held 4.5 min is answered', async () => {
    const run = await startRun();
    const written: number[] = [];
    const held: Res[] = [];
    await listen(
      run.http.createServer((req, res) => {
        if (req.url === '/poll') {
          held.push(res);
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        res.flushHeaders();
        let n = 0;
        const timer = setInterval(() => {
          written.push(performance.now());
          res.write(`id: ${++n}\ndata: ${n}\n\n`);
        }, gapMs);
        req.on('close', () => clearInterval(timer));
      }),
      3000,
    );
    const source = new EventSource('/events');
    const received: Array<{ n: number; at: number }> = [];
    let errors = 0;
    source.onmessage = (event) => received.push({ n: Number(event.data), at: performance.now() });
    source.onerror = () => errors++;
    let pollAnswer: string | undefined;
    const poll = fetch('/poll').then(async (r) => (pollAnswer = await r.text()));

    const started = performance.now();
    await until(() => performance.now() - started >= holdMs, holdMs + 60_000, 'the poll to be held');
    held[0]!.end('answered after a long hold');
    await poll;
    await until(() => performance.now() - started >= durationMs, durationMs + 60_000, 'the run to last');
    source.close();
    await run.stop();

    const expected = Math.floor(durationMs / gapMs);
    assert.equal(errors, 0, 'the stream never broke (a stopped worker shows as an error and a reconnection)');
    assert.isAtLeast(received.length, expected - 1);
    assert.deepEqual(received.map((e) => e.n), received.map((_, i) => i + 1));
    for (const event of received) assert.isBelow(event.at - written[event.n - 1]!, 2000, `event ${event.n} arrived late`);
    assert.equal(pollAnswer, 'answered after a long hold');
    assert.deepEqual(run.logs, []);
  });
});
