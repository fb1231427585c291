/**
 * The backend's own API under /__pushlab/ (the contract is src/shared/backend-api.ts): health, starting and stopping
 * runs, following a run's log as Server-Sent Events, and the network panel. Everything here answers to the Origin and
 * token rules of access.ts before it starts anything.
 *
 * Log stream events (each `data` is JSON, each has an `id` so a reconnecting EventSource resumes where it was); after
 * 'exit' the stream ends, and a reconnection gets 204 (stop retrying).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_PREFIX, TOKEN_HEADER, type RunRequest, type RunStarted } from '../src/shared/backend-api.js';
import type { Access } from './access.js';
import { HttpError, json, readJson } from './http-util.js';
import { isProxyAction, PROXY_ACTIONS, type ProxyAction, type ProxyNetworks } from './network.js';
import type { BackendOptions } from './options.js';
import { RunLimitError, type Run, type RunEvent, type RunManager } from './runs.js';

const HEARTBEAT_MS = 15_000;
/** Bytes a log stream may have waiting to be sent before it skips the run's wire records (see streamLog). */
const WIRE_BACKLOG = 1024 * 1024;
/** Lesson ids are folder names; nothing else may reach the file system. */
const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface RunApi {
  /** Answers a request whose path starts with API_PREFIX. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Ends every open log stream (the backend is closing). */
  endStreams(): void;
}

export function createRunApi(deps: {
  options: BackendOptions;
  access: Access;
  runs: RunManager;
  networks: ProxyNetworks;
  version: string;
}): RunApi {
  const { options, access, runs, networks, version } = deps;
  const streams = new Set<ServerResponse>();

  /** Origin always; the token too when code execution is on. Throws 403 before anything is started. */
  function authorize(req: IncomingMessage, token: string | null | undefined): void {
    if (!access.originAllowed(req)) throw new HttpError(403, `Origin ${req.headers.origin} may not use this backend.`);
    if (access.tokenRequired() && !access.tokenValid(token)) {
      throw new HttpError(403, 'Missing or wrong Pushlab token: only a page served by this backend can run code.');
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
      run = await runs.start(pageId, lessonId, code, { wire: body.wire !== false });
    } catch (err) {
      if (err instanceof RunLimitError) throw new HttpError(503, err.message);
      throw err;
    }
    json(res, 201, { runId: run.id, exec: options.exec, time: run.now(), origin: run.clockZero } satisfies RunStarted);
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
    /**
     * The wire of a busy server is the one part of the log that can outrun a slow page: while this stream is over
     * WIRE_BACKLOG behind, its records are counted instead of queued, and the page is told what it missed once the
     * stream has drained.
     */
    let lost: { chunks: number; bytes: number } | undefined;
    const sendLost = () => {
      if (!lost || res.writableEnded) return;
      // No id: a reconnection resumes after the last real event, and this one is not in the run's log.
      res.write(`event: wire\ndata: ${JSON.stringify({ chunks: [], lost, time: run.now() })}\n\n`);
      lost = undefined;
    };
    const send = (event: RunEvent) => {
      if (event.type === 'wire') {
        if (res.writableLength > WIRE_BACKLOG) {
          lost ??= { chunks: 0, bytes: 0 };
          lost.chunks += event.chunks.length;
          for (const chunk of event.chunks) lost.bytes += chunk.bytes;
          return;
        }
        sendLost();
      }
      const { id, type, ...data } = event;
      const flowing = res.write(`id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      if (type === 'exit') res.end();
      else if (!flowing && !release) {
        release = run.holdOutput();
        res.once('drain', () => {
          release?.();
          release = undefined;
          sendLost();
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
    if (body.action !== undefined && !isProxyAction(body.action)) throw new HttpError(400, `action must be one of ${PROXY_ACTIONS.map((a) => `'${a}'`).join(', ')}.`);
    const network = networks.for(body.pageId);
    network.apply({ conditions: body.conditions, action: body.action as ProxyAction | undefined });
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

  return {
    handle: api,
    endStreams() {
      for (const res of streams) res.end();
    },
  };
}
