/**
 * axe-core (https://github.com/dequelabs/axe-core) in a page of the e2e suite: its script is added to the page, so it
 * sees what the learner's browser renders, open shadow roots included.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** Where, as axe names the elements (a selector path through shadow roots), and what is wrong there. */
  nodes: { target: unknown; failureSummary?: string }[];
}

/**
 * Runs every axe rule on the page as it is now and returns the violations, worst first. Pages served with a
 * Content-Security-Policy need a context made with `bypassCSP: true`, since the script is added inline.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  const rank = ['critical', 'serious', 'moderate', 'minor'];
  return violations.sort((a, b) => rank.indexOf(a.impact ?? 'minor') - rank.indexOf(b.impact ?? 'minor'));
}

/** Only what stops or seriously hinders someone: the suite fails on these. */
export function serious(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** One line per violation and element, for a failure message a person can act on. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .flatMap((v) => v.nodes.slice(0, 5).map((n) => `[${v.impact}] ${v.id}: ${v.help} at ${JSON.stringify(n.target)}\n    ${n.failureSummary ?? ''}`))
    .join('\n');
}
