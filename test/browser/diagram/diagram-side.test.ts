import { assert } from 'chai';
import '../../../src/components/sequence-diagram.js';
import type { SequenceDiagram } from '../../../src/components/sequence-diagram.js';
import { TrafficBuffer } from '../../../src/shared/traffic.js';
import { listen, startRun, until, type TestRun } from '../http/fake-context.js';

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

async function settle(el: SequenceDiagram): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await frame();
    await el.updateComplete;
  }
}

suite("<sequence-diagram>: the server's side", () => {
  let run: TestRun | undefined;
  let el: SequenceDiagram | undefined;
  teardown(async () => {
    el?.remove();
    await run?.stop();
  });

  test("an EventSource's GET and its 200 held open, its events inside, the reconnection's GET after the end", async () => {
    run = await startRun();
    let served = 0;
    await listen(
      run.http.createServer((_req, res) => {
        served++;
        res.setHeader('Content-Type', 'text/event-stream');
        res.write('retry: 50\nid: 1\ndata: one\n\n');
        res.write('id: 2\ndata: two\n\n');
        if (served === 1) res.end();
      }),
      3000,
    );
    const source = new EventSource('/test');
    let got = 0;
    source.onmessage = () => got++;
    try {
      await until(() => got === 4, 4000, 'four events over two connections');
    } finally {
      source.close();
    }
    const buffer = new TrafficBuffer();
    for (const e of run.events) buffer.push(e);
    el = document.createElement('sequence-diagram');
    el.style.cssText = 'display:flex;width:700px;height:500px';
    el.buffer = buffer;
    document.body.append(el);
    await settle(el);
    const labels = () => [...el!.shadowRoot!.querySelectorAll('g.arrow .label')].map((t) => t.textContent ?? '');
    // The client's side sees no request at all: an open, then events.
    assert.isFalse(labels().some((l) => l.startsWith('GET')));
    const side = el.shadowRoot!.querySelector<HTMLSelectElement>('select.side-filter')!;
    side.value = 'server';
    side.dispatchEvent(new Event('change'));
    await settle(el);
    const shown = labels();
    assert.equal(shown.filter((l) => /^GET .*\/test/.test(l)).length, 2, shown.join(' | '));
    assert.isAtLeast(shown.filter((l) => /^200\b/.test(l)).length, 2, shown.join(' | '));
    // The first exchange's span starts at its GET and ends with the response; the events are drawn inside it.
    const spans = [...el.shadowRoot!.querySelectorAll<SVGRectElement>('rect.span')];
    assert.isAtLeast(spans.length, 1);
    const first = spans[0]!;
    const top = Number(first.getAttribute('y'));
    const bottom = top + Number(first.getAttribute('height'));
    const eventRows = [...el.shadowRoot!.querySelectorAll<SVGGElement>('g.arrow')].filter((g) => /one|two/.test(g.querySelector('.label')!.textContent ?? ''));
    assert.isAtLeast(eventRows.length, 2);
    const y = (g: SVGGElement) => g.querySelector('line, path')!.getBoundingClientRect().top - first.getBoundingClientRect().top + top;
    assert.isTrue(y(eventRows[0]!) > top && y(eventRows[0]!) < bottom, 'the first event inside the held span');
  });
});
