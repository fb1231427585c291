import { assert } from 'chai';
import '../../../src/components/network-panel.js';
import type { NetworkPanel } from '../../../src/components/network-panel.js';

async function panel(props: Partial<Pick<NetworkPanel, 'running' | 'mode'>> = {}): Promise<NetworkPanel> {
  const el = document.createElement('network-panel');
  Object.assign(el, props);
  document.body.append(el);
  await el.updateComplete;
  return el;
}

suite('<network-panel>', () => {
  teardown(() => document.querySelectorAll('network-panel').forEach((el) => el.remove()));

  test('moving a slider emits the whole set of conditions', async () => {
    const el = await panel();
    const seen: unknown[] = [];
    el.addEventListener('network-change', (e) => seen.push((e as CustomEvent).detail.conditions));
    const latency = el.shadowRoot!.querySelector<HTMLInputElement>('#latency')!;
    latency.value = '2';
    latency.dispatchEvent(new Event('input'));
    const drop = el.shadowRoot!.querySelector<HTMLInputElement>('#drop')!;
    drop.value = '10';
    drop.dispatchEvent(new Event('input'));
    assert.deepEqual(seen, [
      { latencyMs: 200, bandwidthKbps: 0, dropRate: 0 },
      { latencyMs: 200, bandwidthKbps: 0, dropRate: 0.1 },
    ]);
    await el.updateComplete;
    assert.include(el.shadowRoot!.querySelector('output[for="latency"]')!.textContent, '200 ms');
  });

  test('actions need a running run; offline toggles back online', async () => {
    const idle = await panel();
    assert.isTrue([...idle.shadowRoot!.querySelectorAll('button')].every((b) => b.disabled));
    const el = await panel({ running: true });
    const actions: string[] = [];
    el.addEventListener('network-action', (e) => actions.push((e as CustomEvent).detail.action));
    const [kill, offline, restart] = [...el.shadowRoot!.querySelectorAll('button')];
    kill!.click();
    offline!.click();
    await el.updateComplete;
    assert.equal(offline!.getAttribute('aria-pressed'), 'true');
    offline!.click();
    restart!.click();
    assert.deepEqual(actions, ['kill', 'offline', 'online', 'restart']);
  });

  test('go silent emits the direction chosen in its select, both ways by default', async () => {
    const el = await panel({ running: true });
    const actions: string[] = [];
    el.addEventListener('network-action', (e) => actions.push((e as CustomEvent).detail.action));
    const silent = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Go silent'))!;
    const way = el.shadowRoot!.querySelector('select')!;
    silent.click();
    for (const value of ['silent-to-server', 'silent-to-client']) {
      way.value = value;
      way.dispatchEvent(new Event('change'));
      await el.updateComplete;
      silent.click();
    }
    assert.deepEqual(actions, ['silent', 'silent-to-server', 'silent-to-client']);
  });

    test('real mode says what the proxy cannot reach', async () => {
    const el = await panel({ mode: 'real' });
    assert.include(el.shadowRoot!.textContent, 'ws://localhost:8181');
    const browser = await panel({ mode: 'browser' });
    assert.notInclude(browser.shadowRoot!.textContent, 'ws://localhost:8181');
  });
});
