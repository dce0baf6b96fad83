import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@gpuaas/testkit/global-setup'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 180_000,
    // Waits on push delivery: a loaded CI machine needs more than the 1 s default.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
  },
});
