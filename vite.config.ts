import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

/**
 * offline-files.json: every file of the build, for the offline worker (public/site-cache.js) to keep, and a version
 * that changes with them. After Vite's own plugins, so the pages it writes in generateBundle are in the bundle.
 */
function offlineFiles(): Plugin {
  return {
    name: 'pushlab-offline-files',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const publicFiles = readdirSync(resolve(import.meta.dirname, 'public'));
      const built = Object.keys(bundle).filter((file) => !file.endsWith('.map'));
      const files = [...new Set([...built, ...publicFiles])].filter((file) => file !== 'offline-files.json').sort();
      const hash = createHash('sha256');
      for (const file of files) {
        const item = bundle[file];
        hash.update(file);
        if (item?.type === 'asset') hash.update(item.source);
      }
      this.emitFile({
        type: 'asset',
        fileName: 'offline-files.json',
        source: JSON.stringify({ version: hash.digest('hex').slice(0, 16), files }),
      });
    },
  };
}

// base './': every URL in the build is relative, so dist/ works from any sub-path of a static host (/pushlab/).
export default defineConfig({
  base: './',
  plugins: [offlineFiles()],
  build: {
    target: 'es2022',
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        run: resolve(import.meta.dirname, 'run.html'),
        chat: resolve(import.meta.dirname, 'chat.html'),
      },
    },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
