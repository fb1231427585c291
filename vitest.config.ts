// Unit tests: pure logic that runs anywhere (compile, formatting, protocol, parsers), in Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'server/**/*.test.ts'],
    environment: 'node',
    // Many of these start real backends and learner processes; on a busy 2-core machine that takes longer than
    // vitest's 5 s default, which would fail a test that is only slow.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
