import { assert } from 'chai';
import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { ResizeController } from '../../../src/components/resize-controller.js';
import { TrafficBufferController } from '../../../src/components/traffic-buffer-controller.js';
import { TrafficBuffer, type TrafficInput } from '../../../src/shared/traffic.js';

const ev: TrafficInput = {
  time: 0,
  party: 'client',
  observer: 'client',
  conn: 'ws#1',
  transport: 'ws',
  direction: 's2c',
  kind: 'frame',
  bytes: 1,
  preview: 'x',
  details: {},
};

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** A view as the inspector, diagram and comparison use the controllers: a `buffer` property and a box to size. */
class Host extends LitElement {
  @property({ attribute: false }) buffer?: TrafficBuffer;
  /** What the TrafficBufferController called, in order. */
  calls: string[] = [];
  /** How many times the ResizeController called back (an observer reports once on observe(), then on changes). */
  resizes = 0;
  traffic = new TrafficBufferController(this, {
    onNotify: (buffer) => this.calls.push(`notify ${buffer.size}`),
    onFrame: () => this.calls.push('frame'),
  });
  resize = new ResizeController(this, () => this.resizes++);
  override render() {
    return html`<div class="box" style="height:10px"></div>`;
  }
  override firstUpdated() {
    this.resize.observe(this.renderRoot.querySelector('.box')!);
  }
}

let n = 0;
/** A fresh tag per test, so no test sees another's definition. */
function define(): string {
  const tag = `buffer-controller-host-${++n}`;
  customElements.define(tag, class extends Host {});
  return tag;
}

async function mount(buffer?: TrafficBuffer): Promise<Host> {
  const el = document.createElement(define()) as Host;
  el.buffer = buffer;
  document.body.append(el);
  await el.updateComplete;
  await frame();
  await frame();
  el.calls = [];
  el.resizes = 0;
  return el;
}

suite('TrafficBufferController and ResizeController', () => {
  const mounted: Host[] = [];
  teardown(() => {
    for (const el of mounted.splice(0)) el.remove();
  });

  test('every notification reaches onNotify at once; any number of them in a frame make one onFrame', async () => {
    const buffer = new TrafficBuffer();
    const el = await mount(buffer);
    mounted.push(el);
    for (let i = 0; i < 5; i++) {
      buffer.push(ev);
      buffer.notify();
    }
    assert.deepEqual(el.calls, ['notify 1', 'notify 2', 'notify 3', 'notify 4', 'notify 5']);
    await frame();
    assert.deepEqual(el.calls.slice(5), ['frame']);
  });

  test('disconnected, it hears nothing and drops a pending frame; connected again, it hears again', async () => {
    const buffer = new TrafficBuffer();
    const el = await mount(buffer);
    mounted.push(el);
    buffer.push(ev);
    buffer.notify();
    el.remove();
    buffer.push(ev);
    buffer.notify();
    await frame();
    assert.deepEqual(el.calls, ['notify 1']);
    document.body.append(el);
    buffer.notify();
    await frame();
    assert.deepEqual(el.calls.slice(1), ['notify 2', 'frame']);
  });

  test('a new buffer replaces the old one: the old one is not heard any more', async () => {
    const a = new TrafficBuffer();
    const b = new TrafficBuffer();
    const el = await mount(a);
    mounted.push(el);
    el.buffer = b;
    await el.updateComplete;
    a.notify();
    b.push(ev);
    b.notify();
    await frame();
    assert.deepEqual(el.calls, ['notify 1', 'frame']);
    el.buffer = undefined;
    await el.updateComplete;
    b.notify();
    await frame();
    assert.deepEqual(el.calls, ['notify 1', 'frame']);
  });

  test('a buffer set while disconnected is heard from the next connection', async () => {
    const el = await mount();
    el.remove();
    const buffer = new TrafficBuffer();
    el.buffer = buffer;
    await el.updateComplete;
    buffer.notify();
    await frame();
    assert.deepEqual(el.calls, []);
    document.body.append(el);
    mounted.push(el);
    buffer.notify();
    await frame();
    assert.deepEqual(el.calls, ['notify 0', 'frame']);
  });

  test('resizes are reported while connected, and again after the view is moved', async () => {
    const el = await mount();
    mounted.push(el);
    const box = el.renderRoot.querySelector<HTMLElement>('.box')!;
    box.style.height = '20px';
    await frame();
    await frame();
    assert.isAbove(el.resizes, 0);
    el.remove();
    el.resizes = 0;
    box.style.height = '30px';
    await frame();
    await frame();
    assert.equal(el.resizes, 0);
    document.body.append(el);
    await frame();
    await frame();
    el.resizes = 0;
    box.style.height = '40px';
    await frame();
    await frame();
    assert.isAbove(el.resizes, 0);
  });
});
