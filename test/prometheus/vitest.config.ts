import { defineConfig } from 'vitest/config';

// The real-Prometheus suite: run by test/prometheus/run.sh (needs the `prometheus` and
// `promtool` binaries and a built dist/), not by the default `vitest run`.
export default defineConfig({
  test: {
    include: ['test/prometheus/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
