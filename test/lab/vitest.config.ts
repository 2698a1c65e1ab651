import { defineConfig } from 'vitest/config';

/** The lab suite: needs root, the Debian packages test/lab/run.sh installs, and network namespaces. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/lab/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
