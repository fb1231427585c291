/**
 * The numbers the prose states, checked where Node can check them (the chat lesson's text limit; the WebSocket
 * close reason's byte limit), so a corrected statement cannot drift back.
 */
import { describe, expect, it } from 'vitest';

const codePoints = (s: string) => [...s].length;
const graphemes = (s: string) => [...new Intl.Segmenter().segment(s)].length;

describe('chat: code points, not what a person counts', () => {
  it.each([
    ['😀', 2, 1, 1],
    ['👍🏽', 4, 2, 1],
    ['👨‍👩‍👧', 8, 5, 1],
  ])('%s: %i UTF-16 units, %i code points, %i grapheme', (text, units, points, seen) => {
    expect(text.length).toBe(units);
    expect(codePoints(text)).toBe(points);
    expect(graphemes(text)).toBe(seen);
  });
});

describe('WebSocket: a close reason is at most 123 bytes of UTF-8', () => {
  it('a Chinese character takes 3 bytes: 41 fit, 再见 × 21 does not', () => {
    const bytes = (s: string) => new TextEncoder().encode(s).length;
    expect(bytes('再'.repeat(41))).toBe(123);
    expect(bytes('再见'.repeat(21))).toBeGreaterThan(123);
  });
});
