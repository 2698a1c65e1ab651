import { defineConfig } from 'vitest/config';

// The real-browser suite (test/browser/run.sh): one file, one serve, one Chromium; slow by nature.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
