/**
 * Who may start a run. Running code a page sends is remote code execution by design, so a run needs all of:
 * - a secret token made at each start and handed only to pages this backend serves (in a <meta> tag), the way Jupyter
 *   does it: another site's page cannot read our HTML (same-origin policy), so it cannot learn the token;
 * - an Origin on the allowlist (the backend's own, plus --allow-origin), so a cross-site form or fetch is refused even
 *   before the token is looked at;
 * - in exec mode, a Host header naming loopback: a DNS-rebinding page (evil.example resolving to 127.0.0.1) is
 *   same-origin with us as far as the browser knows and could read the token, but its requests say Host: evil.example.
 * In --no-exec mode only shipped files run, so the token is not needed, but the Origin allowlist still is.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackHost } from './options.js';

import { TOKEN_HEADER } from '../src/shared/backend-api.js';

export { TOKEN_HEADER };

export class Access {
  readonly token = randomBytes(24).toString('base64url');

  constructor(
    private readonly exec: boolean,
    private readonly allowOrigins: readonly string[],
  ) {}

  /** Host header check against DNS rebinding; only meaningful (and only applied) when code execution is on. */
  hostAllowed(req: IncomingMessage): boolean {
    if (!this.exec) return true;
    const host = req.headers.host;
    if (!host) return false;
    let hostname: string;
    try {
      hostname = new URL(`http://${host}`).hostname;
    } catch {
      return false;
    }
    return isLoopbackHost(hostname);
  }

  /** The page's own origin (scheme aside, same host:port as it asked for) or one the operator allowed. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    // Browsers send Origin on every POST and on cross-origin GETs; its absence means a non-browser client (curl, a
    // test), which the token (exec mode) still gates.
    if (origin === undefined) return true;
    return this.isOwnOrigin(req, origin) || this.allowOrigins.includes(origin);
  }

  /** A foreign origin that may read our answers gets CORS headers; our own pages need none. */
  cors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined || this.isOwnOrigin(req, origin) || !this.allowOrigins.includes(origin)) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Headers', `content-type, ${TOKEN_HEADER}`);
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Max-Age', '600');
  }

  tokenValid(given: string | null | undefined): boolean {
    if (typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The token is required for anything that starts, watches or stops a run, unless nothing but shipped code runs. */
  tokenRequired(): boolean {
    return this.exec;
  }

  private isOwnOrigin(req: IncomingMessage, origin: string): boolean {
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false; // "null" (sandboxed frames, file://) is nobody's own origin
    }
  }
}
