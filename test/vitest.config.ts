import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@gpuaas/testkit/global-setup'],
    include: ['e2e/**/*.test.ts', 'reliability/**/*.test.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
