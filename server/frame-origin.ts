/**
 * Run frames live on an origin of their own. The learner's client.js (from a share link, say) runs in a run frame; on
 * the page's origin it could reach into the page, read the token and start real runs without the question a link's
 * code must pass. The backend therefore answers on two names for the same port: the page on the address it listens
 * on (http://127.0.0.1:<port>), the run frames on http://localhost:<port>. Different hosts are different origins and
 * different sites, so the browser keeps a frame out of the page (and in a process of its own), and the frames' origin
 * is given nothing that can run code: no token in its pages, no API, and the page's own HTML only by a redirect to
 * the page's origin, whose answer the frame cannot read.
 *
 * Only when code execution is on: with --no-exec there is no token to protect, and the backend may be serving other
 * machines, for which `localhost` would name their own computer.
 */
import type { IncomingMessage } from 'node:http';
import { FRAME_HOSTNAME } from '../src/shared/backend-api.js';

export interface SiteOrigins {
  /** Which of the two the request came to. */
  role: 'page' | 'frames';
  /** e.g. http://127.0.0.1:8080 */
  page: string;
  /** e.g. http://localhost:8080 */
  frames: string;
}

export function siteOrigins(req: IncomingMessage, exec: boolean): SiteOrigins | undefined {
  if (!exec) return undefined;
  let host: URL;
  try {
    host = new URL(`http://${req.headers.host ?? ''}`);
  } catch {
    return undefined;
  }
  const port = host.port || '80';
  // The page's name is the address this connection arrived on, so a backend bound to ::1 sends frames' redirects to
  // [::1], where it really listens.
  const local = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const pageHost = local.includes(':') ? `[${local}]` : local;
  return {
    role: host.hostname === FRAME_HOSTNAME ? 'frames' : 'page',
    page: `http://${pageHost}:${port}`,
    frames: `http://${FRAME_HOSTNAME}:${port}`,
  };
}
