import type { RuntimeContext, ShimInstall } from '../context.js';
import { BroadcastOperator } from './broadcast.js';
import { Namespace } from './namespace.js';
import type { HttpModuleLike, HttpServerLike, WsModuleLike } from './node-api.js';
import { Server, type ServerEnv, type ServerOptions } from './server.js';
import { Socket } from './socket.js';

/**
 * `require('socket.io')` for one run, on the http and ws modules the shims installed: callable as
 * `require('socket.io')(server)` or `(port)`, with `.Server` for `new Server(server, opts)`, as the package exports.
 */
export function createSocketIoModule(ctx: RuntimeContext, modules: Record<string, unknown>) {
  const env: ServerEnv = {
    ctx,
    http: modules.http as HttpModuleLike | undefined,
    ws: modules.ws as WsModuleLike | undefined,
    servers: new Set(),
  };
  class BoundServer extends Server {
    constructor(srv?: HttpServerLike | number | ServerOptions, opts?: ServerOptions) {
      super(env, srv, opts);
    }
  }
  Object.defineProperty(BoundServer, 'name', { value: 'Server' });
  const socketIo = Object.assign(
    (srv?: HttpServerLike | number | ServerOptions, opts?: ServerOptions) => new BoundServer(srv, opts),
    { Server: BoundServer, Namespace, Socket, BroadcastOperator, default: undefined as unknown },
  );
  socketIo.default = socketIo;
  return { module: socketIo, env };
}

/** require('socket.io') on the http and ws shims. `modules` holds what the shims installed before it ('http', 'ws'). */
export async function installSocketIo(ctx: RuntimeContext, modules: Record<string, unknown>): Promise<ShimInstall> {
  const { module, env } = createSocketIoModule(ctx, modules);
  return {
    modules: { 'socket.io': module },
    stop() {
      for (const server of [...env.servers]) server.engine?.close();
      env.servers.clear();
    },
  };
}
