import { resolve } from 'node:path';

/**
 * Where the end-to-end suite builds the site. PUSHLAB_E2E_DIST lets two developers (or two checkouts' suites) on one
 * machine build and serve their own copies instead of overwriting each other's dist/ mid-run.
 */
export const siteDist = resolve(process.env.PUSHLAB_E2E_DIST || resolve(import.meta.dirname, '../../dist'));
