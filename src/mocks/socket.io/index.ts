import type { RuntimeContext, ShimInstall } from '../context.js';

/**
 * require('socket.io') on the http and ws shims. `modules` holds what the shims installed before it ('http', 'ws').
 * Placeholder until the socket.io shim lands: provides nothing.
 */
export async function installSocketIo(_ctx: RuntimeContext, _modules: Record<string, unknown>): Promise<ShimInstall> {
  return { modules: {}, stop() {} };
}
