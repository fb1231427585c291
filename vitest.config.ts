// Unit tests: pure logic that runs anywhere (compile, formatting, protocol, parsers), in Node.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'server/**/*.test.ts'],
    environment: 'node',
  },
});
