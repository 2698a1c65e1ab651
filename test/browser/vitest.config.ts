import { defineConfig } from 'vitest/config';

// The real-browser suite (test/browser/run.sh): one serve for all files (global setup), one
// Chromium per file, files one after another; slow by nature.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
