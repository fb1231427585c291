/**
 * Builds the site once for the end-to-end suite and serves it under /pushlab/, the way a static host would. Tests
 * read the URL with inject('siteUrl').
 */
import { resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { siteDist } from '../support/site-dist.js';
import { serveStatic, type StaticSite } from '../support/static-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    siteUrl: string;
  }
}

let site: StaticSite | undefined;

export async function setup(project: TestProject): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  if (!process.env.PUSHLAB_SKIP_BUILD) await build({ root, logLevel: 'warn', build: { outDir: siteDist, emptyOutDir: true } });
  site = await serveStatic(siteDist);
  project.provide('siteUrl', site.url);
}

export async function teardown(): Promise<void> {
  await site?.close();
}
