import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// base './': every URL in the build is relative, so dist/ works from any sub-path of a static host (/pushlab/).
export default defineConfig({
  base: './',
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
