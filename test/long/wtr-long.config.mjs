// Long-running checks, outside `npm test`: `npx wtr --config test/long/wtr-long.config.mjs`
// (PUSHLAB_LONG_MINUTES=1 for a quick try; default 10). They prove what a unit of minutes can break: a service worker
// that the browser stops while a response is still streaming through it.
import base from '../../web-test-runner.config.mjs';

const minutes = Number(process.env.PUSHLAB_LONG_MINUTES ?? 10);

export default {
  ...base,
  files: ['test/long/**/*.test.ts'],
  testsFinishTimeout: (minutes + 5) * 60_000,
  testFramework: { config: { ui: 'tdd', timeout: (minutes + 3) * 60_000 } },
  testRunnerHtml: (testFramework) => `<!doctype html><html><head><meta charset="utf-8"></head><body>
    <script>window.PUSHLAB_LONG_MINUTES = ${minutes};</script>
    <script type="module" src="${testFramework}"></script></body></html>`,
};
