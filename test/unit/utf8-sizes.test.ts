/** The byte counts the taps give every message, against what encoding the text actually gives. */
import { describe, expect, it } from 'vitest';
import { jsonShowingBinary, utf8Length } from '../../src/shared/wire/bytes.js';
import { sseEventBytes } from '../../src/frame/taps/sizes.js';

const encoded = (text: string) => new TextEncoder().encode(text).length;
const SAMPLES = ['', 'plain ascii', 'é', '中文消息', '😀 emoji', 'a\ud800b', '\udc00 lone low', 'end high \ud83d', '\ud83d\ude00\ud83d', 'mixed é中😀\n\r\0'];

describe('utf8Length', () => {
  it('counts what TextEncoder writes, lone surrogates as U+FFFD included', () => {
    for (const s of SAMPLES) expect(utf8Length(s), JSON.stringify(s)).toBe(encoded(s));
  });

  it('holds for random text over the whole range of code units', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let round = 0; round < 500; round++) {
      const units = Array.from({ length: next() % 40 }, () => [0x41, 0xe9, 0x4e2d, 0xd83d, 0xde00, 0xffff, 0x7f, 0x80, 0x7ff, 0x800][next() % 10]!);
      const s = String.fromCharCode(...units);
      expect(utf8Length(s), JSON.stringify(s)).toBe(encoded(s));
    }
  });
});

describe('sseEventBytes', () => {
  it('is the length of the smallest stream that dispatches the event', () => {
    const stream = (data: string, type: string, id: string) =>
      (type && type !== 'message' ? `event: ${type}\n` : '') + (id ? `id: ${id}\n` : '') + data.split('\n').map((l) => `data: ${l}\n`).join('') + '\n';
    for (const [data, type, id] of [
      ['hi', 'message', ''],
      ['', 'message', ''],
      ['two\nlines', 'tick', '7'],
      ['\n\n', 'message', 'é'],
      ['中文 😀', '更新', '第一'],
    ] as const) {
      expect(sseEventBytes(data, type, id), JSON.stringify([data, type, id])).toBe(encoded(stream(data, type, id)));
    }
  });
});

describe('jsonShowingBinary', () => {
  it('words every kind of binary argument by its length, a Buffer included, and keeps the rest as JSON', () => {
    const word = (n: number) => `<${n} B>`;
    const bytes = new Uint8Array([1, 2, 3, 4]);
    // A Buffer-like: a Uint8Array with a toJSON, as Node's (and the shims') Buffer has.
    const buffer = Object.assign(new Uint8Array([9, 9]), { toJSON: () => ({ type: 'Buffer', data: [9, 9] }) });
    const value = ['hi', bytes, { nested: new ArrayBuffer(5), view: new DataView(new ArrayBuffer(6)) }, buffer, 7];
    expect(jsonShowingBinary(value, word)).toBe('["hi","<4 B>",{"nested":"<5 B>","view":"<6 B>"},"<2 B>",7]');
    expect(jsonShowingBinary(bytes, word)).toBe('"<4 B>"');
    expect(jsonShowingBinary({ photo: { toJSON: () => new Uint8Array(3) } }, word)).toBe('{"photo":"<3 B>"}');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonShowingBinary(cycle, word)).toBe('[object Object]');
  });
});
