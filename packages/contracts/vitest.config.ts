import { defineConfig } from 'vitest/config';

// Contracts tests are pure: no emulators, no global setup.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
