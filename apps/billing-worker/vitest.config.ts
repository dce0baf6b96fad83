import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@gpuaas/testkit/global-setup'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Outcomes arrive through real push on a shared, loaded machine: poll long, not fixed sleeps.
    expect: { poll: { timeout: 30_000, interval: 100 } },
  },
});
