/**
 * The static site as a browser gets it, over real HTTP from a real server: which pages carry the backend's token, the
 * Content-Security-Policy of every page, and nothing reachable through a symlink that leads out of the site folder.
 */
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticSite } from './static-site.js';

const TOKEN = 'token-that-only-run-pages-may-hold';
let dir: string;
let server: Server;
let url: string;

const page = (title: string) => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body></body></html>`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pushlab-site-'));
  const dist = join(dir, 'dist');
  const outside = join(dir, 'outside');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(join(outside, 'folder'), { recursive: true });
  for (const name of ['index.html', 'run.html', 'chat.html']) writeFileSync(join(dist, name), page(name));
  writeFileSync(join(dist, 'assets', 'app.js'), 'export {};\n');
  writeFileSync(join(outside, 'secret.txt'), 'outside the site\n');
  writeFileSync(join(outside, 'folder', 'secret.js'), 'outside the site\n');
  writeFileSync(join(outside, 'page.html'), page('outside'));
  // Links out of the site: to a file, to an HTML file, to a folder (reached through it), and to /etc/passwd.
  symlinkSync(join(outside, 'secret.txt'), join(dist, 'secret.txt'));
  symlinkSync(join(outside, 'page.html'), join(dist, 'linked.html'));
  symlinkSync(join(outside, 'folder'), join(dist, 'assets', 'linked'));
  symlinkSync('/etc/passwd', join(dist, 'passwd'));
  // A link that stays inside the site is harmless and keeps working.
  symlinkSync(join(dist, 'assets', 'app.js'), join(dist, 'assets', 'alias.js'));

  const site = new StaticSite(dist, { token: TOKEN, exec: true, version: 'test' });
  server = createServer((req, res) => {
    void site.serve(req, res, new URL(req.url ?? '/', 'http://x').pathname).then((served) => {
      if (!served) res.writeHead(404).end('not served');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the token', () => {
  it('is in the page that starts runs, and not in the run frame or the chat page', async () => {
    for (const path of ['/', '/index.html']) {
      expect(await (await fetch(url + path)).text(), path).toContain(TOKEN);
    }
    expect(await (await fetch(url + '/run.html')).text()).not.toContain(TOKEN);
    const chat = await fetch(`${url}/chat.html`);
    expect(chat.status).toBe(200);
    const html = await chat.text();
    expect(html).toContain('<title>chat.html</title>');
    expect(html).not.toContain(TOKEN);
    expect(html).not.toContain('pushlab-backend');
  });
});

describe('Content-Security-Policy', () => {
  const policy = async (path: string) => {
    const res = await fetch(url + path);
    expect(res.status, path).toBe(200);
    const header = res.headers.get('content-security-policy');
    expect(header, path).toBeTruthy();
    return Object.fromEntries(header!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
  };

  it('is on every page, and no page allows inline or foreign scripts', async () => {
    for (const path of ['/', '/run.html', '/chat.html']) {
      const p = await policy(path);
      expect(p['script-src'], path).toContain("'self'");
      expect(p['script-src'], path).not.toContain("'unsafe-inline'");
      expect(p['script-src']!.filter((s: string) => s !== "'self'" && s !== "'unsafe-eval'"), path).toEqual([]);
      expect(p['object-src'], path).toEqual(["'none'"]);
      expect(p['base-uri'], path).toEqual(["'none'"]);
    }
  });

  it("allows eval only in the run frame, which evaluates the learner's code", async () => {
    expect((await policy('/run.html'))['script-src']).toContain("'unsafe-eval'");
    expect((await policy('/'))['script-src']).not.toContain("'unsafe-eval'");
    expect((await policy('/chat.html'))['script-src']).not.toContain("'unsafe-eval'");
  });

  it('keeps the chat to its own origin', async () => {
    const p = await policy('/chat.html');
    expect(p['connect-src']).toEqual(["'self'"]);
    expect(p['frame-src']).toEqual(["'none'"]);
  });
});

describe('symlinks', () => {
  it('serves nothing that a link leads to outside the site folder, directly or through a linked folder', async () => {
    for (const path of ['/secret.txt', '/linked.html', '/assets/linked/secret.js', '/passwd']) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toBe('not served');
    }
  });

  it('still serves a link that stays inside the site', async () => {
    const res = await fetch(`${url}/assets/alias.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('export {};\n');
  });
});
