import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['host-tests/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Crypto differential suites are CPU-bound; two workers match the 2-core CI machine.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
