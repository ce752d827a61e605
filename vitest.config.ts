import { defineConfig } from 'vitest/config';

/** Tests that talk HTTP to a gateway; they run once per request path. */
const HTTP_TESTS = [
  'test/integration/**/*.test.ts',
  'test/security/**/*.test.ts',
  'test/resilience/**/*.test.ts',
  'test/browser/**/*.test.ts',
];

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS and ESM copies. Node loads the CommonJS one for the libraries, so
    // test files must too, or graphql rejects types that come from "another realm".
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    setupFiles: ['test/setup/loopback-only.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: HTTP_TESTS },
      },
      {
        extends: true,
        test: { name: 'http', include: HTTP_TESTS },
      },
      {
        // The same HTTP tests with every request going through Yoga's fetch API adapter, which
        // shows that the fast path and Yoga behave the same.
        extends: true,
        test: { name: 'http-yoga-only', include: HTTP_TESTS, env: { FAST_PATH: 'false' } },
      },
    ],
  },
});
