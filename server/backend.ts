/**
 * The backend as one HTTP server: its own API under /__pushlab/ (run-api.ts; the contract with the page is
 * src/shared/backend-api.ts), then mounts such as the real chat, the built site, and everything else proxied to the
 * learner's server running in a child process (proxy.ts), with the network panel's conditions (network.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { API_PREFIX, LEARNER_PORT_ROUTE, PAGE_PARAM } from '../src/shared/backend-api.js';
import { Access } from './access.js';
import { siteOrigins, type SitePorts } from './frame-origin.js';
import { HttpError } from './http-util.js';
import type { BackendOptions } from './options.js';
import { ProxyNetworks } from './network.js';
import { proxyRequest, proxyUpgrade } from './proxy.js';
import { createRunApi } from './run-api.js';
import { RunManager, type ListeningPort, type Run } from './runs.js';
import { StaticSite } from './static-site.js';

export { API_PREFIX };

/** Something else served on the backend's port (the real chat): asked first, before the site and the proxy. */
export interface BackendMount {
  /** True if it took the request. */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): boolean | Promise<boolean>;
  /** True if it took the upgrade. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export interface Backend {
  server: Server;
  /**
   * The run frames' port (frame-origin.ts), with code execution on; main.ts listens on it on the same host as
   * `server`, on any free port.
   */
  framesServer: Server | undefined;
  access: Access;
  runs: RunManager;
  /** The values each served page's <meta name="pushlab-backend"> carries. */
  meta: { token: string; exec: boolean; version: string };
  mount(mount: BackendMount): void;
  close(): Promise<void>;
}

export async function createBackend(options: BackendOptions, preloadPath: string, version: string): Promise<Backend> {
  const access = new Access(options.exec, options.allowOrigins);
  const runs = new RunManager(
    {
      preloadPath,
      nodeModulesDir: options.nodeModulesDir,
      idleMs: options.idleMs,
      detachGraceMs: options.detachGraceMs,
      attachTimeoutMs: options.attachTimeoutMs,
      childMemoryMb: options.childMemoryMb,
      limits: { memoryBytes: options.runMemoryMb * 1024 * 1024, processes: options.runProcesses, files: options.runFiles },
    },
    options.maxChildren,
  );
  const site = new StaticSite(options.distDir, { token: access.token, exec: options.exec, version });
  const tunnels = new Set<Duplex>();
  const mounts: BackendMount[] = [];
  const networks = new ProxyNetworks();

  const api = createRunApi({ options, access, runs, networks, version });

  /** The page's own child if the run frame's URL names it (?pushlab-page=), else the newest run. */
  function targetRun(req: IncomingMessage): Run | undefined {
    let pageId: string | null = null;
    const referer = req.headers.referer;
    if (referer) {
      try {
        pageId = new URL(referer).searchParams.get(PAGE_PARAM);
      } catch {
        // not a URL: no hint
      }
    }
    return runs.target(pageId);
  }

  /**
   * A request for a port of a page's run by the number the learner's code used (learnerPortPath): the run, where that
   * server really listens, and the path the learner's server should see. Undefined when it is not such a request.
   */
  function learnerPort(url: URL): { run: Run | undefined; port: ListeningPort | undefined; path: string } | undefined {
    const m = LEARNER_PORT_ROUTE.exec(url.pathname);
    if (!m) return undefined;
    let pageId: string;
    try {
      pageId = decodeURIComponent(m[1]!);
    } catch {
      return { run: undefined, port: undefined, path: '/' }; // a malformed escape names no page
    }
    const run = runs.ofPage(pageId);
    return { run, port: run?.portFor(Number(m[2])), path: (m[3] ?? '/') + url.search };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!access.hostAllowed(req)) throw new HttpError(403, 'This backend answers only to localhost addresses.');
    const url = new URL(req.url ?? '/', 'http://backend.invalid');
    const direct = learnerPort(url);
    if (direct) {
      const { run, port, path } = direct;
      if (!run || !port) throw new HttpError(502, 'No server of this page’s run listens on that port.');
      req.url = path;
      proxyRequest(req, res, port, () => run.touch(), networks.find(run.pageId));
      return;
    }
    const origins = siteOrigins(req, sitePorts());
    if (url.pathname.startsWith(API_PREFIX)) {
      // The run frames' origin runs any code it is sent: nothing there may start, watch or stop runs.
      if (origins?.role === 'frames') throw new HttpError(403, 'The run frames’ origin has no access to the Pushlab API.');
      return api.handle(req, res, url);
    }
    for (const m of mounts) if (await m.handleRequest(req, res, url)) return;
    if (await site.serve(req, res, url.pathname, origins)) return;
    const run = targetRun(req);
    if (!run) {
      throw new HttpError(404, 'Not found, and no server.js is running in real mode to ask (press Run).');
    }
    const port = run.httpPort;
    if (!port) throw new HttpError(502, 'The server.js running in real mode is not listening on any port yet.');
    proxyRequest(req, res, port, () => run.touch(), networks.find(run.pageId));
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (status === 500) console.error('Pushlab:', err);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${message}\n`);
    });
  };
  const server = createServer(onRequest);
  const framesServer = options.exec ? createServer(onRequest) : undefined;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A throw in this listener would end the backend: anything unexpected answers 400 instead.
    try {
      upgrade(req, socket, head);
    } catch (err) {
      console.error('Pushlab: upgrade:', err);
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  };
  server.on('upgrade', onUpgrade);
  framesServer?.on('upgrade', onUpgrade);

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: string): void => void socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.on('error', () => socket.destroy());
    if (!access.hostAllowed(req)) return refuse('403 Forbidden');
    const direct = learnerPort(new URL(req.url ?? '/', 'http://backend.invalid'));
    if (!direct && (req.url ?? '').startsWith(API_PREFIX)) return refuse('404 Not Found');
    if (!direct && mounts.some((m) => m.handleUpgrade(req, socket, head))) return;
    const run = direct ? direct.run : targetRun(req);
    const port = direct ? direct.port : run?.httpPort;
    if (direct) req.url = direct.path;
    if (!run || !port) return refuse('502 Bad Gateway');
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    proxyUpgrade(req, socket, head, port, () => run.touch(), networks.find(run.pageId));
  }

  /** Both ports, once both listen: before that (and with --no-exec) frames share the page's origin. */
  function sitePorts(): SitePorts {
    const page = server.address();
    const frames = framesServer?.address();
    if (!page || typeof page === 'string' || !frames || typeof frames === 'string') return undefined;
    return { page: page.port, frames: frames.port };
  }

  return {
    server,
    framesServer,
    access,
    runs,
    meta: { token: access.token, exec: options.exec, version },
    mount(m) {
      mounts.push(m);
    },
    async close() {
      await Promise.all(mounts.map((m) => m.close()));
      const closed = Promise.all(
        [server, framesServer].map((s) => new Promise<void>((resolve) => (s?.listening ? s.close(() => resolve()) : resolve()))),
      );
      api.endStreams();
      server.closeAllConnections();
      framesServer?.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      await runs.closeAll();
      await closed;
    },
  };
}
