import { describe, expect, it } from 'vitest';
import { formatArgs, inspect } from '../../src/frame/format.js';

describe('formatArgs', () => {
  it('prints top-level strings as they are and objects readably', () => {
    expect(formatArgs(['数据是: ', { name: '张三', age: 20 }])).toBe("数据是:  { name: '张三', age: 20 }");
  });
  it('applies printf-style specifiers', () => {
    expect(formatArgs(['%s has %d items (%o)', 'cart', 3.7, [1]])).toBe('cart has 3.7 items ([ 1 ])');
    expect(formatArgs(['100%%'])).toBe('100%');
    expect(formatArgs(['%c styled', 'color: red'])).toBe(' styled');
  });
  it('never prints [object Object], even for nested, circular and null-prototype objects', () => {
    const a: Record<string, unknown> = { x: 1 };
    a.self = a;
    expect(inspect(a)).toBe('{ x: 1, self: [Circular *] }');
    expect(inspect(Object.create(null))).toBe('[Object: null prototype] {}');
    expect(inspect({ a: { b: { c: { d: 1 } } } })).toBe('{ a: { b: { c: [Object] } } }');
  });
  it('shows collections, errors, functions and bytes as Node does', () => {
    expect(inspect(new Map([['k', 1]]))).toBe("Map(1) { 'k' => 1 }");
    expect(inspect(new Set([1, 2]))).toBe('Set(2) { 1, 2 }');
    expect(inspect(function named() {})).toBe('[Function: named]');
    expect(inspect(class Foo {})).toBe('[class Foo]');
    expect(inspect(new Uint8Array([1, 255]))).toBe('Uint8Array(2) [ 1, 255 ]');
    expect(inspect(new Error('boom'))).toMatch(/^Error: boom/);
  });
  it('breaks long objects over lines and bounds huge ones', () => {
    const long = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`key${i}`, 'x'.repeat(10)]));
    expect(inspect(long).split('\n').length).toBe(12);
    expect(inspect(Array.from({ length: 60 }, () => 0))).toContain('... 10 more items');
    expect(formatArgs(['y'.repeat(20_000)]).length).toBeLessThan(10_100);
  });
});
