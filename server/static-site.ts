/**
 * The built site (dist/) served as files, each HTML page carrying a <meta name="pushlab-backend"> with this start's
 * token, so only a page this backend served can start a run.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

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

export function injectMeta(html: string, meta: BackendMeta): string {
  const tag = `<meta name="pushlab-backend" content="${escapeAttribute(JSON.stringify(meta))}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  return tag + html;
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
    private readonly meta: BackendMeta,
  ) {}

  /**
   * Serve the file the request names, if dist/ has it. Returns false when it does not, so the request can go on to the
   * learner's server: the page's own files win over the learner's routes.
   */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
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
    if (info?.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info?.isFile()) {
      if (relative === '' || relative === 'index.html') {
        const built = await stat(this.distDir).catch(() => null);
        if (!built) {
          res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : NOT_BUILT);
          return true;
        }
      }
      return false;
    }

    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    // Vite names what is under assets/ by content hash, so those never change; everything else may after a rebuild.
    const cache = relative.startsWith(`assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (type.startsWith('text/html')) {
      const html = injectMeta(await readFile(file, 'utf8'), this.meta);
      // The page carries the token: it must not be stored by shared caches or framed by other sites.
      res.writeHead(200, {
        'content-type': type,
        'cache-control': 'no-store',
        'content-length': Buffer.byteLength(html),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'same-origin',
        // Framed by another site, a page holding the token could be clickjacked into pressing Run.
        'x-frame-options': 'SAMEORIGIN',
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
