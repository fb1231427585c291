// Component and runtime tests in a real Chromium (the system one; see test/support/chrome.mjs).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { build } from 'esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROME_ARGS, chromePath } from './test/support/chrome.mjs';

/**
 * The runtime's Node-API shims import CommonJS packages (`buffer`, `events`) that Vite pre-bundles for the app but a
 * browser cannot load unbundled. @rollup/plugin-commonjs under the dev server gives only a default export (named
 * exports need Rollup's module graph), so serve each one as an esbuild bundle with its named exports listed here.
 */
function commonjsAsEsm(namedExports) {
  return {
    name: 'commonjs-as-esm',
    async serve(context) {
      const m = /^\/node_modules\/([^/]+)\/[^/]+\.js$/.exec(context.path);
      const names = m && namedExports[m[1]];
      if (!names) return undefined;
      const entry = `import m from '.${context.path}'; export default m; export const { ${names.join(', ')} } = m;`;
      const out = await build({
        stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js' },
        bundle: true,
        format: 'esm',
        write: false,
        logLevel: 'silent',
      });
      return { body: out.outputFiles[0].text, type: 'js' };
    },
  };
}

export default {
  files: ['test/browser/**/*.test.ts'],
  // browser: true honours package.json "browser" maps (engine.io-client swaps its Node transports out through one).
  nodeResolve: { exportConditions: ['browser', 'development'], browser: true },
  concurrency: 1,
  testFramework: { config: { ui: 'tdd', timeout: 10000 } },
  plugins: [
    commonjsAsEsm({ buffer: ['Buffer', 'SlowBuffer', 'INSPECT_MAX_BYTES', 'kMaxLength'], events: ['EventEmitter', 'once'] }),
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' })],
  browsers: [chromeLauncher({ launchOptions: { executablePath: chromePath(), headless: true, args: CHROME_ARGS } })],
  // The service workers must be served from the site root to control test pages (a worker's scope is its folder).
  middleware: [
    function workersAtRoot(ctx, next) {
      if (/^\/(mockServiceWorker|msw-worker|site-cache|site-worker)\.js$/.test(ctx.url)) ctx.url = `/public${ctx.url}`;
      return next();
    },
    // The 'development' condition picks socket.io's esm-debug builds, which import the Node-or-browser `debug` package;
    // their plain esm builds are the same code without the logging.
    function socketIoWithoutDebug(ctx, next) {
      if (ctx.url.includes('/build/esm-debug/')) ctx.url = ctx.url.replace('/build/esm-debug/', '/build/esm/');
      return next();
    },
  ],
  testRunnerHtml: (testFramework) => `<!doctype html><html><head><meta charset="utf-8"></head><body>
    <script type="module" src="${testFramework}"></script></body></html>`,
};
