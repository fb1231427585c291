/**
 * Hash routes (`#/lesson/sse`), so every lesson has a URL that survives a reload on any static host, under any
 * sub-path, with no server rewrite rules. A share link adds `?code=…` inside the hash.
 */
export type Route = { view: 'home' } | { view: 'lesson'; id: string; code?: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const m = /^\/lesson\/([\w-]+)\/?$/.exec(path);
  if (!m) return { view: 'home' };
  const code = new URLSearchParams(query).get('code') ?? undefined;
  return { view: 'lesson', id: m[1]!, code };
}

export function lessonHref(id: string, code?: string): string {
  return `#/lesson/${id}` + (code ? `?code=${code}` : '');
}
