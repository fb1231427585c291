/**
 * One proxied direction under the network panel's conditions, in process: a piece delivered after its delay meets a
 * connection that may have changed meanwhile, and what it throws must end that connection, not the backend.
 */
import { expect, onTestFinished, test, vi } from 'vitest';
import { ProxyNetwork } from './network.js';

test('a late piece that throws ends its connection; later pieces are not sent, and nothing escapes the timer', async () => {
  const network = new ProxyNetwork();
  network.apply({ conditions: { latencyMs: 20 } });
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
  onTestFinished(() => quiet.mockRestore());
  let lost = 0;
  const sent: string[] = [];
  const send = network.sender(() => lost++);
  send(10, () => sent.push('first'));
  send(10, () => {
    throw new Error('write after the socket changed');
  });
  send(10, () => sent.push('after'));
  await vi.waitFor(() => expect(lost).toBe(1), { timeout: 2_000, interval: 5 });
  // The third piece was due 0 ms after the second: by the time the loss is seen, it would have run.
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(sent).toEqual(['first']);
  expect(quiet.mock.calls[0]?.[0]).toMatch(/a proxied connection ended on an error: Error: write after the socket changed/);
});

test('pieces of one link go in the order they were sent, whatever a hair of floating point does to their delays', async () => {
  const { InOrder } = await import('../src/shared/network-link.js');
  const inOrder = new InOrder();
  const start = performance.now();
  const seen: Array<[string, number]> = [];
  const mark = (name: string) => () => seen.push([name, performance.now() - start]);
  // What Link.delay can give three pieces sent in one tick at 20 ms of latency: 20, then a hair under, then nothing.
  inOrder.at(20, mark('first'));
  inOrder.at(19.999999999996362, mark('second'));
  inOrder.at(0, mark('third'));
  await vi.waitFor(() => expect(seen.length).toBe(3), { timeout: 2_000, interval: 5 });
  expect(seen.map(([name]) => name)).toEqual(['first', 'second', 'third']);
  // None before its time (the first's 20 ms; the others wait behind it).
  for (const [, at] of seen) expect(at).toBeGreaterThanOrEqual(19.9);
});
