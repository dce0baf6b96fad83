import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@gpuaas/testkit/global-setup', './reliability/report-setup.ts'],
    include: ['e2e/**/*.test.ts', 'reliability/**/*.test.ts'],
    testTimeout: 90_000,
    // Waits on push delivery: a loaded CI machine needs more than the 1 s default.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 60_000,
  },
});
