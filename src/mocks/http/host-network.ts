import type { Server } from './server.js';

/** How the page names its own machine; a request to one of these and a port nobody listens on is refused. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The ports of one run, and where a request from the frame goes. The rules follow what a learner's client would meet
 * with the real backend: a relative URL ('/test') goes to the page's origin, which the backend proxies to the child's
 * HTTP server, so here it reaches the first server that listens; `http://localhost:<port>` reaches that port, and a
 * port nobody listens on refuses the connection. Anything else (another site) is none of the run's business.
 */
export class HostNetwork {
  #ports = new Map<number, Server>();
  #nextEphemeral = 32768 + Math.floor(Math.random() * 1000);

  /** Claims `port` (0: any free one, as the OS would pick) for `server`; undefined when it is taken. */
  bind(server: Server, port: number): number | undefined {
    if (port === 0) {
      while (this.#ports.has(this.#nextEphemeral)) this.#nextEphemeral++;
      port = this.#nextEphemeral++;
    }
    if (this.#ports.has(port)) return undefined;
    this.#ports.set(port, server);
    return port;
  }

  unbind(server: Server): void {
    for (const [port, bound] of this.#ports) if (bound === server) this.#ports.delete(port);
  }

  /**
   * @returns the server a request to `url` reaches, 'refused' when it targets this machine on a closed port, or
   * undefined when it should go to the network untouched.
   */
  route(url: URL, pageOrigin: string): Server | 'refused' | undefined {
    const loopback = LOOPBACK.has(url.hostname);
    if (loopback) {
      const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
      const server = this.#ports.get(port);
      if (server) return server;
    }
    if (url.origin === pageOrigin) return this.#ports.values().next().value;
    return loopback ? 'refused' : undefined;
  }

  clear(): void {
    this.#ports.clear();
  }
}
