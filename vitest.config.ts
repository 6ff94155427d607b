import { defineConfig, configDefaults } from 'vitest/config';

/**
 * Tests that need a system tool beyond Node and npm (socat's pseudo-terminal
 * pairs, openssl). `npm test` leaves them out, so it passes on a machine with
 * nothing but Node and npm; `npm run test:tools` (NOWBOARD_TOOL_TESTS=1) runs
 * exactly these, and .ci/run installs the tools first. Real engines are
 * `npm run test:engines` (host-tests/engines/).
 */
export const TOOL_TESTS = ['host-tests/bridge/bridge-pty.test.ts', 'host-tests/ecqv/x509-size.test.ts'];
const TOOLS = process.env.NOWBOARD_TOOL_TESTS === '1';

export default defineConfig({
  test: {
    include: TOOLS ? TOOL_TESTS : ['host-tests/**/*.test.ts'],
    exclude: TOOLS ? configDefaults.exclude : configDefaults.exclude.concat(TOOL_TESTS),
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Crypto differential suites are CPU-bound; two workers match the 2-core CI machine.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
