import { describe, expect, it } from 'vitest';
import { packTraffic, unpackTraffic } from '../../src/shared/traffic-packing.js';
import type { TrafficInput } from '../../src/shared/traffic.js';

const base: TrafficInput = {
  time: 12.5,
  party: 'client 2',
  observer: 'server',
  conn: 'socket.io#1',
  transport: 'socket.io',
  direction: 'c2s',
  kind: 'frame',
  bytes: 112,
  preview: '42["ack","x"]',
  details: { eioType: 'message', note: '#7 · websocket', source: { file: 'server.js', line: 3, column: 9 } },
};

describe('traffic packing (run frame → page)', () => {
  it('gives back every field, through a structured clone, whatever the body is', () => {
    const cases: TrafficInput[] = [
      base,
      { ...base, body: base.preview },
      { ...base, body: '42["ack","x"] and more than the preview shows' },
      { ...base, body: '' },
      { ...base, preview: '', body: '' },
      { ...base, direction: 'none', kind: 'close', bytes: 0, details: {} },
    ];
    for (const event of cases) {
      const back = unpackTraffic(structuredClone(packTraffic(event)));
      expect(back).toStrictEqual(event);
    }
  });

  it('sends a body that repeats the preview once', () => {
    const packed = packTraffic({ ...base, body: base.preview });
    expect(packed.filter((v) => v === base.preview)).toHaveLength(1);
  });

  it('refuses what is not a packed event', () => {
    for (const bad of [undefined, null, {}, base, [], [1, 2, 3], 'x']) expect(unpackTraffic(bad)).toBeUndefined();
  });
});
