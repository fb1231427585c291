import { assert } from 'chai';
import { FakeEventSource, standInWindow } from './fake-sockets.js';
import { record } from './tap-recorder.js';

suite('client taps: EventSource (stand-in)', () => {
  test('open, messages with id, named events the page listens for, error states, close()', () => {
    const win = standInWindow();
    const rec = record(win);
    const source = new win.EventSource('/test') as unknown as FakeEventSource;
    assert.instanceOf(source, FakeEventSource);
    assert.equal(win.EventSource.CLOSED, 2);
    const got: string[] = [];
    source.onmessage = (e) => got.push(e.data as string);
    source.addEventListener('tick', (e) => got.push('tick ' + (e as MessageEvent).data));
    source.serverOpen();
    source.serverEvent('message', 'one\ntwo', '7');
    source.serverEvent('tick', '1');
    source.serverEvent('unheard', 'nobody listens');
    source.serverError(0);
    source.close();
    source.close();
    const other = new win.EventSource('/gone') as unknown as FakeEventSource;
    other.serverError(2);
    other.close();
    assert.deepEqual(got, ['one\ntwo', 'tick 1'], 'the learner sees exactly what they saw before');
    assert.deepEqual(rec.kinds(), ['open', 'message', 'message', 'error', 'close', 'error'], 'close() once, and not after giving up');
    const [open, message, tick, retrying, close, gaveUp] = rec.events;
    assert.equal(gaveUp!.conn, 'sse#2');
    assert.equal(open!.conn, 'sse#1');
    assert.equal(open!.transport, 'sse');
    assert.equal(open!.details.url, '/test');
    assert.equal(message!.body, 'one\ntwo');
    assert.equal(message!.details.eventId, '7');
    assert.equal(message!.details.eventType, 'message');
    assert.equal(message!.bytes, 'id: 7\ndata: one\ndata: two\n\n'.length);
    assert.equal(tick!.details.eventType, 'tick');
    assert.equal(tick!.bytes, 'event: tick\ndata: 1\n\n'.length);
    assert.match(retrying!.details.note ?? '', /CONNECTING/);
    assert.match(gaveUp!.details.note ?? '', /CLOSED/);
    assert.isTrue(gaveUp!.details.gaveUp);
    assert.isUndefined(retrying!.details.gaveUp);
    assert.equal(close!.direction, 'c2s');
    rec.uninstall();
    assert.strictEqual(win.EventSource, FakeEventSource as unknown);
  });

  test('notes follow the language option', () => {
    const win = standInWindow();
    const events: string[] = [];
    let t = 0;
    return import('../../../src/frame/taps/index.js').then(({ installClientTaps }) => {
      const uninstall = installClientTaps(win, { party: 'client', now: () => ++t, lang: 'zh', report: (e) => events.push(e.details.note ?? '') });
      const source = new win.EventSource('/x') as unknown as FakeEventSource;
      source.serverError(0);
      uninstall();
      assert.include(events[0], '浏览器会重连');
    });
  });
});
