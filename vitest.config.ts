import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds dist/ once, so end-to-end tests always run the current source.
    globalSetup: ['test/global-setup.ts'],
    // A temporary directory per test file, removed after it (test/setup/temp-dir.ts).
    setupFiles: ['test/setup/temp-dir.ts', 'test/setup/fast-check.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Two cores: keep workers to two so TLS timing tests are not starved.
    maxWorkers: 2,
  },
});
