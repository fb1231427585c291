/**
 * The backend as one HTTP server: its own API under /__pushlab/ (a prefix no lesson uses, so it never collides with a
 * learner's routes), the built site, and everything else proxied to the learner's server running in a child process.
 *
 *   GET  /__pushlab/health            {version, exec}: a static site probes this to find a backend (no token)
 *   POST /__pushlab/runs              {pageId, lessonId, files: {'server.js': code}} → 201 {runId}
 *   GET  /__pushlab/runs/<id>/log     the run's output as Server-Sent Events (token in ?token=, EventSource has no headers)
 *   POST /__pushlab/runs/<id>/stop    ends the child; answers once it has exited
 *   POST /__pushlab/network           {pageId, conditions?, action?: 'kill'|'offline'|'online'} → 200 {conditions,
 *                                     offline}: the network panel, applied by the proxy to that page's traffic
 *                                     (server/network.ts says what it cannot reach)
 *
 * Log stream events (each `data` is JSON, each has an `id` so a reconnecting EventSource resumes where it was):
 *   stdout / stderr {text, time}   one line of output; time is ms since the run started
 *   listening {port, address, http, time}
 *   exit {code, signal, reason, time}   last event; the stream then ends, and a reconnection gets 204 (stop retrying)
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { API_PREFIX, PAGE_PARAM, TOKEN_HEADER, type RunRequest } from '../src/shared/backend-api.js';
import { Access } from './access.js';
import type { BackendOptions } from './options.js';
import { isProxyAction, ProxyNetworks } from './network.js';
import { proxyRequest, proxyUpgrade } from './proxy.js';
import { RunLimitError, RunManager, type Run, type RunEvent } from './runs.js';
import { StaticSite } from './static-site.js';

export { API_PREFIX };
const MAX_BODY = 1024 * 1024;
const HEARTBEAT_MS = 15_000;
/** Lesson ids are folder names; nothing else may reach the file system. */
const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

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
  access: Access;
  runs: RunManager;
  /** The values each served page's <meta name="pushlab-backend"> carries. */
  meta: { token: string; exec: boolean; version: string };
  mount(mount: BackendMount): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
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
      limits: { memoryBytes: options.runMemoryMb * 1024 * 1024, processes: options.runProcesses },
    },
    options.maxChildren,
  );
  const site = new StaticSite(options.distDir, { token: access.token, exec: options.exec, version });
  const tunnels = new Set<Duplex>();
  const streams = new Set<ServerResponse>();
  const mounts: BackendMount[] = [];
  const networks = new ProxyNetworks();

  function json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  }

  /** Origin always; the token too when code execution is on. Throws 403 before anything is started. */
  function authorize(req: IncomingMessage, token: string | null | undefined): void {
    if (!access.originAllowed(req)) throw new HttpError(403, `Origin ${req.headers.origin} may not use this backend.`);
    if (access.tokenRequired() && !access.tokenValid(token)) {
      throw new HttpError(403, 'Missing or wrong Pushlab token: only a page served by this backend can run code.');
    }
  }

  async function readJson(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) throw new HttpError(413, 'Request body too large.');
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'The body is not JSON.');
    }
  }

  async function startRun(req: IncomingMessage, res: ServerResponse): Promise<void> {
    authorize(req, req.headers[TOKEN_HEADER] as string | undefined);
    const body = (await readJson(req)) as { [K in keyof RunRequest]?: unknown } & { files?: Record<string, unknown> };
    const pageId = body.pageId;
    const lessonId = body.lessonId;
    if (typeof pageId !== 'string' || pageId.length === 0 || pageId.length > 200) {
      throw new HttpError(400, 'pageId must be a non-empty string.');
    }
    if (typeof lessonId !== 'string' || !LESSON_ID.test(lessonId)) throw new HttpError(400, 'lessonId is not a lesson id.');
    let code: string;
    if (options.exec) {
      const sent = body.files?.['server.js'];
      if (typeof sent !== 'string') throw new HttpError(400, "files['server.js'] must be the server code.");
      code = sent;
    } else {
      // A shared deployment runs only what the course ships; whatever code was sent is ignored.
      try {
        code = await readFile(`${options.lessonsDir}/${lessonId}/server.js`, 'utf8');
      } catch {
        throw new HttpError(404, `Lesson "${lessonId}" has no server.js.`);
      }
    }
    let run: Run;
    try {
      run = await runs.start(pageId, lessonId, code);
    } catch (err) {
      if (err instanceof RunLimitError) throw new HttpError(503, err.message);
      throw err;
    }
    json(res, 201, { runId: run.id, exec: options.exec });
  }

  function streamLog(req: IncomingMessage, res: ServerResponse, runId: string, url: URL): void {
    authorize(req, url.searchParams.get('token'));
    const run = runs.get(runId);
    const lastId = Number(req.headers['last-event-id'] ?? url.searchParams.get('lastEventId') ?? 0) || 0;
    // 204 tells an EventSource to stop reconnecting (WHATWG HTML §9.2: "HTTP 204 No Content … fail the connection").
    if (!run || (!run.running && lastId > 0)) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no', // nginx in front of a shared deployment would otherwise hold the stream back
    });
    res.flushHeaders();
    streams.add(res);
    let release: (() => void) | undefined;
    const send = (event: RunEvent) => {
      const { id, type, ...data } = event;
      const flowing = res.write(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      if (type === 'exit') res.end();
      else if (!flowing && !release) {
        release = run.holdOutput();
        res.once('drain', () => {
          release?.();
          release = undefined;
        });
      }
    };
    // A comment line now and then keeps proxies and idle timeouts from cutting a quiet stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    let unsubscribe = () => {};
    res.on('close', () => {
      clearInterval(heartbeat);
      streams.delete(res);
      release?.();
      unsubscribe();
    });
    unsubscribe = run.subscribe(lastId, send);
  }

  async function stopRun(req: IncomingMessage, res: ServerResponse, runId: string): Promise<void> {
    authorize(req, req.headers[TOKEN_HEADER] as string | undefined);
    const run = runs.get(runId);
    if (!run) throw new HttpError(404, 'No such run.');
    await run.end('stopped');
    json(res, 200, { stopped: true });
  }

  /** The network panel in real mode: same checks as starting a run (it disturbs that page's server). */
  async function setNetwork(req: IncomingMessage, res: ServerResponse): Promise<void> {
    authorize(req, req.headers[TOKEN_HEADER] as string | undefined);
    const body = (await readJson(req)) as { pageId?: unknown; conditions?: unknown; action?: unknown };
    if (typeof body.pageId !== 'string' || body.pageId.length === 0 || body.pageId.length > 200) {
      throw new HttpError(400, 'pageId must be a non-empty string.');
    }
    if (body.action !== undefined && !isProxyAction(body.action)) throw new HttpError(400, "action must be 'kill', 'offline' or 'online'.");
    const network = networks.for(body.pageId);
    network.apply({ conditions: body.conditions, action: body.action as 'kill' | 'offline' | 'online' | undefined });
    json(res, 200, { conditions: network.conditions, offline: network.offline });
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    access.cors(req, res);
    const path = url.pathname.slice(API_PREFIX.length);
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(access.originAllowed(req) ? 204 : 403).end();
      return;
    }
    if (path === 'health' && method === 'GET') {
      json(res, 200, { version, exec: options.exec, sandbox: runs.sandbox.kind });
      return;
    }
    if (path === 'runs' && method === 'POST') return startRun(req, res);
    if (path === 'network' && method === 'POST') return setNetwork(req, res);
    const m = /^runs\/([\w-]+)\/(log|stop)$/.exec(path);
    if (m && m[2] === 'log' && method === 'GET') return streamLog(req, res, m[1]!, url);
    if (m && m[2] === 'stop' && method === 'POST') return stopRun(req, res, m[1]!);
    throw new HttpError(404, 'No such Pushlab endpoint.');
  }

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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!access.hostAllowed(req)) throw new HttpError(403, 'This backend answers only to localhost addresses.');
    const url = new URL(req.url ?? '/', 'http://backend.invalid');
    if (url.pathname.startsWith(API_PREFIX)) return api(req, res, url);
    for (const m of mounts) if (await m.handleRequest(req, res, url)) return;
    if (await site.serve(req, res, url.pathname)) return;
    const run = targetRun(req);
    if (!run) {
      throw new HttpError(404, 'Not found, and no server.js is running in real mode to ask (press Run).');
    }
    const port = run.httpPort;
    if (!port) throw new HttpError(502, 'The server.js running in real mode is not listening on any port yet.');
    proxyRequest(req, res, port, () => run.touch(), networks.find(run.pageId));
  }

  const server = createServer((req, res) => {
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
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.on('error', () => socket.destroy());
    if (!access.hostAllowed(req)) return refuse('403 Forbidden');
    if ((req.url ?? '').startsWith(API_PREFIX)) return refuse('404 Not Found');
    if (mounts.some((m) => m.handleUpgrade(req, socket, head))) return;
    const run = targetRun(req);
    const port = run?.httpPort;
    if (!run || !port) return refuse('502 Bad Gateway');
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    proxyUpgrade(req, socket, head, port, () => run.touch(), networks.find(run.pageId));
  });

  return {
    server,
    access,
    runs,
    meta: { token: access.token, exec: options.exec, version },
    mount(m) {
      mounts.push(m);
    },
    async close() {
      await Promise.all(mounts.map((m) => m.close()));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of streams) res.end();
      server.closeAllConnections();
      for (const socket of tunnels) socket.destroy();
      await runs.closeAll();
      await closed;
    },
  };
}
