/**
 * A lesson's server.js run in this Node process as CommonJS, the way real mode's child runs it, on a free port instead
 * of the one it names: for tests that hold what a lesson's server sends over real TCP.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

const require = createRequire(import.meta.url);

export interface LessonServer {
  url: string;
  stop(): void;
}

/** `listen` is the text that starts its server (e.g. '.listen(3000)'), replaced by the same on port 0. */
export async function runLessonServer(source: string, listen: string): Promise<LessonServer> {
  if (!source.includes(listen)) throw new Error(`the server's code has no ${listen}`);
  let server: Server | undefined;
  const http = require('node:http') as typeof import('node:http');
  const fakeRequire = (name: string) =>
    name === 'http' ? { ...http, createServer: (...args: unknown[]) => (server = (http.createServer as (...a: unknown[]) => Server)(...args)) } : require(name);
  new Function('require', 'console', source.replace(listen, listen.replace(/\d+/, '0')))(fakeRequire, { ...console, log: () => {} });
  if (!server) throw new Error('the server.js made no http server');
  if (!server.listening) await new Promise((r) => server!.once('listening', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => {
      server!.closeAllConnections();
      server!.close();
    },
  };
}
