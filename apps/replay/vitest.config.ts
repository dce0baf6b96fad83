import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['@gpuaas/testkit/global-setup'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
