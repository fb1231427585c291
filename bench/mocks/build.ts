/**
 * The bench page's build, shared by bench:mocks and bench:mocks-ab (which builds it twice, from two trees).
 * The bench page is built with its own inputs, beside run.html, so the app's production inputs stay as they are.
 * An absolute base lets the page move to the site's top level, where RunSession finds run.html beside it.
 * The profile's build keeps one unminified file per source module, so a CPU sample's URL says which source it is in.
 */
import { copyFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'vite';

export async function buildSite(root: string, dir: string, perModule: boolean): Promise<void> {
  await build({
    root,
    configFile: false,
    base: '/pushlab/',
    logLevel: 'warn',
    build: {
      outDir: dir,
      emptyOutDir: true,
      target: 'es2022',
      minify: !perModule,
      rollupOptions: {
        input: { bench: resolve(root, 'bench/mocks/index.html'), run: resolve(root, 'run.html') },
        ...(perModule ? { preserveEntrySignatures: 'strict' as const, output: { preserveModules: true, preserveModulesRoot: root } } : {}),
      },
    },
  });
  copyFileSync(resolve(dir, 'bench/mocks/index.html'), resolve(dir, 'bench.html'));
}
