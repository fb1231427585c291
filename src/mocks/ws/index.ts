import type { RuntimeContext, ShimInstall } from '../context.js';

/** require('ws') over mock-socket. Placeholder until the ws shim lands: provides nothing. */
export async function installWs(_ctx: RuntimeContext): Promise<ShimInstall> {
  return { modules: {}, stop() {} };
}
