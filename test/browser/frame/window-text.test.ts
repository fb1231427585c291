import { assert } from 'chai';
import { watchWindowText } from '../../../src/frame/window-text.js';
import { WINDOW_TEXT_MAX, type WindowItem } from '../../../src/shared/protocol.js';

/** A frame of its own, as a run frame is: its document is what the watch reads. */
async function frameDocument(): Promise<{ doc: Document; remove(): void }> {
  const frame = document.createElement('iframe');
  frame.style.width = '400px';
  frame.style.height = '300px';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.srcdoc = '<!doctype html><body></body>';
  document.body.append(frame);
  await loaded;
  return { doc: frame.contentDocument!, remove: () => frame.remove() };
}

/** Reports as they come, and a way to wait for the next one. */
function reports() {
  const seen: WindowItem[] = [];
  let wake: (() => void) | undefined;
  return {
    seen,
    report: (item: WindowItem) => {
      seen.push(item);
      wake?.();
    },
    next: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => (seen.length >= count ? resolve() : (wake = check));
        check();
      }),
  };
}

suite('watchWindowText', () => {
  test('reports the visible text: text set with textContent keeps its markup, innerHTML renders it', async () => {
    const { doc, remove } = await frameDocument();
    const r = reports();
    const stop = watchWindowText(doc, 'client 2', r.report);
    try {
      doc.body.innerHTML = '<ul id="m"></ul><style>li { color: red }</style>';
      const asText = doc.createElement('li');
      asText.textContent = 'server: <b>tags</b> and all';
      const asHtml = doc.createElement('li');
      asHtml.innerHTML = 'guest: <b>bold</b> gone';
      doc.getElementById('m')!.append(asText, asHtml);
      await r.next(1);
      assert.equal(r.seen[0]!.type, 'window');
      assert.equal(r.seen[0]!.party, 'client 2');
      assert.equal(r.seen[0]!.text, 'server: <b>tags</b> and all\nguest: bold gone');
    } finally {
      stop();
      remove();
    }
  });

  test('a flood of changes costs one report per throttle window, with the end of a long text', async () => {
    const { doc, remove } = await frameDocument();
    const r = reports();
    const stop = watchWindowText(doc, 'client', r.report);
    try {
      for (let i = 0; i < 500; i++) doc.body.append(doc.createElement('div'), `line ${i} ` + 'x'.repeat(100));
      await r.next(1);
      assert.equal(r.seen.length, 1, 'all 500 changes in one report');
      const text = r.seen[0]!.text;
      assert.equal(text.length, WINDOW_TEXT_MAX);
      assert.match(text, /line 499 x+$/);
      // A change that leaves the text as it was sends nothing new; a real change does.
      doc.body.append(doc.createComment('not text'));
      doc.body.append('!');
      await r.next(2);
      assert.match(r.seen[1]!.text, /!$/);
    } finally {
      stop();
      remove();
    }
  });
});
