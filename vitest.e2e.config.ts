// End-to-end tests: the built site (and later the real backend) driven in the system Chromium with playwright-core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    // An exercise test watches two runs (the start and the solution), each up to its watchMs plus a margin.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // One Chromium at a time: CI machines have two cores.
    fileParallelism: false,
  },
});
