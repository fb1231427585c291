import type { RuntimeContext, ShimInstall } from '../context.js';

/** require('http') over MSW. Placeholder until the http shim lands: provides nothing. */
export async function installHttp(_ctx: RuntimeContext): Promise<ShimInstall> {
  return { modules: {}, stop() {} };
}
