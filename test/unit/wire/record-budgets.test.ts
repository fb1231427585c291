/**
 * Both runtimes record the wire with the same budgets a second, so a flood reads alike in both. Real mode's recorder
 * is a CommonJS preload the child loads as it is (server/child/wire-record.cjs), which cannot import the browser
 * runtime's TypeScript: this holds the two copies of each number together.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from 'vitest';
import { WIRE_CHUNKS_PER_SECOND, WIRE_RAW_PER_SECOND } from '../../../src/mocks/wire-tap.js';

const recorder = readFileSync(resolve(import.meta.dirname, '../../../server/child/wire-record.cjs'), 'utf8');
const constant = (name: string) => {
  const m = new RegExp(`^const ${name} = ([0-9 *_]+);`, 'm').exec(recorder);
  if (!m) throw new Error(`${name} not found in wire-record.cjs`);
  return Function(`return (${m[1]!.replace(/_/g, '')})`)() as number;
};

test("browser mode's wire tap keeps real mode's recorder's budgets a second", () => {
  expect(WIRE_CHUNKS_PER_SECOND).toBe(constant('CHUNKS_PER_SECOND'));
  expect(WIRE_RAW_PER_SECOND).toBe(constant('RAW_PER_SECOND'));
});
