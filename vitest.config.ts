import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: [
      'test/lab/**',
      'test/prometheus/**',
      'test/browser/**',
      'test/clickhouse/**',
      'node_modules/**',
    ],
    testTimeout: 30000,
    pool: 'forks',
  },
});
