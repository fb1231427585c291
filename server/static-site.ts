/**
 * The built site (dist/) served as files. The page that starts runs (index.html) carries a
 * <meta name="pushlab-backend"> with this start's token, so only a page this backend served can start a run; every
 * HTML page gets a Content-Security-Policy; nothing outside the site folder is served, symlinks included. On the run
 * frames' origin (frame-origin.ts) the token's page is only a redirect to the page's origin.
 */
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { SiteOrigins } from './frame-origin.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.wasm': 'application/wasm',
};

export interface BackendMeta {
  token: string;
  exec: boolean;
  version: string;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function injectMeta(html: string, meta: BackendMeta & { frames?: string }): string {
  const tag = `<meta name="pushlab-backend" content="${escapeAttribute(JSON.stringify(meta))}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  return tag + html;
}

/**
 * Only the page that talks to the run API gets the token. Any other page (the chat at /chat, the run frame, which
 * runs whatever code it is sent) would hold a secret that lets code run on this machine without needing it, and a bug
 * there (an injected script) would hand it out.
 */
const PAGES_WITH_TOKEN = new Set(['index.html']);

const COMMON_POLICY = [
  "default-src 'self'",
  // No <base> and no plugins: both are ways to turn markup injection into script execution.
  "base-uri 'none'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
  // Lit and CodeMirror add <style> elements at run time and the pages have a small inline <style>; styles cannot run
  // code, so the cost of allowing them is far smaller than the cost of hashing every one.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
];

/**
 * The Content-Security-Policy of each page, as tight as the page allows. No page may run an inline or a foreign
 * script, so markup that slips into a page (a nickname, a message) cannot run code.
 */
const POLICIES: Record<string, string> = {
  // The playground: its own modules (CodeMirror comes later through import(), still 'self'), the run frame, and the
  // backend's API on this origin.
  'index.html': [...COMMON_POLICY, "script-src 'self'", "connect-src 'self'", "frame-src 'self'", "worker-src 'self'"].join('; '),
  // The run frame evaluates the learner's compiled files with an indirect eval (src/frame/run-frame.ts), hence
  // 'unsafe-eval' here and nowhere else; the learner's client may connect to any server they name (ws://localhost:8181,
  // another port), and MSW's service worker (mockServiceWorker.js) is this origin's.
  'run.html': [
    ...COMMON_POLICY.filter((d) => !d.startsWith('img-src')),
    "script-src 'self' 'unsafe-eval'",
    'connect-src * ws: wss: data: blob:',
    'img-src * data: blob:',
    'media-src * data: blob:',
    "worker-src 'self'",
    "frame-src 'self'",
  ].join('; '),
};
/** Any other page (the chat): scripts from this origin only, socket.io back to this origin, nothing framed. */
const DEFAULT_POLICY = [...COMMON_POLICY, "script-src 'self'", "connect-src 'self'", "frame-src 'none'", "worker-src 'none'"].join('; ');

/**
 * With run frames on their own origin, the page may frame that origin and the run frame may be framed by the page
 * (and by nothing else: only the page knows what to send it).
 */
export function contentSecurityPolicy(page: string, origins?: SiteOrigins): string {
  const policy = POLICIES[page] ?? DEFAULT_POLICY;
  if (!origins) return policy;
  if (page === 'index.html') return policy.replace("frame-src 'self'", `frame-src 'self' ${origins.frames}`);
  if (page === 'run.html') return policy.replace("frame-ancestors 'self'", `frame-ancestors 'self' ${origins.page}`);
  return policy;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pushlab: site not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>Pushlab: the site is not built yet</h1>
<p>The backend is running, but there is no <code>dist/</code> folder to serve. Run <code>npm run build</code>
(or start with <code>npm start</code>, which builds first), then reload this page.</p>
<p lang="zh">后端已启动，但还没有可提供的 <code>dist/</code> 目录。请先运行 <code>npm run build</code>
（或用 <code>npm start</code> 启动，它会先构建），然后刷新本页。</p>
</body></html>
`;

export class StaticSite {
  constructor(
    private readonly distDir: string,
    /** Without it (the chat's own copy of the site), no page gets a token. */
    private readonly meta?: BackendMeta,
  ) {}

  /** The site folder with its own symlinks resolved, once it exists (it may be built after the backend starts). */
  private async root(): Promise<string | null> {
    return realpath(this.distDir).catch(() => null);
  }

  /**
   * Serve the file the request names, if dist/ has it. Returns false when it does not, so the request can go on to the
   * learner's server: the page's own files win over the learner's routes.
   */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string, origins?: SiteOrigins): Promise<boolean> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    if (decoded.includes('\0')) return false;
    const relative = normalize(decoded).replace(/^([/\\])+/, '');
    if (relative.split(/[/\\]/).includes('..')) return false;
    let file = join(this.distDir, relative);
    if (!file.startsWith(this.distDir + sep) && file !== this.distDir) return false;

    let info = await stat(file).catch(() => null);
    let page = relative;
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      page = join(relative, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) {
      if (relative === '' || relative === 'index.html') {
        const built = await stat(this.distDir).catch(() => null);
        if (!built) {
          res.writeHead(503, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-store',
            'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
          });
          res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
          return true;
        }
      }
      return false;
    }

    // A symlink in dist/ (or dist/ holding a link to a folder elsewhere) must not publish the rest of the disk: what is
    // served is the resolved file, and only if it lies inside the resolved site folder.
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const root = await this.root();
    const real = await realpath(file).catch(() => null);
    if (!root || !real || !real.startsWith(root + sep)) return false;
    file = real;

    // Vite names what is under assets/ by content hash, so those never change; everything else may after a rebuild.
    const cache = relative.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (type.startsWith('text/html')) {
      const source = await readFile(file, 'utf8');
      // Named as the site knows it (index.html for the root folder), not as the resolved file is.
      page = page.split(sep).join('/');
      const withToken = this.meta !== undefined && PAGES_WITH_TOKEN.has(page);
      if (withToken && origins?.role === 'frames') {
        // A run frame asking for the page would get the token: it gets the page's address instead, where the answer
        // is cross-origin to it and unreadable. A person who typed this name lands on the page.
        res.writeHead(307, { location: origins.page + (req.url ?? '/'), 'cache-control': 'no-store' });
        res.end();
        return true;
      }
      const html = withToken ? injectMeta(source, { ...this.meta!, ...(origins ? { frames: origins.frames } : {}) }) : source;
      // The page may carry the token: it must not be stored by shared caches or framed by other sites.
      res.writeHead(200, {
        'content-type': type,
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(html),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'same-origin',
        'content-security-policy': contentSecurityPolicy(page, origins),
        // Framed by another site, a page holding the token could be clickjacked into pressing Run. The run frame on
        // its own origin is framed by the page's: its CSP frame-ancestors says so, which X-Frame-Options cannot.
        ...(origins && page === 'run.html' ? {} : { 'x-frame-options': 'SAMEORIGIN' }),
        // The run frames' origin is the page's site (frame-origin.ts): keyed by origin, neither can join the other by
        // setting document.domain, and the browser may give each a process of its own.
        'origin-agent-cluster': '?1',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return true;
    }
    res.writeHead(200, {
      'content-type': type,
      'content-length': info.size,
      'cache-control': cache,
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return true;
  }
}
