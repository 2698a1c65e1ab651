import { defineConfig } from 'vitest/config';

// The ClickHouse suite: run by test/clickhouse/run.sh (it starts a throw-away clickhouse-server
// on loopback and sets FLOWLENS_TEST_CLICKHOUSE_URL), not by the default `vitest run`.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/clickhouse/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
