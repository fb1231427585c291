/**
 * Run frames live on an origin of their own. The learner's client.js (from a share link, say) runs in a run frame; on
 * the page's origin it could reach into the page, read the token and start real runs without the question a link's
 * code must pass. The backend therefore listens on a second port for run frames: same host, another port, so another
 * origin, and the browser keeps a frame out of the page. That origin is given nothing that can run code: no token in
 * its pages, no API, and the page's own HTML only as a redirect to the page's origin, whose answer the frame cannot
 * read.
 *
 * Another port rather than another host name (localhost beside 127.0.0.1): another host is another *site*, and a
 * browser that blocks third-party cookies (every private window) then denies a cross-site frame its localStorage and
 * its service worker, which the in-browser runtime (MSW) needs. Another port on the same host is the same site.
 *
 * Only when code execution is on: with --no-exec there is no token to protect.
 */
import type { IncomingMessage } from 'node:http';

export interface SiteOrigins {
  /** Which of the two the request came to. */
  role: 'page' | 'frames';
  /** e.g. http://127.0.0.1:8080 */
  page: string;
  /** e.g. http://127.0.0.1:41234 */
  frames: string;
}

/** The backend's two ports, once both listen; undefined when there is no frames port (--no-exec, or not yet). */
export type SitePorts = { page: number; frames: number } | undefined;

export function siteOrigins(req: IncomingMessage, ports: SitePorts): SiteOrigins | undefined {
  if (!ports) return undefined;
  let hostname: string;
  try {
    hostname = new URL(`http://${req.headers.host ?? ''}`).hostname;
  } catch {
    return undefined;
  }
  // The host name the browser used for the page (127.0.0.1, localhost, [::1]) is kept for the frames: the same host
  // is what keeps them the same site.
  return {
    role: req.socket.localPort === ports.frames ? 'frames' : 'page',
    page: `http://${hostname}:${ports.page}`,
    frames: `http://${hostname}:${ports.frames}`,
  };
}
