import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS and ESM copies. Node loads the CommonJS one for the libraries, so
    // test files must too, or graphql rejects types that come from "another realm".
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/loopback-only.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
